"""The full profile follows the public evidence (centra-streams §14): fields no public source shows
are gone, confirmed ones are there, and every guess in the SDL says what it rests on."""

from __future__ import annotations

import re

import pytest
from fake_client import UNLIMITED, Client
from introspect import field_names, has, type_info

from fake_centra.profiles import SCHEMA_PATH

LINE_TYPES = ("OrderLine", "ProductOrderLine", "GiftCertificateOrderLine", "BundleOrderLine", "BundleItemOrderLine")
PRODUCT_FIELDS = {"size", "productNumber", "productName", "productBrand", "productVariantName", "product",
                  "productVariant", "productSize"}


@pytest.fixture(scope="module")
def client(fake_centra_factory_module) -> Client:
    return Client(fake_centra_factory_module(orders=300, seed=7, **UNLIMITED))


@pytest.mark.parametrize("coordinate", [
    *(f"{t}.shippedQuantity" for t in LINE_TYPES),
    "GiftCertificateOrderLine.giftCertificateName", "Store.status", "OrderTotals.lineValues(includingTax:)",
    "Attribute.name", "Attribute.value",
])
def test_given_full_profile_when_introspecting_then_unevidenced_coordinate_absent(client: Client, coordinate: str) -> None:
    assert not has(client, coordinate)


@pytest.mark.parametrize("coordinate", [
    "OrderTotals.unexpeditedQuantity", "OrderTotals.lineValues", "ReturnTotals.lineValues(includingTax:)",
    "Store.id", "Store.name", "Store.type", "BundleOrderLine", "BundleItemOrderLine",
    "ObjectWithAttributes.attributes(where:)", "Order.attributes(where:)", "Product.attributes(where:)",
    "ProductVariant.attributes(where:)", "MappedAttribute.id", "MappedAttribute.name", "DynamicAttribute.elements(where:)",
    "AttributeType.isMapped", "AttributeObjectType.ProductVariant", "AttributeElementKind.IMAGE",
    "AttributeImageElement.mimeType", "AssignedAttributeFilter", "AssignedAttributeElementFilter",
])
def test_given_full_profile_when_introspecting_then_evidenced_coordinate_present(client: Client, coordinate: str) -> None:
    assert has(client, coordinate)


def test_given_full_profile_then_bundle_lines_have_the_product_line_fields(client: Client) -> None:
    product_line = field_names(client, "ProductOrderLine")
    for name in ("BundleOrderLine", "BundleItemOrderLine"):
        assert field_names(client, name) == product_line and PRODUCT_FIELDS <= product_line
        assert [i["name"] for i in type_info(client, name)["interfaces"]] == ["OrderLine"]
    possible = {t["name"] for t in type_info(client, "OrderLine")["possibleTypes"]}
    assert possible == {"ProductOrderLine", "GiftCertificateOrderLine", "BundleOrderLine", "BundleItemOrderLine"}


def test_given_full_profile_then_orders_products_variants_implement_object_with_attributes(client: Client) -> None:
    possible = {t["name"] for t in type_info(client, "ObjectWithAttributes")["possibleTypes"]}
    assert possible == {"DirectToConsumerOrder", "WholesaleOrder", "Product", "ProductVariant", "Customer"}
    assert "ObjectWithAttributes" in {i["name"] for i in type_info(client, "Order")["interfaces"]}
    values = {v["name"] for v in type_info(client, "AttributeObjectType")["enumValues"]}
    assert values == {"Account", "Category", "Customer", "DeliveryGroup", "Display", "Order", "Product", "SizeChart",
                      "StoreItem", "ProductVariant", "ProductMedia", "Voucher", "Campaign"}


def test_given_orders_when_reading_unexpedited_quantity_then_equals_unshipped_units(client: Client) -> None:
    rows = client.data("{ orders(limit: 300) { id status totals { quantity unexpeditedQuantity } } }")["orders"]
    for row in rows:
        o = client.fake.data.order(row["id"])
        unshipped = sum(ln["quantity"] - ln["shipped_quantity"] for ln in o["lines"])
        assert row["totals"]["unexpeditedQuantity"] == o["totals"]["unexpedited_quantity"] == unshipped
    assert {r["status"] for r in rows if r["totals"]["unexpeditedQuantity"] == 0 and r["totals"]["quantity"]} \
        <= {"SHIPPED", "ARCHIVED"}


def test_given_shipment_created_when_reading_totals_then_unexpedited_drops_to_zero(client: Client) -> None:
    data = client.fake.data
    order = next(o for o in data.orders() if o["status"] == "CONFIRMED" and o["totals"]["quantity"] > 0)
    assert order["totals"]["unexpedited_quantity"] == order["totals"]["quantity"]
    data.create_shipment(order["id"])
    q = 'query($id: String!) { order(id: $id) { totals { unexpeditedQuantity } } }'
    assert client.data(q, {"id": order["id"]})["order"]["totals"]["unexpeditedQuantity"] == 0
    assert all(ln["shipped_quantity"] == ln["quantity"] for ln in data.order(order["id"])["lines"])


def test_given_line_values_without_argument_when_reading_then_order_and_return_totals_answer(client: Client) -> None:
    body = client.post("{ orders(limit: 1) { totals { lineValues(includingTax: false) { value } } } }").json()
    assert "Unknown argument 'includingTax' on field 'OrderTotals.lineValues'" in body["errors"][0]["message"]
    rows = client.data("""{ returns(limit: 5) { totals { lineValues { value }
                           net: lineValues(includingTax: false) { value } } } }""")["returns"]
    data = list(client.fake.data.returns())[:5]
    assert [r["totals"]["net"]["value"] for r in rows] == [r["totals"]["line_values_ex_tax"] for r in data]


def test_given_stores_when_reading_then_no_status_in_api_or_data(client: Client) -> None:
    assert client.data("{ stores { id name type } }")["stores"] == client.fake.data.stores()
    assert all("status" not in s for s in client.fake.data.stores())


def _comment_blocks(text: str) -> list[tuple[str, str]]:
    """(comment block, the SDL line right after it) for every run of ``#`` lines."""
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip().startswith("#"):
            current.append(line.strip())
        else:
            if current:
                blocks.append(("\n".join(current), line.strip()))
            current = []
    return blocks


def test_given_the_sdl_then_every_guess_names_its_evidence() -> None:
    blocks = _comment_blocks(SCHEMA_PATH.read_text(encoding="utf-8"))
    guesses = [(c, nxt) for c, nxt in blocks if re.search(r"^# \[(I|T)\] ", c, re.M)]
    assert len(guesses) >= 15
    for comment, _next in guesses:
        assert re.search(r"centra-(evidence|streams|api) §\d+|see BundleOrderLine", comment), comment
    tagged = {nxt.split("(")[0].split(" {")[0] for _c, nxt in guesses}
    for definition in ("type DynamicAttribute implements Attribute", "enum AttributeElementKind",
                       "input AssignedAttributeFilter", "input AssignedAttributeElementFilter",
                       "type BundleOrderLine implements OrderLine", "type BundleItemOrderLine implements OrderLine",
                       "type AttributeImageElement implements AttributeElement", "productConnection", "shipments",
                       "discountsApplied: [OrderDiscount!]!", "store: Store!", "order: Order @requires"):
        assert definition.split("(")[0].split(" {")[0] in tagged, definition
