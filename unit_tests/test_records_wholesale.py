"""records/wholesale.py: invoices, their lines (cost of goods) and payments nested."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from source_centra.records import wholesale
from unit_tests.test_feeds import contract_fields

Nodes = Callable[[str], dict[str, Any]]


def invoice(nodes: Nodes, case: str, extras: dict | None = None, **changes: Any) -> dict[str, Any]:
    node = {**nodes("invoices")[case], **changes}
    (record,) = wholesale.invoices(node, {"base_currency": "EUR"} if extras is None else extras)
    return record


def test_given_invoice_then_contract_fields_and_header_values(nodes: Nodes) -> None:
    record = invoice(nodes, "partly_paid_with_cogs")
    assert {f for f in contract_fields("invoices") if "[]" not in f} <= set(record)
    assert {k: record[k] for k in ("id", "number", "type", "status", "is_overdue", "account_id", "account_name",
                                   "purchase_order_number", "pdf_url")} == {
        "id": 501, "number": 1004, "type": "INVOICE", "status": "PARTIALLY_PAID", "is_overdue": True,
        "account_id": 9000001, "account_name": "Nordic Outfitters AB", "purchase_order_number": "PO-2024-0042",
        "pdf_url": "https://shop.example/invoices/501.pdf"}
    assert record["order_ids"] == ["a1b2c3d4e5f60718293a4b5c6d7e8f90"] and record["shipment_ids"] == [301]


def test_given_invoice_then_money_in_its_currency_with_base_amounts(nodes: Nodes) -> None:
    record = invoice(nodes, "sek_credit_note_without_payments")
    assert (record["currency"], record["currency_base_rate"], record["base_currency"]) == ("SEK", 0.0871, "EUR")
    assert (record["total"], record["total_ex_tax"]) == (1250.0, 1000.0)
    assert (record["total_base"], record["total_ex_tax_base"]) == (108.88, 87.1)  # × 0.0871, half-up to the cent


def test_given_invoice_then_timestamps_utc_and_due_and_order_dates_stay_dates(nodes: Nodes) -> None:
    record = invoice(nodes, "partly_paid_with_cogs")
    assert (record["created_at"], record["updated_at"]) == ("2024-01-16T08:00:00+00:00", "2024-02-01T10:30:00+00:00")
    assert (record["due_date"], record["order_date"]) == ("2024-02-15", "2024-01-15")
    assert record["payments"][0]["payment_date"] == "2024-01-31"
    assert record["payments"][0]["created_at"] == "2024-02-01T10:30:00+00:00"


def test_given_invoice_lines_then_each_joins_its_order_line_with_quantity_value_and_cogs(nodes: Nodes) -> None:
    lines = invoice(nodes, "partly_paid_with_cogs")["lines"]
    assert lines[0] == {
        "line_id": 7001, "order_line_id": 2001, "quantity": 10, "product_number": "WO-100",
        "product_name": "Merino Crew", "variant_name": "Navy", "size": "M", "brand": "North Loop",
        "unit_price_ex_tax": 80.0, "line_value": 800.0, "cogs": 310.0, "discount_percent": 20.0, "tax_percent": 25.0}
    assert lines[1]["cogs"] is None  # no cost of goods recorded: null, not 0


def test_given_payments_then_amounts_and_their_sum_as_paid_amount(nodes: Nodes) -> None:
    record = invoice(nodes, "partly_paid_with_cogs")
    assert [(p["id"], p["type"], p["amount"]) for p in record["payments"]] == [(88, "PAYMENT", 1000.0), (89, "PAYMENT", 200.5)]
    assert (record["paid_amount"], record["paid_amount_base"]) == (1200.5, 1200.5)


def test_given_invoice_without_payments_then_paid_amount_is_zero_and_lists_are_empty(nodes: Nodes) -> None:
    record = invoice(nodes, "sek_credit_note_without_payments")
    assert (record["payments"], record["lines"], record["order_ids"], record["paid_amount"]) == ([], [], [], 0.0)


@pytest.mark.parametrize("changes, nulls", [
    ({"shipments": None}, ("shipment_ids",)),  # Shipment:read denied: null, not []
    ({"account": None}, ("account_id", "account_name")),  # Account:read denied on this invoice
    ({"grandTotalExTax": None}, ("total_ex_tax", "total_ex_tax_base")),
    ({"currencyBaseRate": None}, ("currency_base_rate", "total_base", "paid_amount_base")),
], ids=["shipments-denied", "account-denied", "no-ex-tax-total", "no-base-rate"])
def test_given_optional_part_unknown_then_its_fields_are_null_not_defaults(nodes: Nodes, changes, nulls) -> None:
    record = invoice(nodes, "partly_paid_with_cogs", **changes)
    assert [record[field] for field in nulls] == [None] * len(nulls)
    assert record["total"] == 1625.0


def test_given_a_payment_amount_unknown_then_paid_amount_is_null(nodes: Nodes) -> None:
    node = nodes("invoices")["partly_paid_with_cogs"]
    node["payments"][1]["value"] = None
    (record,) = wholesale.invoices(node)
    assert record["paid_amount"] is None and record["payments"][0]["amount"] == 1000.0
