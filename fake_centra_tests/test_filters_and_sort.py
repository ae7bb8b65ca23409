"""Filters (date windows with inclusive bounds, store, store type, status, ids) and sorting."""

from __future__ import annotations

from datetime import datetime, timezone

from fake_client import Client

from fake_centra.scalars import SHOP_TZ


def test_given_updated_at_window_when_listing_then_exactly_orders_inside_it(big: Client) -> None:
    lo = datetime(2024, 9, 1, tzinfo=timezone.utc)
    hi = datetime(2025, 2, 1, tzinfo=timezone.utc)
    expected = sorted(o["number"] for o in big.fake.data.orders() if lo <= o["updated_at"] <= hi)
    rows = big.data("query($f: DateTimeTz, $t: DateTimeTz) { orders(where: {updatedAt: {from: $f, to: $t}}, "
                    "limit: 500, sort: number_ASC) { number } }",
                    {"f": lo.isoformat(), "t": hi.isoformat()})["orders"]
    assert expected and [r["number"] for r in rows] == expected


def test_given_window_bounds_equal_to_updated_at_when_filtering_then_both_bounds_inclusive(big: Client) -> None:
    data = big.fake.data
    ids = [o["id"] for o in list(data.orders())[:3]]
    at = datetime(2025, 3, 10, 12, 0, 0, tzinfo=timezone.utc)
    data.set_updated_at(ids, at)
    q = "query($f: DateTimeTz, $t: DateTimeTz) { orders(where: {updatedAt: {from: $f, to: $t}}) { id } }"
    exact = {r["id"] for r in big.data(q, {"f": at.isoformat(), "t": at.isoformat()})["orders"]}
    assert set(ids) <= exact
    assert all(data.order(i)["updated_at"] == at for i in exact)
    only_to = {r["id"] for r in big.data(q, {"f": "2025-03-10T11:59:00Z", "t": at.isoformat()})["orders"]}
    only_from = {r["id"] for r in big.data(q, {"f": at.isoformat(), "t": "2025-03-10T12:01:00Z"})["orders"]}
    assert set(ids) <= only_to and set(ids) <= only_from
    after = {r["id"] for r in big.data(q, {"f": "2025-03-10T12:00:01Z", "t": "2025-03-10T12:01:00Z"})["orders"]}
    assert not set(ids) & after


def test_given_created_at_window_when_listing_then_only_created_inside(big: Client) -> None:
    lo, hi = datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2025, 1, 31, 23, 59, 59, tzinfo=timezone.utc)
    expected = {o["id"] for o in big.fake.data.orders() if lo <= o["created_at"] <= hi}
    rows = big.data('{ orders(where: {createdAt: {from: "2025-01-01T00:00:00Z", to: "2025-01-31T23:59:59Z"}}) { id } }')
    assert expected and {r["id"] for r in rows["orders"]} == expected


def test_given_store_id_filter_when_listing_then_only_that_store(big: Client) -> None:
    rows = big.data("{ orders(where: {storeId: 2}, limit: 500) { store { id type } } }")["orders"]
    assert rows and {r["store"]["id"] for r in rows} == {2}
    assert len(rows) == sum(1 for o in big.fake.data.orders() if o["store_id"] == 2)


def test_given_store_type_wholesale_when_listing_then_wholesale_orders_with_po_number(big: Client) -> None:
    rows = big.data("""{ orders(where: {storeType: WHOLESALE}, limit: 500) {
        __typename store { type } ... on WholesaleOrder { purchaseOrderNumber } } }""")["orders"]
    assert rows
    assert {r["__typename"] for r in rows} == {"WholesaleOrder"}
    assert all(r["purchaseOrderNumber"].startswith("PO-") for r in rows)


