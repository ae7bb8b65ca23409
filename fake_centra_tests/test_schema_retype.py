"""schema_retype / --schema-retype: an instance whose types declare a field with another nullability
or list-ness (e.g. one order line type's productNumber nullable), served with real data."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fake_client import UNLIMITED, Client

from fake_centra import FakeCentra
from fake_centra.profiles import SchemaEditError, sdl


def _type_of(fake: FakeCentra, coordinate: str) -> str:
    type_name, field = coordinate.split(".")
    return str(fake.schema.get_type(type_name).fields[field].type)


def test_given_retype_then_the_served_schema_declares_the_field_so() -> None:
    fake = FakeCentra(orders=5, schema_retype={"GiftCertificateOrderLine.productNumber": "String"})
    assert _type_of(fake, "GiftCertificateOrderLine.productNumber") == "String"
    assert _type_of(fake, "ProductOrderLine.productNumber") == "String!"
    assert "productNumber: String\n" in fake.sdl().split("type GiftCertificateOrderLine")[1]


def test_given_field_retyped_as_a_list_then_its_values_are_served_as_lists_of_one(fake_centra_factory) -> None:
    client = Client(fake_centra_factory(orders=20, seed=7, schema_retype=["ProductOrderLine.size=[String!]"],
                                        **UNLIMITED))
    data = client.data("{ orders(limit: 5) { lines { ... on ProductOrderLine { size } } } }")
    sizes = [line["size"] for order in data["orders"] for line in order["lines"] if "size" in line]
    assert sizes and all(isinstance(size, list) and len(size) == 1 for size in sizes)


@pytest.mark.parametrize("retype,message", [
    ({"GiftCertificateOrderLine.quantity": "Int"}, "Interface field OrderLine.quantity expects type Int!"),
    ({"ProductOrderLine.productNumber": "Int"}, "nullability and list-ness only"),
    ({"ProductOrderLine.nope": "String"}, "unknown schema coordinate"),
    (["ProductOrderLine.size"], "use Type.field=TYPE"),
])
def test_given_invalid_retype_then_clear_error(retype, message) -> None:
    with pytest.raises(SchemaEditError, match=message):
        FakeCentra(orders=5, schema_retype=retype)


def test_given_cli_retype_then_the_sdl_shows_it() -> None:
    done = subprocess.run([sys.executable, "-m", "fake_centra", "sdl", "--schema-retype",
                           "GiftCertificateOrderLine.productNumber=String"], capture_output=True, text=True,
                          timeout=30, check=True)
    assert done.stdout == sdl("full", schema_retype=["GiftCertificateOrderLine.productNumber=String"])
    assert "productNumber: String\n" in done.stdout.split("type GiftCertificateOrderLine")[1]


def test_given_change_schema_then_the_same_data_is_served_with_the_new_schema(fake_centra_factory) -> None:
    """An instance upgraded between two syncs: the filter it lacked is there, the data is the same."""
    fake = fake_centra_factory(orders=20, seed=7, schema_drop=["CustomerFilter.storeId"], **UNLIMITED)
    client = Client(fake)
    query = "{ customers(where: {storeId: [1]}, limit: 3) { id } }"
    assert client.post(query).json()["errors"][0]["extensions"]["category"] == "graphql"
    before = client.data("{ customers(limit: 500) { id } }")["customers"]
    fake.change_schema(schema_drop=())
    assert client.data(query)["customers"] and client.data("{ customers(limit: 500) { id } }")["customers"] == before
    assert fake.schema_drop == () and "storeId" in fake.sdl().split("input CustomerFilter")[1].split("}")[0]
