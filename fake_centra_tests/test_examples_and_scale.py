"""centra-api.md section 14 example queries, introspection, the pytest plugin and a scale smoke test."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fake_client import Client
from graphql import parse, validate

from fake_centra import FakeCentra
from fake_centra.resolvers import build_fake_schema

ORDERS_PAGE = """
query OrdersPage($from: DateTimeTz!, $to: DateTimeTz!, $stores: [Int!], $limit: Int!, $page: Int!) {
  orders(where: {updatedAt: {from: $from, to: $to}, storeId: $stores},
         sort: [id_ASC], limit: $limit, page: $page) {
    id number status orderDate createdAt updatedAt currencyBaseRate
    store { id type } market { id name } pricelist { id name }
    grandTotal { value currency { code } conversionRate }
    totals { quantity originalQuantity cancelledQuantity
             lineValues { value } shipping { value } handling { value } discounts { value }
             taxAdded { value } taxDeducted { value } taxIncluded { value } }
    discountsApplied { value { value } date
      ... on AppliedVoucher { voucherName voucherMethod code } }
    shippingAddress { country { code } city zipCode }
    ... on DirectToConsumerOrder { customer { id email } }
    ... on WholesaleOrder { purchaseOrderNumber account { id name } }
    lines(includeFullyCancelled: true) {
      id quantity cancelledQuantity returnedQuantity taxPercent discountPercent hasAnyDiscount
      unitPrice { value } unitOriginalPrice { value }
      lineValue { value } lineValueNet: lineValue(includingTax: false) { value }
      ... on ProductOrderLine {
        productNumber productName productVariantName size
        product { id name } productVariant { id variantNumber } productSize { id SKU EAN sizeNumber }
      }
    }
  }
}"""

RETURNS_PAGE = """
query ReturnsPage($from: DateTimeTz!, $to: DateTimeTz!, $limit: Int!, $page: Int!) {
  returns(where: {createdAt: {from: $from, to: $to}}, limit: $limit, page: $page) {
    ... on DirectToConsumerReturn {
      id returnStatus createdAt totalQuantity returnedToStock currencyBaseRate
      store { id } grandTotal { value currency { code } }
      totals { quantity lineValues { value } shipping { value } handling { value }
               returnCost { value } discounts { value } taxIncluded { value } }
      lines { id quantity lineValue { value } unitPrice { value }
              orderLine { id ... on ProductOrderLine { productSize { SKU } } }
              shipmentLine { id } }
      refundPaymentHistory { id entryType status value { value } createdAt }
    }
  }
}"""

RATE_LIMITS = "{ rateLimits { type intervalSeconds quota usedQuota remainingQuota } }"
WINDOW = {"from": "2024-01-01T00:00:00+01:00", "to": "2025-12-31T23:59:59+01:00"}


def test_given_section_14_queries_in_shared_doc_when_validated_then_valid() -> None:
    doc = Path("/work/shared/centra-api.md")
    if not doc.exists():
        pytest.skip("shared API notes not available")
    blocks = re.findall(r"```graphql\n(.*?)```", doc.read_text(), re.S)
    schema = build_fake_schema()
    for block in blocks:
        if block.lstrip().startswith("query "):
            assert validate(schema, parse(block)) == [], block[:60]


def test_given_orders_page_example_when_run_then_rows_match_data(big: Client) -> None:
    rows = big.data(ORDERS_PAGE, {**WINDOW, "stores": [1, 3], "limit": 100, "page": 1})["orders"]
    assert len(rows) == 100
    for row in rows:
        o = big.fake.data.order(row["id"])
        assert row["store"]["id"] in (1, 3) and row["number"] == o["number"]
        assert len(row["lines"]) == len(o["lines"])
        if row["store"]["type"] == "WHOLESALE":
            assert row["purchaseOrderNumber"] == o["purchase_order_number"] and row["account"]["name"]
        else:
            assert row["customer"]["email"] == o["customer"]["email"]
        for api_line, line in zip(row["lines"], o["lines"], strict=True):
            if line["type"] == "ProductOrderLine":
                assert api_line["productSize"]["SKU"] == line["sku"] and api_line["productSize"]["EAN"] == line["ean"]


def test_given_returns_page_and_rate_limits_examples_when_run_then_answered(big: Client) -> None:
    returns = big.data(RETURNS_PAGE, {**WINDOW, "limit": 50, "page": 1})["returns"]
    dtc = [r for r in returns if r]
    assert dtc and all(r["lines"] and r["totalQuantity"] == sum(ln["quantity"] for ln in r["lines"]) for r in dtc)
    completed = [r for r in dtc if r["returnStatus"] == "COMPLETED"]
    assert all(r["refundPaymentHistory"][0]["entryType"] == "REFUND" for r in completed)
    assert len(big.data(RATE_LIMITS)["rateLimits"]) == 6


def test_given_introspection_query_when_run_then_schema_returned(gql: Client) -> None:
    from graphql import get_introspection_query
    data = gql.data(get_introspection_query())
    names = {t["name"] for t in data["__schema"]["types"]}
    assert {"Order", "DirectToConsumerOrder", "OrderSort", "DateTimeTz", "RateLimit"} <= names


def test_given_plugin_fixture_when_used_then_started_with_300_orders(fake_centra: FakeCentra) -> None:
    assert fake_centra.url and fake_centra.url.startswith("http://127.0.0.1:")
    assert fake_centra.data.count_orders() == 300
    assert Client(fake_centra).data("{ counters { orders } }")["counters"]["orders"] == 300


def test_given_100k_orders_when_started_then_fast_and_serves_windows(fake_centra_factory) -> None:
    t = time.perf_counter()
    fake = fake_centra_factory(orders=100_000, seed=7)
    assert time.perf_counter() - t < 5
    client = Client(fake)
    q = """query($a: String) { orderConnection(first: 100, after: $a, sort: number_ASC,
             where: {updatedAt: {from: "2025-05-01T00:00:00+02:00", to: "2025-05-31T23:59:59+02:00"}, storeId: [1]}) {
             totalCount pageInfo { endCursor } edges { node { id lines { id } } } } }"""
    t = time.perf_counter()
    first = client.data(q, {"a": None})["orderConnection"]
    second = client.data(q, {"a": first["pageInfo"]["endCursor"]})["orderConnection"]
    assert time.perf_counter() - t < 2
    assert first["totalCount"] > 1000 and len(second["edges"]) == 100
    assert not {e["node"]["id"] for e in first["edges"]} & {e["node"]["id"] for e in second["edges"]}
