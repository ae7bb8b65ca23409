"""The pacing shape on a simulated clock (bench/pacing_shape.py drives `Pacer` as the connector does).

Centra's default plan (60 requests / 10 s, 5k / h; 250k / 10 s, 30M / h complexity), ~6,000 complexity
per page, share 0.5: the hourly budget (2,500 pages) binds a backfill. The old pacer (a verbatim
copy, `LegacyPacer`) spent it in ~20 minutes and then sent nothing for ~40; the new one spreads it.
Run with `-s` to see the figures.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from source_centra.pacing import Pacer, Waits

_PATH = Path(__file__).resolve().parent.parent / "bench" / "pacing_shape.py"
_SPEC = importlib.util.spec_from_file_location("pacing_shape", _PATH)
shape = sys.modules.setdefault("pacing_shape", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(shape)


@pytest.fixture(scope="module")
def backfill():
    old = shape.simulate(shape.old_pacer(0.5), minutes=60, cost=6000)
    new = shape.simulate(shape.new_pacer(0.5), minutes=60, cost=6000)
    print(f"\nrequests per 5 minutes over a simulated hour\n  old: {old.per_bucket(60)}  max gap {old.max_gap:.1f}s"
          f"\n  new: {new.per_bucket(60)}  max gap {new.max_gap:.1f}s")
    return old, new


def test_given_old_pacer_then_the_stall_this_change_fixes_is_reproduced(backfill):
    old, _ = backfill
    counts = old.per_bucket(60)
    assert counts[0] > 500 and counts[-1] == 0 and old.max_gap > 30 * 60


def test_given_hourly_budget_binds_then_no_5_minutes_without_requests(backfill):
    _, new = backfill
    assert min(new.per_bucket(60)) > 0


def test_given_hourly_budget_binds_then_requests_are_spread_evenly_after_the_burst(backfill):
    _, new = backfill
    counts = new.per_bucket(60)
    steady = counts[1:]
    assert max(steady) - min(steady) <= 0.05 * max(steady), counts
    assert counts[0] <= 2.5 * max(steady), counts  # the burst: a tenth of the hourly budget, ~250 pages


def test_given_hourly_budget_binds_then_no_gap_over_30_seconds(backfill):
    _, new = backfill
    assert new.max_gap <= 30.0


def test_given_hourly_budget_binds_then_the_hour_still_delivers_the_whole_share_without_429(backfill):
    old, new = backfill
    assert new.refused == 0 and old.refused == 0
    # the share of the hourly budget: 2,500 requests (pages + rateLimits reads), as the old pacer did
    sent_new, sent_old = sum(new.per_bucket(60)), sum(old.per_bucket(60))
    assert 0.98 * sent_old <= sent_new <= 2500, (sent_new, sent_old)


def test_given_second_hour_then_rate_is_the_full_share_per_hour():
    new = shape.simulate(shape.new_pacer(0.5), minutes=120, cost=6000)
    counts = new.per_bucket(120)
    assert sum(counts[12:]) >= 0.98 * 2500 and min(counts[12:]) >= 200, counts
    assert new.refused == 0 and new.max_gap <= 30.0
    # no sliding hour holds more than the share (2,500 requests), across the change of refill rate
    times, start, most = new.times, 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 3600:
            start += 1
        most = max(most, end - start + 1)
    assert most <= 2500, most


@pytest.mark.parametrize("pages", [30, 60])
def test_given_incremental_sync_then_not_slower_than_old_pacer(pages):
    old = shape.simulate(shape.old_pacer(0.5), pages=pages, cost=6000)
    new = shape.simulate(shape.new_pacer(0.5), pages=pages, cost=6000)
    print(f"\n{pages} pages: old {old.finished:.1f}s new {new.finished:.1f}s")
    assert new.finished <= old.finished + 0.01


def test_given_ten_second_window_binds_then_pace_unchanged():
    # cheap pages at 300 ms: 30 requests / 10 s binds while the sync fits the hour's burst (250 requests)
    old = shape.simulate(shape.old_pacer(0.5), pages=200, cost=100, latency=0.3)
    new = shape.simulate(shape.new_pacer(0.5), pages=200, cost=100, latency=0.3)
    assert new.times == old.times and new.finished > 60


def test_given_long_waits_then_they_are_recorded_for_the_stream_once_merged():
    clock = shape.Clock()
    waits = Waits(wall=clock)
    pacer = Pacer(share=0.5, clock=clock, sleep=clock.sleep, waits=waits)
    pacer.configure([{"type": "QUERY_COMPLEXITY", "intervalSeconds": "ONE_HOUR", "quota": 200_000, "usedQuota": 0}])
    for _ in range(3):  # burst: 10,000 of the 100,000 share; then 90,000 / h = 25 / s: 6,000 needs 240 s
        pacer.record(pacer.acquire(1), 1, 6000)
    before = clock()
    pacer.record(pacer.acquire(1), 1, 6000)
    wait = waits.drain()
    assert wait is not None and "hourly query-complexity budget" in wait.reason
    assert wait.until == pytest.approx(clock(), abs=0.01) and wait.seconds == pytest.approx(clock() - before, abs=0.01)
    assert waits.drain() is None


def test_given_short_waits_then_nothing_is_recorded():
    waits = Waits(wall=lambda: 0.0)
    waits.add(4.9, "x")
    assert waits.drain() is None
    waits.add(6, "a")
    waits.add(40, "b")
    waits.add(7, "c")
    assert waits.drain().reason == "b"


def test_given_other_integration_holds_most_of_the_hour_then_spread_over_what_is_left_without_429():
    # another integration holds 20M of the 30M complexity per hour: ours is 10M (not the 15M share)
    others = {("QUERY_COMPLEXITY", "ONE_HOUR"): 20_000_000}
    new = shape.simulate(shape.new_pacer(0.5), minutes=60, cost=6000, others=others)
    counts = new.per_bucket(60)
    print(f"\nother integration holds 20M/h: {counts}")
    assert new.refused == 0 and min(counts) > 0 and new.max_gap <= 30.0
    assert sum(counts) <= 10_000_000 / 6000 + 361  # pages + one rateLimits read per 10 s