def test_given_status_and_id_filters_when_listing_then_matching_orders(big: Client) -> None:
    orders = list(big.fake.data.orders())
    shipped = {o["id"] for o in orders if o["status"] == "SHIPPED"}
    got = {r["id"] for r in big.data("{ orders(where: {status: [SHIPPED]}, limit: 500) { id } }")["orders"]}
    assert got == shipped
    picked = [orders[5]["id"], orders[42]["id"]]
    got = big.data("query($ids: [String!]) { orders(where: {id: $ids}) { id } }", {"ids": picked})["orders"]
    assert [r["id"] for r in got] == picked


def test_given_updated_at_on_return_filter_when_querying_then_validation_error(gql: Client) -> None:
    body = gql.post('{ returns(where: {updatedAt: {from: "2024-01-01T00:00:00Z"}}) { id } }').json()
    assert "data" not in body or body["data"] is None
    assert "updatedAt" in body["errors"][0]["message"]


def test_given_store_id_on_payment_filter_when_querying_then_validation_error(gql: Client) -> None:
    body = gql.post("{ orderPaymentHistory(where: {storeId: [1]}) { id } }").json()
    assert "storeId" in body["errors"][0]["message"]


def test_given_returns_created_window_when_listing_then_matches_data(big: Client) -> None:
    lo = datetime(2024, 6, 1, tzinfo=timezone.utc)
    expected = {r["id"] for r in big.fake.data.returns() if r["created_at"] >= lo}
    rows = big.data('{ returns(where: {createdAt: {from: "2024-06-01T00:00:00Z"}}, limit: 500) { id } }')
    assert expected and {r["id"] for r in rows["returns"]} == expected


def test_given_payment_entry_type_filter_when_listing_then_only_that_type(big: Client) -> None:
    rows = big.data("{ orderPaymentHistory(where: {entryType: [REFUND]}, limit: 500) { entryType return { id } } }")
    refunds = rows["orderPaymentHistory"]
    assert refunds and all(r["entryType"] == "REFUND" and r["return"] for r in refunds)
    assert len(refunds) == sum(1 for p in big.fake.data.payments() if p["entry_type"] == "REFUND")


def test_given_sort_desc_when_listing_then_descending(big: Client) -> None:
    nums = [r["number"] for r in big.data("{ orders(limit: 50, sort: [number_DESC]) { number } }")["orders"]]
    assert nums == sorted(nums, reverse=True) and nums[0] == 100300
    rows = big.data("{ orders(limit: 300, sort: updatedAt_DESC) { updatedAt } }")["orders"]
    stamps = [datetime.fromisoformat(r["updatedAt"]) for r in rows]
    assert stamps == sorted(stamps, reverse=True)


def test_given_ties_when_sorting_by_updated_at_then_tiebreak_is_stable_across_pages(big: Client) -> None:
    q = "query($p: Int!) { orders(limit: 25, page: $p, sort: updatedAt_ASC) { id updatedAt } }"
    pages = [big.data(q, {"p": p})["orders"] for p in range(1, 13)]
    ids = [r["id"] for page in pages for r in page]
    assert len(ids) == 300 == len(set(ids))


def test_given_search_by_number_when_listing_then_that_order(big: Client) -> None:
    rows = big.data('{ orders(where: {search: "100042"}) { number } }')["orders"]
    assert rows == [{"number": 100042}]


def test_given_negate_when_filtering_store_then_other_stores(big: Client) -> None:
    rows = big.data('{ orders(where: {storeId: [1], negate: ["storeId"]}, limit: 500) { store { id } } }')["orders"]
    assert rows and 1 not in {r["store"]["id"] for r in rows}


def test_given_local_window_when_filtering_then_local_midnight_is_used(big: Client) -> None:
    day_start = datetime(2025, 7, 1, tzinfo=SHOP_TZ)
    expected = {o["id"] for o in big.fake.data.orders() if o["updated_at"] >= day_start}
    rows = big.data('{ orders(where: {updatedAt: {from: "2025-07-01"}}, limit: 500) { id } }')["orders"]
    assert {r["id"] for r in rows} == expected
