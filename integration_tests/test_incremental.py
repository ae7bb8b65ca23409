"""Incremental correctness (connector-contract.md, "Incremental sync"): a second sync after Centra
changes brings exactly the changes, and the union deduplicated by primary key equals the fake."""
import time

import pytest

from integration_tests import cli
from integration_tests.expected import STREAM_KEYS, dedupe, keys, record_keys, utc


def union(*runs):
    merged = {stream: {} for stream in STREAM_KEYS}
    for run in runs:
        for stream, records in run.records.items():
            merged[stream].update(dedupe(records, stream))
    return merged


def assert_union_equals_fake(fake, merged):
    for stream in STREAM_KEYS:
        assert set(merged[stream]) == keys(fake, stream), stream
    for order in fake.data.orders():
        assert merged["orders"][order["id"]]["updated_at"] == utc(order["updated_at"])
        assert merged["orders"][order["id"]]["status"] == order["status"]
        for line in order["lines"]:
            record = merged["order_items"][(order["id"], line["id"])]
            assert (record["quantity"], record["cancelled_quantity"]) == (line["quantity"], line["cancelled_quantity"])
    for ret in fake.data.returns():
        assert merged["returns"][ret["id"]]["return_status"] == ret["return_status"]


def test_given_changes_after_first_sync_then_second_sync_brings_exactly_them(fake_centra_factory):
    fake = fake_centra_factory(orders=200, seed=11)
    config = cli.config_for(fake, lookback_window_days=0)
    first = cli.run("read", config, cli.catalog())
    assert first.exit_code == 0, first.stderr[-2000:]
    time.sleep(1.1)  # changes land in a later second than the first sync's window end

    data = fake.data
    orders = sorted(data.orders(), key=lambda o: o["number"])
    shipped = [o for o in orders if o["status"] == "SHIPPED"]
    changed = set()
    data.update_order(orders[0]["id"], status="CANCELLED" if orders[0]["status"] != "CANCELLED" else "CONFIRMED")
    changed.add(orders[0]["id"])
    line = next(line for o in orders[5:] for line in o["lines"] if line["quantity"] - line["shipped_quantity"] >= 1)
    owner = next(o for o in orders if line in o["lines"])
    data.cancel_line(owner["id"], line["id"], qty=1)
    changed.add(owner["id"])
    new_ids = {data.create_order() for _ in range(3)}
    changed |= new_ids
    new_return = data.create_return(shipped[0]["id"])
    changed.add(shipped[0]["id"])
    data.complete_return(new_return)

    second = cli.run("read", config, cli.catalog(), state=first.last_state_messages())
    assert second.exit_code == 0, second.stderr[-2000:]
    touched = {o["id"] for o in data.orders() if utc(o["updated_at"]) > max(r["updated_at"] for r in first.records["orders"])}
    assert changed <= touched
    assert {r["id"] for r in second.records["orders"]} == touched
    assert {r["order_id"] for r in second.records["order_items"]} == touched
    assert new_return in {r["id"] for r in second.records["returns"]}
    assert len(second.records["order_items"]) < len(first.records["order_items"]) / 5
    assert_union_equals_fake(fake, union(first, second))


def test_given_no_changes_then_incremental_sync_emits_only_lookback_window(fake_centra_factory):
    fake = fake_centra_factory(orders=150, seed=12)
    config = cli.config_for(fake)  # default lookback 3 days; generated data is older
    first = cli.run("read", config, cli.catalog())
    second = cli.run("read", config, cli.catalog(), state=first.last_state_messages())
    assert second.exit_code == 0, second.stderr[-2000:]
    for stream in ("order_items", "orders", "shipments", "products", "payment_history"):
        assert second.records.get(stream, []) == [], stream


def test_given_full_refresh_mode_then_everything_again_regardless_of_state(fake_centra_factory):
    fake = fake_centra_factory(orders=100, seed=13)
    config = cli.config_for(fake)
    first = cli.run("read", config, cli.catalog())
    again = cli.run("read", config, cli.catalog(mode="full_refresh"), state=first.last_state_messages())
    assert again.exit_code == 0
    for stream in STREAM_KEYS:
        assert set(record_keys(again.records[stream], stream)) == keys(fake, stream), stream


def test_given_start_date_then_older_orders_skipped(fake_centra_factory):
    fake = fake_centra_factory(orders=200, seed=14)
    result = cli.run("read", cli.config_for(fake, start_date="2025-07-01"), cli.catalog(["orders"]))
    cutoff = "2025-07-01T00:00:00+00:00"
    expected = {o["id"] for o in fake.data.orders() if utc(o["updated_at"]) >= cutoff}
    assert expected and {r["id"] for r in result.records["orders"]} == expected


def test_given_previous_version_state_then_it_still_works(fake_centra_factory):
    import json
    from pathlib import Path

    fake = fake_centra_factory(orders=150, seed=15)
    legacy = json.loads((Path(__file__).parent / "fixtures" / "state_v0_order_items.json").read_text())
    state = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "order_items"}, "stream_state": legacy}}]
    result = cli.run("read", cli.config_for(fake, lookback_window_days=0), cli.catalog(["order_items"]), state=state)
    assert result.exit_code == 0, result.stderr[-2000:]
    cutoff = "2025-06-01T08:00:00+00:00"
    expected = {(o["id"], line["id"]) for o in fake.data.orders() if utc(o["updated_at"]) >= cutoff for line in o["lines"]}
    assert set(record_keys(result.records["order_items"], "order_items")) == expected
    [final] = result.last_state_messages()
    assert final["stream"]["stream_state"]["state_version"] == 1


def test_given_old_return_completed_then_next_sync_brings_its_new_status(fake_centra_factory):
    """A return created long before the returns lookback: its completion still arrives, because the
    returns streams also re-read the returns of orders updated since the last sync."""
    fake = fake_centra_factory(orders=200, seed=16)
    config = cli.config_for(fake, lookback_window_days=0, returns_lookback_days=0)
    catalog = cli.catalog(["returns", "return_items"])
    first = cli.run("read", config, catalog)
    assert first.exit_code == 0, first.stderr[-2000:]
    pending = [r for r in fake.data.returns() if r["return_status"] != "COMPLETED"]
    assert pending, "the fake has no pending return"
    old = min(pending, key=lambda r: r["created_at"])
    time.sleep(1.1)
    fake.data.complete_return(old["id"])
    second = cli.run("read", config, catalog, state=first.last_state_messages())
    assert second.exit_code == 0, second.stderr[-2000:]
    returns = {r["id"]: r for r in second.records["returns"]}
    assert returns[old["id"]]["return_status"] == "COMPLETED"
    assert {r["return_id"] for r in second.records["return_items"]} >= {old["id"]}
    merged = union(first, second)
    for ret in fake.data.returns():
        assert merged["returns"][ret["id"]]["return_status"] == ret["return_status"]
