"""Mutations through the in-process API and the background writer."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from fake_client import Client

Q_WINDOW = "query($f: DateTimeTz!) { orders(where: {updatedAt: {from: $f}}, limit: 500) { id status updatedAt } }"


def test_given_update_when_querying_later_window_then_order_appears_with_new_updated_at(big: Client) -> None:
    data = big.fake.data
    order = next(data.orders())
    before = datetime.now(timezone.utc).replace(microsecond=0)
    assert order["id"] not in {r["id"] for r in big.data(Q_WINDOW, {"f": before.isoformat()})["orders"]}
    data.update_order(order["id"], status="ARCHIVED")
    rows = {r["id"]: r for r in big.data(Q_WINDOW, {"f": before.isoformat()})["orders"]}
    assert rows[order["id"]]["status"] == "ARCHIVED"
    assert datetime.fromisoformat(rows[order["id"]]["updatedAt"]) >= before
    assert data.order(order["id"])["updated_at"] >= before


def test_given_create_order_when_listing_then_new_highest_number_pending(big: Client) -> None:
    oid = big.fake.data.create_order(store_id=2, at=datetime(2025, 12, 31, 23, 0, tzinfo=timezone.utc))
    rows = big.data("{ orders(limit: 1, sort: number_DESC) { id number status store { id } } }")["orders"]
    assert rows == [{"id": oid, "number": 100301, "status": "PENDING", "store": {"id": 2}}]
    assert big.fake.data.count_orders() == 301
    assert [p["entry_type"] for p in big.fake.data.payments_of(oid)] == ["AUTH"]


def test_given_complete_return_when_querying_then_status_completed_and_refund_added(big: Client) -> None:
    data = big.fake.data
    ret = next(r for r in data.returns() if r["return_status"] == "PENDING")
    data.complete_return(ret["id"])
    q = """query($id: [Int!]) { returns(where: {id: $id}) { id returnStatus returnedToStock
             ... on DirectToConsumerReturn { refundPaymentHistory { entryType value { value } } } } }"""
    row = big.data(q, {"id": [ret["id"]]})["returns"][0]
    assert row["returnStatus"] == "COMPLETED" and row["returnedToStock"] is True
    assert data.order(ret["order_id"])["updated_at"].year >= 2026  # touched "now"
    data.uncomplete_return(ret["id"])
    assert big.data(q, {"id": [ret["id"]]})["returns"][0]["returnStatus"] == "PENDING"


def test_given_cancel_line_when_querying_then_quantities_and_totals_follow(big: Client) -> None:
    data = big.fake.data
    order = next(o for o in data.orders()
                 if o["status"] == "CONFIRMED" and any(ln["quantity"] > 0 for ln in o["lines"]))
    line = next(ln for ln in order["lines"] if ln["quantity"] > 0)
    data.cancel_line(order["id"], line["id"], qty=1)
    after = data.order(order["id"])
    changed = next(ln for ln in after["lines"] if ln["id"] == line["id"])
    assert changed["quantity"] == line["quantity"] - 1
    assert changed["cancelled_quantity"] == line["cancelled_quantity"] + 1
    assert after["totals"]["line_values"] == round(sum(ln["line_value"] for ln in after["lines"]), 2)
    assert after["totals"]["original_quantity"] == order["totals"]["original_quantity"]
    q = "query($id: String!) { order(id: $id) { totals { quantity lineValues { value } } } }"
    api = big.data(q, {"id": order["id"]})["order"]["totals"]
    assert api["quantity"] == after["totals"]["quantity"]
    assert api["lineValues"]["value"] == after["totals"]["line_values"]


def test_given_shipment_then_return_when_created_then_order_shipped_and_return_pending(big: Client) -> None:
    data = big.fake.data
    order = next(o for o in data.orders() if o["status"] == "CONFIRMED")
    sid = data.create_shipment(order["id"])
    assert data.order(order["id"])["status"] == "SHIPPED"
    rid = data.create_return(order["id"])
    ret = next(r for r in data.returns() if r["id"] == rid)
    assert ret["shipment_id"] == sid and ret["return_status"] == "PENDING"
    q = "query($id: [String!]) { shipments(where: {orderId: $id}) { id isShipped lines { returnedQuantity } } }"
    rows = big.data(q, {"id": [order["id"]]})["shipments"]
    assert rows[0]["id"] == sid and rows[0]["isShipped"] and sum(ln["returnedQuantity"] for ln in rows[0]["lines"]) >= 1
    types = [p["entry_type"] for p in data.payments_of(order["id"])]
    assert types == ["AUTH", "CAPTURE"]


def test_given_update_product_when_filtering_products_by_updated_at_then_found(big: Client) -> None:
    at = datetime(2025, 12, 31, 12, 0, tzinfo=timezone.utc)
    big.fake.data.update_product(3, at=at)
    rows = big.data('{ products(where: {updatedAt: {from: "2025-12-31T12:00:00Z"}}) { id updatedAt } }')["products"]
    assert {"id": 3, "updatedAt": "2025-12-31T13:00:00+01:00"} in rows


def test_given_many_orders_set_to_one_second_when_paging_connection_then_all_returned(big: Client) -> None:
    data = big.fake.data
    ids = [o["id"] for o in list(data.orders())[:120]]
    data.set_updated_at(ids, datetime(2025, 6, 1, 10, 0, tzinfo=timezone.utc))
    q = """query($a: String) { orderConnection(first: 17, after: $a, sort: updatedAt_ASC,
             where: {updatedAt: {from: "2025-06-01T12:00:00+02:00", to: "2025-06-01T12:00:00+02:00"}}) {
             totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"""
    got, after = [], None
    while True:
        conn = big.data(q, {"a": after})["orderConnection"]
        got += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert conn["totalCount"] >= 120 and set(ids) <= set(got) and len(got) == len(set(got)) == conn["totalCount"]


def test_given_background_writer_when_running_then_changes_are_visible(big: Client) -> None:
    fake = big.fake
    before = fake.data.version
    fake.start_writer(interval_s=0.01, seed=3)
    deadline = time.monotonic() + 15  # ~0.6 s alone; a busy machine (parallel test workers) slows the writer
    while time.monotonic() < deadline and not (
            len(fake._writer.events) >= 10 and {"create_order", "update_order"} <= {e["action"] for e in fake._writer.events}):
        time.sleep(0.1)
    events = fake.stop_writer()
    assert len(events) >= 10 and fake.data.version > before
    assert {e["action"] for e in events} >= {"create_order", "update_order"}
    created = [e["order_id"] for e in events if e["action"] == "create_order"]
    assert all(fake.data.order(oid)["status"] for oid in created)
    now = datetime.now(timezone.utc).replace(microsecond=0).timestamp() - 60
    rows = big.data(Q_WINDOW, {"f": datetime.fromtimestamp(now, timezone.utc).isoformat()})["orders"]
    assert {e["order_id"] for e in events if "order_id" in e} <= {r["id"] for r in rows}


def test_given_cache_mode_when_data_changes_then_cached_response_invalidated(fake_centra_factory) -> None:
    fake = fake_centra_factory(orders=50, cache=True)
    client = Client(fake)
    q = "{ orders(limit: 1, sort: number_DESC) { number } }"
    assert client.data(q)["orders"][0]["number"] == 100050
    assert client.data(q)["orders"][0]["number"] == 100050
    fake.data.create_order()
    assert client.data(q)["orders"][0]["number"] == 100051
    assert fake.stats()["graphql_requests"] == 3
