"""The cost streams (stock_changes, purchase_orders, purchase_order_deliveries, order_item_allocations)
through the real CLI against the fake's cost ledger: every value equals the ledger's, a stock change larger
than one child page arrives whole, a restart loses nothing, and a token without a cost permission passes
check with the stream left out."""
from __future__ import annotations

import pytest

from integration_tests import cli
from integration_tests.expected import dedupe, keys, record_keys, utc

COST = ["stock_changes", "purchase_orders", "purchase_order_deliveries", "order_item_allocations"]
BIG = 130  # lines of one stock take: three child pages of 50


@pytest.fixture(scope="module")
def fake(fake_centra_factory_module):
    return fake_centra_factory_module(orders=300, seed=41)


@pytest.fixture(scope="module")
def synced(fake):
    big = fake.data.stock_take(1, BIG)
    result = cli.run("read", cli.config_for(fake), cli.catalog(COST))
    assert result.exit_code == 0, result.stderr[-2000:]
    return big, result


def base(amount, rate):
    return None if amount is None else round(amount * rate + 1e-9, 2)


def test_given_sync_then_stock_change_lines_equal_the_ledger(fake, synced):
    _big, result = synced
    got = dedupe(result.records["stock_changes"], "stock_changes")
    assert set(got) == keys(fake, "stock_changes")
    for change in fake.data.stock_changes():
        for line in change["lines"]:
            record = got[line["id"]]
            assert (record["stock_change_id"], record["type"], record["comment"], record["warehouse_id"]) == (
                change["id"], change["type"], change["comment"], change["warehouse_id"])
            assert record["created_at"] == utc(change["created_at"])
            assert (record["size_id"], record["variant_id"], record["product_id"], record["sku"]) == (
                line["size_id"], line["variant_id"], line["product_id"], line["sku"])
            assert record["delivered_quantity"] == line["delivered_quantity"]
            assert (record.get("unit_cost"), record.get("currency")) == (line["unit_cost"], line["currency"])
            assert record.get("unit_cost_base") == pytest.approx(base(line["unit_cost"], line["currency_base_rate"]), abs=0.006)
            assert record.get("created_from_shipment_line_id") == line["created_from_shipment_line_id"]  # null: absent


def test_given_a_stock_change_larger_than_a_child_page_then_every_line_arrives_once(fake, synced):
    big, result = synced
    lines = [r["id"] for r in result.records["stock_changes"] if r["stock_change_id"] == big]
    assert len(lines) == len(set(lines)) == BIG
    assert lines == sorted(lines)


def test_given_sync_then_purchase_orders_and_deliveries_equal_the_ledger(fake, synced):
    _big, result = synced
    orders = dedupe(result.records["purchase_orders"], "purchase_orders")
    assert set(orders) == keys(fake, "purchase_orders")
    for po in fake.data.purchase_orders():
        record = orders[po["id"]]
        assert (record["number"], record["status"], record["supplier_id"], record["supplier_name"], record["warehouse_id"]) == (
            po["number"], po["status"], po["supplier_id"], po["supplier_name"], po["warehouse_id"])
        assert (record["created_at"], record["updated_at"]) == (utc(po["created_at"]), utc(po["updated_at"]))
    deliveries = dedupe(result.records["purchase_order_deliveries"], "purchase_order_deliveries")
    assert set(deliveries) == keys(fake, "purchase_order_deliveries")
    for delivery in fake.data.purchase_order_deliveries():
        record = deliveries[delivery["id"]]
        assert (record["purchase_order_id"], record["supplier_id"], record["warehouse_id"], record.get("stock_change_id"),
                record["status"]) == (delivery["purchase_order_id"], delivery["supplier_id"], delivery["warehouse_id"],
                                      delivery["stock_change_id"], delivery["status"])
        assert record.get("expected_arrival_at") == utc(delivery["eta"])
        assert [(ln["size_id"], ln["quantity"], ln["unit_cost"], ln["landed_cost"], ln["customs_value"], ln["currency"])
                for ln in record["lines"]] == [
            (ln["size_id"], ln["quantity"], ln["unit_cost"], ln["landed_cost"], ln["customs_value"], delivery["currency"])
            for ln in delivery["lines"]]
        for line in record["lines"]:
            assert line["unit_cost_base"] == pytest.approx(base(line["unit_cost"], delivery["currency_base_rate"]), abs=0.006)


