"""Scenario 6 — config changes: store_ids [1] → [1, 3] → [3]. A store added later is backfilled from
start_date while the stores already synced are read incrementally only (no re-read of their history);
a store left out keeps its state. Previous-version state (v0) keeps working."""
import pytest

from integration_tests import cli, scenarios
from integration_tests.expected import record_keys, utc

STORE_PARTITIONED = ["order_items", "orders", "return_items", "returns", "shipments"]


@pytest.fixture(scope="module")
def changes():
    from fake_centra import FakeCentra

    fakes = []

    def make(**kwargs):
        fake = FakeCentra(**kwargs)
        fake.start()
        fakes.append(fake)
        return fake

    yield scenarios.config_changes(make)
    for fake in fakes:
        fake.stop()


def test_given_store_added_then_it_is_backfilled_from_start_date_and_others_read_incrementally(changes):
    fake, (one, both, three) = changes.fake, changes.runs
    start = scenarios.START_AT

    assert all(r["store_id"] == 1 for records in one.records.values() for r in records)
    for stream in STORE_PARTITIONED:
        # store 3: everything since start_date, in the sync where it was added
        got = {k for k, r in zip(record_keys(both.records[stream], stream), both.records[stream]) if r["store_id"] == 3}
        assert got == set(scenarios.expected(fake, stream, {3}, start)), stream
        # store 1: only what changed since the first sync — its history is not read again
        again = [r for r in both.records[stream] if r["store_id"] == 1]
        if stream in ("orders", "order_items"):
            assert {r.get("id") or r.get("order_id") for r in again} == {changes.extra["changed"]}, stream
        else:
            assert again == [], stream
    changes.comparison.assert_exact(STORE_PARTITIONED)
    assert not any(r["store_id"] == 2 for run in changes.runs for records in run.records.values() for r in records)


def test_given_store_removed_then_its_state_is_kept_intact(changes):
    _, both, three = changes.runs
    for stream in STORE_PARTITIONED:
        before = scenarios.state_of(both.last_state_messages(), stream)["partitions"]
        after = scenarios.state_of(three.last_state_messages(), stream)["partitions"]
        assert after["1"] == before["1"], stream
        assert set(after) == {"1", "3"}
    assert sum(len(v) for v in three.records.values()) == 0  # lookback 0, nothing changed


def test_given_store_added_then_its_payment_history_is_backfilled(changes):
    fake, (one, both, three) = changes.fake, changes.runs
    got = {r["id"] for r in both.records.get("payment_history", []) if r["store_id"] == 3}
    missing = set(scenarios.expected(fake, "payment_history", {3}, scenarios.START_AT)) - got
    assert not missing, f"{len(missing)} payments of the added store 3 never arrive"


def _legacy(stream, content):
    return {"type": "STREAM", "stream": {"stream_descriptor": {"name": stream}, "stream_state": content}}


def test_given_v0_flat_state_then_every_store_resumes_from_its_cursor(fake_centra_factory):
    fake = fake_centra_factory(orders=150, seed=30, **scenarios.FAST)
    state = [_legacy("order_items", {"order_updated_at": "2025-06-01T10:00:00+02:00"}),
             _legacy("orders", {"updated_at": "2025-06-01T10:00:00+02:00"})]
    result = scenarios.run("read", cli.config_for(fake, lookback_window_days=0), cli.catalog(scenarios.ORDER_STREAMS), state=state)

    assert result.exit_code == 0, result.errors
    cutoff = "2025-06-01T08:00:00+00:00"
    assert {r["id"] for r in result.records["orders"]} == {o["id"] for o in fake.data.orders() if utc(o["updated_at"]) >= cutoff}
    assert set(record_keys(result.records["order_items"], "order_items")) == {
        (o["id"], line["id"]) for o in fake.data.orders() if utc(o["updated_at"]) >= cutoff for line in o["lines"]}
    for stream in scenarios.ORDER_STREAMS:
        final = scenarios.state_of(result.last_state_messages(), stream)
        assert final["state_version"] == 1 and {"1", "2", "3"} <= set(final["partitions"]), final


# Regression (fixed in 151eb53): the v0 flat cursor stayed in the state as partition '*' and a store added later
# inherited it instead of being backfilled from start_date.
def test_given_v0_flat_state_then_a_store_added_later_is_backfilled(fake_centra_factory):
    fake = fake_centra_factory(orders=150, seed=31, **scenarios.FAST)
    state = [_legacy("orders", {"updated_at": "2025-06-01T10:00:00+02:00"})]
    first = scenarios.run("read", cli.config_for(fake, store_ids=[1], lookback_window_days=0), cli.catalog(["orders"]), state=state)
    assert first.exit_code == 0
    added = scenarios.run("read", cli.config_for(fake, store_ids=[1, 3], lookback_window_days=0), cli.catalog(["orders"]),
                          state=first.last_state_messages())
    assert added.exit_code == 0
    got = {r["id"] for r in added.records["orders"] if r["store_id"] == 3}
    assert got == set(scenarios.expected(fake, "orders", {3})), "store 3's orders before the v0 cursor never arrive"
