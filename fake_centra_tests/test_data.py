"""The generator's data: determinism, money reconciliation, ties, shapes the connector relies on."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest
from fake_client import Client

from fake_centra import FakeData


@pytest.fixture(scope="module")
def data() -> FakeData:
    return FakeData(orders=2000, seed=7, tie_fraction=0.3)


def test_given_same_seed_and_size_when_generated_twice_then_identical() -> None:
    a, b = FakeData(orders=200, seed=5), FakeData(orders=200, seed=5)
    assert list(a.orders()) == list(b.orders())
    assert list(a.returns()) == list(b.returns()) and list(a.payments()) == list(b.payments())
    assert list(FakeData(orders=200, seed=6).orders())[0]["id"] != list(a.orders())[0]["id"]


def test_given_every_order_when_summing_lines_then_money_reconciles(data: FakeData) -> None:
    for o in data.orders():
        t = o["totals"]
        for ln in o["lines"]:
            assert ln["unit_price"] == round(ln["unit_original_price"] * (1 - ln["discount_percent"] / 100), 2)
            assert ln["line_value"] == round(ln["unit_price"] * ln["quantity"], 2)
            assert ln["line_value_ex_tax"] == round(ln["line_value"] / (1 + ln["tax_percent"] / 100), 2)
        assert t["line_values"] == round(sum(ln["line_value"] for ln in o["lines"]), 2)
        assert o["grand_total"] == round(t["line_values"] + t["shipping"] + t["handling"] - t["discounts"], 2)
        assert t["quantity"] == sum(ln["quantity"] for ln in o["lines"])
        assert t["original_quantity"] == sum(ln["quantity"] + ln["cancelled_quantity"] for ln in o["lines"])
        assert (o["shipping"], o["handling"], o["discounts"]) == (t["shipping"], t["handling"], t["discounts"])


def test_given_orders_when_inspected_then_ids_numbers_and_dates_are_well_formed(data: FakeData) -> None:
    orders = list(data.orders())
    assert len({o["id"] for o in orders}) == len(orders) == data.count_orders()
    assert all(len(o["id"]) == 32 and int(o["id"], 16) >= 0 for o in orders)
    numbers = [o["number"] for o in orders]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    created = [o["created_at"] for o in orders]
    assert created == sorted(created)
    assert min(created) >= datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert max(created) <= datetime(2025, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    assert all(o["updated_at"] >= o["created_at"] and o["updated_at"].tzinfo is not None for o in orders)
    line_ids = [ln["id"] for o in orders for ln in o["lines"]]
    assert len(line_ids) == len(set(line_ids))


def test_given_lines_when_counted_then_cancellations_gift_cards_and_sizes_present(data: FakeData) -> None:
    lines = [ln for o in data.orders() if o["status"] != "CANCELLED" for ln in o["lines"]]
    fully = [ln for ln in lines if ln["quantity"] == 0 and ln["cancelled_quantity"] > 0]
    partly = [ln for ln in lines if ln["quantity"] > 0 and ln["cancelled_quantity"] > 0]
    assert 0.02 < len(fully) / len(lines) < 0.08
    assert partly
    assert any(ln["type"] == "GiftCertificateOrderLine" for ln in lines)
    assert all(1 <= len(o["lines"]) <= 5 for o in data.orders())
    for ln in lines:
        if ln["type"] == "ProductOrderLine":
            assert ln["sku"].startswith(ln["product_number"]) and len(ln["ean"]) == 13


def test_given_tie_fraction_when_generated_then_many_orders_share_an_updated_second(data: FakeData) -> None:
    counts = Counter(o["updated_at"] for o in data.orders())
    shared = sum(n for n in counts.values() if n > 1)
    assert shared / data.count_orders() >= 0.28
    assert max(counts.values()) >= 5
    no_ties = FakeData(orders=2000, seed=7, tie_fraction=0.0)
    counts0 = Counter(o["updated_at"] for o in no_ties.orders())
    assert sum(n for n in counts0.values() if n > 1) / 2000 < 0.05


def test_given_wholesale_orders_when_inspected_then_po_number_and_no_customer(data: FakeData) -> None:
    wholesale = [o for o in data.orders() if o["store_type"] == "WHOLESALE"]
    assert wholesale and all(o["purchase_order_number"] and o["customer"] is None for o in wholesale)
    assert {s["type"] for s in data.stores()} == {"DIRECT_TO_CONSUMER", "WHOLESALE"}


def test_given_shipments_returns_payments_when_inspected_then_consistent_with_orders(data: FakeData) -> None:
    orders = {o["id"]: o for o in data.orders()}
    for s in data.shipments():
        o = orders[s["order_id"]]
        assert o["status"] in ("PROCESSING", "SHIPPED", "ARCHIVED")
        assert s["is_shipped"] == (o["status"] != "PROCESSING")
        if s["is_shipped"]:
            assert s["grand_total"] == o["grand_total"]
    returns = list(data.returns())
    shipped = sum(1 for o in orders.values() if o["status"] in ("SHIPPED", "ARCHIVED"))
    assert 0.05 < len(returns) / shipped < 0.15
    assert {r["return_status"] for r in returns} == {"PENDING", "COMPLETED"}
    payments = list(data.payments())
    by_type = Counter(p["entry_type"] for p in payments)
    assert by_type["AUTH"] == len(orders)
    assert by_type["REFUND"] == sum(1 for r in returns if r["return_status"] == "COMPLETED")
    for p in payments:
        if p["entry_type"] == "REFUND":
            refunded = next(r for r in returns if r["id"] == p["return_id"])
            assert p["value"] == refunded["grand_total"]


def test_given_currencies_when_inspected_then_sek_base_and_rates(data: FakeData) -> None:
    rates = {c["code"]: c["base_rate"] for c in data.currencies()}
    assert data.base_currency == "SEK" and rates["SEK"] == 1.0
    assert rates == {"SEK": 1.0, "EUR": 11.4, "USD": 10.5, "GBP": 13.2, "NOK": 1.0, "DKK": 1.5}
    for o in list(data.orders())[:300]:
        assert abs(o["currency_base_rate"] / rates[o["currency"]] - 1) <= 0.021


def test_given_api_money_when_compared_to_data_then_equal_for_every_order(big: Client) -> None:
    q = """{ orders(limit: 300) { id grandTotal { value formattedValue conversionRate currency { code } }
             totals { lineValues { value } }
             lines(includeFullyCancelled: true) {
               id lineValue { value } net: lineValue(includingTax: false) { value } } } }"""
    for row in big.data(q)["orders"]:
        o = big.fake.data.order(row["id"])
        assert row["grandTotal"]["value"] == o["grand_total"]
        assert row["grandTotal"]["formattedValue"] == f"{o['grand_total']:.2f} {o['currency']}"
        assert row["grandTotal"]["conversionRate"] == o["currency_base_rate"]
        assert row["totals"]["lineValues"]["value"] == round(sum(ln["lineValue"]["value"] for ln in row["lines"]), 2)
        assert [(ln["id"], ln["lineValue"]["value"], ln["net"]["value"]) for ln in row["lines"]] == \
            [(ln["id"], ln["line_value"], ln["line_value_ex_tax"]) for ln in o["lines"]]


def test_given_fully_cancelled_lines_when_listing_lines_then_hidden_unless_asked(big: Client) -> None:
    order = next(o for o in big.fake.data.orders()
                 if o["status"] != "CANCELLED" and any(ln["quantity"] == 0 for ln in o["lines"]))
    q = "query($id: String!, $all: Boolean) { order(id: $id) { lines(includeFullyCancelled: $all) { id quantity } } }"
    default = big.data(q, {"id": order["id"], "all": None})["order"]["lines"]
    everything = big.data(q, {"id": order["id"], "all": True})["order"]["lines"]
    assert len(everything) == len(order["lines"]) > len(default)
    assert all(ln["quantity"] > 0 for ln in default)