def test_given_sync_then_allocations_equal_the_ledger_with_their_orders(fake, synced):
    _big, result = synced
    got = dedupe(result.records["order_item_allocations"], "order_item_allocations")
    allocations = fake.data.allocations()
    assert set(got) == {a["id"] for a in allocations} and len(got) > 100
    orders = {o["id"]: o for o in fake.data.orders()}
    for alloc in allocations:
        record = got[alloc["id"]]
        order = orders[alloc["order_id"]]
        assert (record["order_id"], record["line_id"], record["store_id"], record["order_number"]) == (
            order["id"], alloc["order_line_id"], order["store_id"], order["number"])
        assert record["order_updated_at"] == utc(order["updated_at"])
        assert (record["quantity"], record["warehouse_id"], record["stock_change_line_id"]) == (
            alloc["quantity"], alloc["warehouse_id"], alloc["stock_change_line_id"])
        assert (record["unit_cost"], record["currency"]) == (alloc["unit_cost"], alloc["currency"])
        assert record["unit_cost_base"] == pytest.approx(base(alloc["unit_cost"], alloc["currency_base_rate"]), abs=0.006)


def test_given_restart_mid_stock_changes_then_the_union_is_complete(fake_centra_factory):
    fake = fake_centra_factory(orders=300, seed=43, latency_ms=15)
    catalog = cli.catalog(["stock_changes"])
    killed = cli.run("read", cli.config_for(fake, page_size=10), catalog, kill_after_records=250)
    states = killed.last_state_messages()
    assert states and killed.records["stock_changes"], "no checkpoint before the kill"
    resumed = cli.run("read", cli.config_for(fake, page_size=10), catalog, state=states)
    assert resumed.exit_code == 0, resumed.stderr[-2000:]
    before = set(record_keys(killed.records["stock_changes"], "stock_changes"))
    after = set(record_keys(resumed.records["stock_changes"], "stock_changes"))
    assert before | after == keys(fake, "stock_changes") and after < keys(fake, "stock_changes")


def test_given_token_without_allocation_read_then_check_passes_and_allocations_are_left_out(fake):
    from source_centra.streams import STREAMS
    wanted = {p for spec in STREAMS for p in spec.permissions} | {"Currency:read", "Customer:read"}
    token = fake.create_token(permissions=sorted(wanted - {"Allocation:read"}))
    config = {**cli.config_for(fake), "api_token": token}
    status = cli.run("check", config, timeout=60).connection_status
    assert status["status"] == "SUCCEEDED", status
    assert "Stream order_item_allocations is left out" in status["message"] and "Allocation:read" in status["message"]
    names = {s["name"] for s in cli.run("discover", config, timeout=60).of_type("CATALOG")[0]["catalog"]["streams"]}
    assert "order_item_allocations" not in names and {"stock_changes", "purchase_orders", "order_items"} <= names


def test_given_a_delivery_of_1400_lines_then_its_follow_ups_spend_points_not_requests(fake_centra_factory):
    """A delivery's lines (one per size) run to thousands in a large catalog. Asked a child page of 50 a
    request (~350 points, where Growth's quotas trade a request for 6,000), its 27 follow-ups spent the
    request quota while the complexity quota lay idle: a third of the requests of a 100k-order first sync.
    Now one follow-up asks as many child pages as the quotas' points per request buy."""
    fake = fake_centra_factory(orders=60, seed=5, products=400,  # ~2,400 sizes; Growth's quotas: 6,000 points a request
                                quota_requests_hour=5_000, quota_complexity_hour=30_000_000)
    big = fake.data.stock_take(1, 1_400)
    fake.reset_stats()
    result = cli.run("read", cli.config_for(fake), cli.catalog(["stock_changes"]))
    assert result.exit_code == 0, result.stderr[-2000:]
    lines = [r["id"] for r in result.records["stock_changes"] if r["stock_change_id"] == big]
    assert len(lines) == len(set(lines)) == 1_400 and lines == sorted(lines)
    assert set(dedupe(result.records["stock_changes"], "stock_changes")) == keys(fake, "stock_changes")
    stats = fake.stats()
    pages = -(-len(fake.data.stock_changes()) // 70)  # the stream's own pages of 70 changes
    requests = stats["by_root_field"]["stockChangeConnection"]
    assert requests <= pages + 3, stats["by_root_field"]  # before: pages + 27
    assert stats["complexity_by_root_field"]["stockChangeConnection"] / requests >= 3_000
