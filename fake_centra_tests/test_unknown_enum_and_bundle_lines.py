"""Knobs for values the connector has never seen: unknown enum values and bundle lines, in both
profiles."""

from __future__ import annotations

from collections import Counter

import pytest
from fake_client import UNLIMITED, Client
from introspect import has

from fake_centra import FakeCentra, FakeData

LINES = """lines(includeFullyCancelled: true) {
  __typename id quantity cancelledQuantity lineValue { value } unitPrice { value }
  ... on ProductOrderLine { productNumber }
  ... on BundleOrderLine { productNumber productName productVariantName size product { id isBundle }
                           productVariant { id } productSize { SKU EAN } }
  ... on BundleItemOrderLine { productNumber productName productBrand productVariantName size
                               product { id isBundle } productVariant { id } productSize { SKU EAN } }
}"""


@pytest.fixture(scope="module", params=["full", "lean"])
def knobs(request, fake_centra_factory_module) -> Client:
    return Client(fake_centra_factory_module(orders=600, seed=7, schema_profile=request.param,
                                             unknown_enum=True, bundle_lines=True, **UNLIMITED))


def test_given_unknown_enum_when_introspecting_then_new_values_exist(knobs: Client) -> None:
    assert has(knobs, "OrderStatus.AWAITING_REVIEW") and has(knobs, "PaymentHistoryEntryType.BNPL_SETTLEMENT")
    assert knobs.fake.data.unknown_enum_values() == {"OrderStatus": "AWAITING_REVIEW",
                                                     "PaymentHistoryEntryType": "BNPL_SETTLEMENT"}


def test_given_no_knob_when_introspecting_then_values_absent(fake_centra: FakeCentra) -> None:
    client = Client(fake_centra)
    assert not has(client, "OrderStatus.AWAITING_REVIEW") and not has(client, "PaymentHistoryEntryType.BNPL_SETTLEMENT")
    assert fake_centra.data.unknown_enum_values() == {}
    assert all(o["status"] != "AWAITING_REVIEW" for o in fake_centra.data.orders())
    with pytest.raises(ValueError):
        fake_centra.data.update_order(next(fake_centra.data.orders())["id"], status="AWAITING_REVIEW")
    with pytest.raises(ValueError):
        fake_centra.data.add_payment(next(fake_centra.data.orders())["id"], entry_type="BNPL_SETTLEMENT")


def test_given_unknown_enum_when_reading_orders_then_about_five_percent_awaiting_review(knobs: Client) -> None:
    rows = knobs.data("{ orders(limit: 1000) { id status } }")["orders"]
    statuses = Counter(r["status"] for r in rows)
    assert 0.02 < statuses["AWAITING_REVIEW"] / len(rows) < 0.09
    assert all(r["status"] == knobs.fake.data.order(r["id"])["status"] for r in rows)
    filtered = knobs.data("{ orders(where: {status: [AWAITING_REVIEW]}, limit: 1000) { id } }")["orders"]
    assert len(filtered) == statuses["AWAITING_REVIEW"]
    assert not knobs.fake.data.shipments_of(filtered[0]["id"])  # a status before shipping


def test_given_unknown_enum_when_reading_payments_then_a_few_bnpl_settlements(knobs: Client) -> None:
    rows = knobs.data("{ orderPaymentHistory(limit: 5000) { id entryType value { value } order { id } } }")
    payments = {p["id"]: p for p in knobs.fake.data.payments()}
    types = Counter(r["entryType"] for r in rows["orderPaymentHistory"])
    assert 0 < types["BNPL_SETTLEMENT"] < types["CAPTURE"]
    for r in rows["orderPaymentHistory"]:
        assert r["entryType"] == payments[r["id"]]["entry_type"]
        assert r["value"]["value"] == payments[r["id"]]["value"]
    filtered = knobs.data("{ orderPaymentHistory(where: {entryType: [BNPL_SETTLEMENT]}, limit: 5000) { id } }")
    assert len(filtered["orderPaymentHistory"]) == types["BNPL_SETTLEMENT"]


def test_given_unknown_enum_then_other_generated_values_unchanged() -> None:
    plain, knob = FakeData(orders=300, seed=7), FakeData(orders=300, seed=7, unknown_enum=True)
    for a, b in zip(plain.orders(), knob.orders(), strict=True):
        if b["status"] != "AWAITING_REVIEW":
            assert a == b
    for a, b in zip(plain.payments(), knob.payments(), strict=True):
        assert {**a, "entry_type": None} == {**b, "entry_type": None}
        assert a["entry_type"] == b["entry_type"] or (a["entry_type"], b["entry_type"]) == ("CAPTURE", "BNPL_SETTLEMENT")


