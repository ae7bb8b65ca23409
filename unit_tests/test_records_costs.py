"""records/costs.py: stock-change lines (the ledger), purchase orders, deliveries (lines nested) and order
line allocations, each with its unit cost in its own currency and in the base currency."""

from __future__ import annotations

import copy
from typing import Any, Callable

from source_centra.records import costs
from unit_tests.test_feeds import contract_fields

Nodes = Callable[[str], dict[str, Any]]
EXTRAS = {"base_currency": "EUR"}


def test_given_stock_change_then_one_record_per_line_with_the_changes_header(nodes: Nodes) -> None:
    records = list(costs.stock_changes(nodes("stock_changes")["delivery_in_sek_with_two_lines"], EXTRAS))
    assert [r["id"] for r in records] == [9001, 9002]
    assert {(r["stock_change_id"], r["type"], r["comment"], r["warehouse_id"], r["created_at"]) for r in records} == {
        (501, "DELIVERY", "Delivery PO-2504-21-1", 1, "2025-03-10T08:15:00+00:00")}
    assert contract_fields("stock_changes") <= set(records[0])
    first = records[0]
    assert (first["size_id"], first["variant_id"], first["product_id"], first["sku"]) == (3001, 201, 101, "WO-100-NAVY-M")
    assert (first["delivered_quantity"], first["unit_cost"], first["currency"]) == (12, 249.5, "SEK")
    assert (first["unit_cost_base"], first["base_currency"]) == (21.73, "EUR")  # 249.5 × 0.0871, half-up


def test_given_return_booked_back_then_it_names_the_shipment_line(nodes: Nodes) -> None:
    (record,) = costs.stock_changes(nodes("stock_changes")["return_booked_back_in_eur"], EXTRAS)
    assert (record["type"], record["created_from_shipment_line_id"], record["unit_cost_base"]) == ("RETURN", 6001, 21.9)


def test_given_line_without_cost_then_cost_fields_are_null_not_zero(nodes: Nodes) -> None:
    (record,) = costs.stock_changes(nodes("stock_changes")["manual_correction_without_cost"], EXTRAS)
    assert (record["delivered_quantity"], record["unit_cost"], record["currency"], record["unit_cost_base"]) == (
        -2, None, None, None)


def test_given_delivery_then_lines_carry_unit_landed_and_customs_cost_with_base_amounts(nodes: Nodes) -> None:
    (record,) = costs.purchase_order_deliveries(nodes("purchase_order_deliveries")["accepted_in_usd_with_customs"], EXTRAS)
    assert {f for f in contract_fields("purchase_order_deliveries") if "[]" not in f} <= set(record)
    assert (record["purchase_order_id"], record["purchase_order_number"], record["stock_change_id"]) == (43, "PO-2504-31", 501)
    assert record["expected_arrival_at"] == "2025-03-12T08:00:00+00:00"
    (line,) = record["lines"]
    assert (line["quantity"], line["unit_cost"], line["landed_cost"], line["customs_value"], line["currency"]) == (
        12, 20.0, 23.0, 2.4, "USD")
    assert (line["unit_cost_base"], line["landed_cost_base"], line["customs_value_base"]) == (18.4, 21.16, 2.21)


def test_given_delivery_on_its_way_then_no_stock_change_and_no_base_without_a_rate(nodes: Nodes) -> None:
    (record,) = costs.purchase_order_deliveries(nodes("purchase_order_deliveries")["on_its_way_without_stock_change"])
    assert (record["status"], record["stock_change_id"], record["expected_arrival_at"]) == ("INSERTED", None, None)
    assert record["lines"][0]["unit_cost_base"] is None and record["base_currency"] is None


def test_given_order_then_one_record_per_allocation_with_its_cost(nodes: Nodes) -> None:
    order = nodes("order_item_allocations")["line_allocated_from_two_deliveries"]
    records = list(costs.order_item_allocations(order, {**EXTRAS, "store": {"id": 1, "name": "Retail", "type": "X"}}))
    assert contract_fields("order_item_allocations") <= set(records[0])
    assert [(r["id"], r["line_id"], r["quantity"], r["stock_change_line_id"], r["unit_cost"], r["currency"],
             r["unit_cost_base"]) for r in records] == [
        (701, 11, 2, 9001, 249.5, "SEK", 21.73), (702, 11, 1, 9101, 22.1, "EUR", 22.1)]
    assert {(r["order_id"], r["store_id"], r["order_updated_at"]) for r in records} == {
        ("1497ccf644db871e1e4026d101bde6f3", 1, "2025-04-02T12:00:00+00:00")}


def test_given_unallocated_order_then_no_record(nodes: Nodes) -> None:
    assert list(costs.order_item_allocations(nodes("order_item_allocations")["pending_order_not_yet_allocated"])) == []
    order = copy.deepcopy(nodes("order_item_allocations")["pending_order_not_yet_allocated"])
    order["lines"][0]["allocations"] = None  # the token may not read allocations on this page
    assert list(costs.order_item_allocations(order)) == []


def test_given_purchase_order_then_supplier_and_warehouse(nodes: Nodes) -> None:
    (record,) = costs.purchase_orders(nodes("purchase_orders")["delivered"])
    assert contract_fields("purchase_orders") <= set(record)
    assert (record["supplier_id"], record["supplier_name"], record["warehouse_id"], record["updated_at"]) == (
        2, "Nordic Knit AB", 1, "2025-05-10T07:15:00+00:00")
