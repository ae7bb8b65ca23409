"""Schema profiles: the lean profile lacks every unconfirmed coordinate and still serves all data;
schema_drop removes more on top of a profile and rejects coordinates that do not exist."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from fake_client import UNLIMITED, Client
from introspect import field_names, has

from fake_centra import FakeCentra
from fake_centra.profiles import PROFILES, SchemaEditError, sdl

LEAN = PROFILES["lean"]
KEPT_IN_LEAN = (  # neighbours of removed coordinates that must survive
    "Query.products", "Query.shipments", "Query.returns", "Query.orderConnection",
    "DirectToConsumerReturn.order", "DirectToConsumerReturn.shipment",
    "WholesaleReturn.order", "WholesaleReturn.shipment",
    "ProductSort.updatedAt_ASC", "ShipmentSort.updatedAt_ASC", "OrderSort.number_DESC", "OrderSort.id_ASC",
    "ReturnTotals.lineValues", "Query.currencies(where:)", "OrderLine", "ProductOrderLine",
    "BundleOrderLine", "BundleItemOrderLine", "AttributeStringElement", "ShipmentConnection",
    "ProductConnection", "DirectToConsumerShipment.order",
)


@pytest.fixture(scope="module")
def lean(fake_centra_factory_module) -> Client:
    return Client(fake_centra_factory_module(orders=300, seed=7, schema_profile="lean", **UNLIMITED))


@pytest.fixture(scope="module")
def full(fake_centra_factory_module) -> Client:
    return Client(fake_centra_factory_module(orders=300, seed=7, **UNLIMITED))


def test_given_lean_profile_then_it_lists_exactly_the_unconfirmed_coordinates() -> None:
    assert PROFILES["full"] == ()
    assert set(LEAN) == {
        "Query.productConnection", "Query.shipmentConnection", "Shipment.store",
        "DirectToConsumerShipment.store", "WholesaleShipment.store", "ReturnTotals.lineValues(includingTax:)",
        "Return.order", "Return.shipment", "OrderSort.number_ASC", "ReturnSort.id_ASC",
        "PaymentHistoryEntrySort.id_ASC", "StoreSort.id_ASC", "ProductSort.id_ASC", "ShipmentSort.id_ASC",
        "Query.currencies(limit:)", "GiftCertificateOrderLine", "Order.discountsApplied",
        "DirectToConsumerOrder.discountsApplied", "WholesaleOrder.discountsApplied", "AttributeImageElement",
        "CustomerSort.updatedAt_ASC", "CustomerSort.updatedAt_DESC", "CustomerSort.createdAt_ASC",
        "CustomerSort.createdAt_DESC", "AccountSort.updatedAt_ASC", "AccountSort.updatedAt_DESC",
        "InvoiceSort.updatedAt_ASC", "InvoiceSort.updatedAt_DESC", "VoucherSort.updatedAt_ASC",
        "VoucherSort.updatedAt_DESC", "Customer.cellPhoneNumber", "Customer.lastLoginAt",
        "Stock.product", "Stock.productVariant", "Query.vouchers", "Query.campaigns",
        # centra-streams §8: the cost of goods types (with their roots and OrderLine.allocations)
        "StockChange", "StockChangeLine", "StockChangeConnection", "StockChangeEdge", "Allocation", "Supplier",
        "PurchaseOrder", "PurchaseOrderDelivery", "PurchaseOrderDeliveryLine",
    }


@pytest.mark.parametrize("coordinate", LEAN)
def test_given_lean_profile_when_introspecting_then_coordinate_is_gone(lean: Client, full: Client,
                                                                       coordinate: str) -> None:
    assert has(full, coordinate)
    assert not has(lean, coordinate)


def test_given_lean_profile_when_introspecting_then_neighbours_are_kept(lean: Client) -> None:
    missing = [c for c in KEPT_IN_LEAN if not has(lean, c)]
    assert missing == []


def test_given_lean_profile_when_removing_a_type_then_no_reference_to_it_is_left(lean: Client) -> None:
    order_line = lean.data('{ __type(name: "OrderLine") { possibleTypes { name } } }')["__type"]
    assert {t["name"] for t in order_line["possibleTypes"]} == {
        "ProductOrderLine", "BundleOrderLine", "BundleItemOrderLine"}
    element = lean.data('{ __type(name: "AttributeElement") { possibleTypes { name } } }')["__type"]
    assert "AttributeImageElement" not in {t["name"] for t in element["possibleTypes"]}
    for order_type in ("Order", "DirectToConsumerOrder", "WholesaleOrder"):
        assert "discountsApplied" not in field_names(lean, order_type)
        assert "totals" in field_names(lean, order_type)


def test_given_lean_profile_when_reading_every_root_without_sort_then_all_rows_in_id_order(lean: Client) -> None:
    data = lean.fake.data
    got = lean.data("""{
      orders(limit: 500) { id number lines(includeFullyCancelled: true) { id __typename } }
      returns(limit: 500) { id ... on DirectToConsumerReturn { order { id } shipment { id } } }
      shipments(limit: 500) { id order { id } }
      orderPaymentHistory(limit: 5000) { id entryType }
      products(limit: 500) { id }
      stores { id } currencies { code } markets { id } pricelists { id }
    }""")
    assert [o["number"] for o in got["orders"]] == [o["number"] for o in data.orders()]
    for row, o in zip(got["orders"], data.orders(), strict=True):
        assert [(ln["id"], ln["__typename"]) for ln in row["lines"]] == [(ln["id"], ln["type"]) for ln in o["lines"]]
    assert [r["id"] for r in got["returns"]] == [r["id"] for r in data.returns()]
    assert [s["id"] for s in got["shipments"]] == [s["id"] for s in data.shipments()]
    assert [p["id"] for p in got["orderPaymentHistory"]] == [p["id"] for p in data.payments()]
    assert [p["id"] for p in got["products"]] == [p["id"] for p in data.products()]
    assert [s["id"] for s in got["stores"]] == [1, 2, 3]
    assert [c["code"] for c in got["currencies"]] == [c["code"] for c in data.currencies()]
    dtc = [r for r in got["returns"] if r]
    by_id = {r["id"]: r for r in data.returns()}
    assert dtc and all(r["order"]["id"] == by_id[r["id"]]["order_id"] for r in dtc if "order" in r)


def test_given_lean_profile_when_generating_then_no_gift_certificate_lines_and_data_matches(lean: Client,
                                                                                            full: Client) -> None:
    lean_lines = [ln for o in lean.fake.data.orders() for ln in o["lines"]]
    full_orders = list(full.fake.data.orders())
    assert any(ln["type"] == "GiftCertificateOrderLine" for o in full_orders for ln in o["lines"])
    assert {ln["type"] for ln in lean_lines} == {"ProductOrderLine"}
    # only the orders that had a gift certificate differ between the profiles
    for a, b in zip(lean.fake.data.orders(), full_orders, strict=True):
        if all(ln["type"] == "ProductOrderLine" for ln in b["lines"]):
            assert a == b


def test_given_lean_profile_when_selecting_removed_coordinates_then_validation_errors(lean: Client) -> None:
    for query in ("{ productConnection(first: 1) { totalCount } }",
                  "{ returns(sort: [id_ASC]) { id } }",
                  "{ returns { totals { lineValues(includingTax: false) { value } } } }",
                  "{ returns { order { id } } }",
                  "{ currencies(limit: 1) { code } }",
                  "{ orders { lines { ... on GiftCertificateOrderLine { id } } } }"):
        body = lean.post(query).json()
        assert body.get("data") is None and body["errors"], query
        assert body["errors"][0]["extensions"]["category"] == "graphql"


def test_given_lean_profile_when_sorting_by_kept_values_then_sorted(lean: Client) -> None:
    rows = lean.data("{ products(sort: [updatedAt_ASC], limit: 500) { updatedAt } }")["products"]
    assert len(rows) == lean.fake.data.tables["products"].n
    desc = lean.data("{ returns(sort: [id_DESC], limit: 500) { id } }")["returns"]
    assert [r["id"] for r in desc] == sorted((r["id"] for r in lean.fake.data.returns()), reverse=True)


def test_given_schema_drop_when_serving_then_that_required_field_is_gone(fake_centra_factory) -> None:
    fake = fake_centra_factory(orders=50, seed=7, schema_drop=["ReturnLine.quantity"])
    client = Client(fake)
    assert not has(client, "ReturnLine.quantity") and has(client, "ReturnLine.lineValue")
    assert has(client, "Query.productConnection")  # the full profile otherwise
    body = client.post("{ returns { lines { quantity } } }").json()
    assert "Cannot query field 'quantity' on type 'ReturnLine'" in body["errors"][0]["message"]
    assert "quantity" not in sdl("full", ["ReturnLine.quantity"]).split("type ReturnLine {")[1].split("}")[0]


def test_given_schema_drop_on_top_of_lean_when_serving_then_both_apply(fake_centra_factory) -> None:
    fake = fake_centra_factory(orders=20, seed=7, schema_profile="lean",
                               schema_drop=("Shipment.store", "OrderSort.orderDate_ASC"))
    client = Client(fake)
    assert not has(client, "OrderSort.orderDate_ASC") and not has(client, "Query.productConnection")
    assert fake.schema_drop == ("Shipment.store", "OrderSort.orderDate_ASC")


@pytest.mark.parametrize("coordinate,message", [
    ("NoSuchType", "no type NoSuchType"),
    ("Order.noSuchField", "type Order has no field noSuchField"),
    ("OrderSort.noSuchValue", "enum OrderSort has no value noSuchValue"),
    ("Order.lines(noSuchArg:)", "Order.lines has no argument noSuchArg"),
    ("Order.lines.quantity", "malformed schema coordinate"),
    ("DirectToConsumerOrder.number", "Interface field Order.number expected"),
])
def test_given_unknown_or_invalid_coordinate_when_building_then_clear_error(coordinate: str, message: str) -> None:
    with pytest.raises(SchemaEditError, match=message.replace("(", r"\(").replace(")", r"\)")):
        FakeCentra(orders=5, schema_drop=[coordinate])
    assert issubclass(SchemaEditError, ValueError)


def test_given_unknown_profile_when_building_then_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown schema profile 'ancient'; choose one of full, lean"):
        FakeCentra(orders=5, schema_profile="ancient")


def test_given_removed_enum_value_used_in_a_default_when_building_then_default_dropped() -> None:
    text = sdl("lean")
    assert "returns(where: ReturnFilter, sort: [ReturnSort!], limit" in text
    assert "orders(where: OrderFilter, sort: [OrderSort!] = [id_ASC]" in text


def test_given_cli_lean_and_schema_drop_when_serving_then_served_schema_lacks_them() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "fake_centra", "serve", "--orders", "20",
                             "--schema-profile", "lean", "--schema-drop", "ReturnLine.quantity",
                             "--schema-drop", "Store.name"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().split()[1]
        token = proc.stdout.readline().split()[1]
        q = """{ a: __type(name: "Query") { fields { name } } b: __type(name: "Store") { fields { name } }
                 c: __type(name: "ReturnLine") { fields { name } } }"""
        data = requests.post(url, json={"query": q}, headers={"Authorization": f"Bearer {token}"},
                             timeout=10).json()["data"]
        assert "productConnection" not in {f["name"] for f in data["a"]["fields"]}
        assert {f["name"] for f in data["b"]["fields"]} == {"id", "type"}
        assert "quantity" not in {f["name"] for f in data["c"]["fields"]}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_given_cli_unknown_coordinate_when_serving_or_printing_then_exit_2_with_message() -> None:
    for command in ("serve", "sdl"):
        done = subprocess.run([sys.executable, "-m", "fake_centra", command, "--schema-drop", "Order.nope"],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 2
        assert "unknown schema coordinate 'Order.nope': type Order has no field nope" in done.stderr


def test_given_cli_sdl_when_printing_lean_then_the_lean_schema() -> None:
    done = subprocess.run([sys.executable, "-m", "fake_centra", "sdl", "--schema-profile", "lean"],
                          capture_output=True, text=True, timeout=30, check=True)
    assert done.stdout == sdl("lean")
    assert "productConnection" not in done.stdout and "type BundleOrderLine implements OrderLine" in done.stdout