def test_given_bundle_lines_when_reading_orders_then_bundle_then_items_with_product_fields(knobs: Client) -> None:
    rows = knobs.data("{ orders(limit: 1000) { id totals { lineValues { value } } %s } }" % LINES)["orders"]
    with_bundle = [r for r in rows if any(ln["__typename"] == "BundleOrderLine" for ln in r["lines"])]
    assert 0.05 < len(with_bundle) / len(rows) < 0.2
    for row in rows:
        o = knobs.fake.data.order(row["id"])
        assert [(ln["__typename"], ln["id"]) for ln in row["lines"]] == [(ln["type"], ln["id"]) for ln in o["lines"]]
        assert row["totals"]["lineValues"]["value"] == round(sum(ln["lineValue"]["value"] for ln in row["lines"]), 2)
    for row in with_bundle:
        o = knobs.fake.data.order(row["id"])
        kinds = [ln["__typename"] for ln in row["lines"]]
        head = kinds.index("BundleOrderLine")
        assert kinds[head + 1:] and set(kinds[head + 1:]) == {"BundleItemOrderLine"}
        bundle, items = row["lines"][head], row["lines"][head + 1:]
        data_head, data_items = o["lines"][head], o["lines"][head + 1:]
        assert bundle["product"]["isBundle"] is True and bundle["size"] == "One size"
        assert bundle["productSize"]["SKU"] == data_head["sku"] and bundle["lineValue"]["value"] == data_head["line_value"]
        assert bundle["lineValue"]["value"] > 0 or bundle["quantity"] == 0
        for item, data_item in zip(items, data_items, strict=True):
            assert data_item["bundle_line_id"] == bundle["id"]
            assert item["quantity"] == bundle["quantity"] and item["cancelledQuantity"] == bundle["cancelledQuantity"]
            assert item["lineValue"]["value"] == 0.0 and item["unitPrice"]["value"] == 0.0
            assert item["product"]["isBundle"] is False and item["productName"] and item["productBrand"]
            assert item["productSize"]["SKU"] == data_item["sku"] and item["productSize"]["EAN"] == data_item["ean"]


def test_given_bundle_lines_when_reading_products_then_bundle_products_list_their_items(knobs: Client) -> None:
    data = knobs.fake.data
    bundles = [p for p in data.products() if p["is_bundle"]]
    assert bundles and all(2 <= len(b["bundle_items"]) <= 3 for b in bundles)
    rows = knobs.data("{ products(where: {id: [%s]}) { id isBundle } }" % ", ".join(str(b["id"]) for b in bundles))
    assert rows["products"] == [{"id": b["id"], "isBundle": True} for b in bundles]
    for o in list(data.orders())[:200]:
        lines = o["lines"]
        for k, ln in enumerate(lines):
            if ln["type"] == "BundleOrderLine":
                bundle = next(b for b in bundles if b["id"] == ln["product_id"])
                items = [x for x in lines[k + 1:] if x.get("bundle_line_id") == ln["id"]]
                assert [i["size_id"] for i in items] == [b["size_id"] for b in bundle["bundle_items"]]


def test_given_bundle_lines_when_shipped_then_shipments_and_quantities_reconcile(knobs: Client) -> None:
    data = knobs.fake.data
    order = next(o for o in data.orders() if o["status"] == "SHIPPED"
                 and any(ln["type"] == "BundleOrderLine" for ln in o["lines"]))
    (shipment,) = data.shipments_of(order["id"])
    assert shipment["grand_total"] == order["grand_total"]
    assert {sl["order_line_id"] for sl in shipment["lines"]} == {ln["id"] for ln in order["lines"] if ln["quantity"] > 0}
    rows = knobs.data('query($id: String!) { order(id: $id) { shipments { lines { orderLine { __typename id } } } } }',
                      {"id": order["id"]})
    kinds = {sl["orderLine"]["__typename"] for sl in rows["order"]["shipments"][0]["lines"]}
    assert {"BundleOrderLine", "BundleItemOrderLine"} <= kinds


def test_given_bundle_lines_then_orders_without_a_bundle_unchanged() -> None:
    plain, knob = FakeData(orders=300, seed=7), FakeData(orders=300, seed=7, bundle_lines=True)
    for a, b in zip(plain.orders(), knob.orders(), strict=True):
        if all(ln["type"] not in ("BundleOrderLine", "BundleItemOrderLine") for ln in b["lines"]):
            assert a == b


def test_given_bundle_lines_with_bundle_types_dropped_when_building_then_clear_error() -> None:
    with pytest.raises(ValueError, match="bundle_lines needs the types BundleOrderLine and BundleItemOrderLine"):
        FakeCentra(orders=10, bundle_lines=True, schema_drop=["BundleItemOrderLine"])
