"""The pacer spends the quota on data: rateLimits is read only to resynchronise (at the start, at most once
a minute, after a 429), each answer's reported complexity is booked, and a wait longer than
max_rate_limit_wait_seconds is refused with a clear message instead of slept (issue 18 item 8).

The quota figures come from bench/pacing_shape.py's simulation (Growth plan, a simulated clock)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from source_centra.client import ClientStats, GraphQLResult
from source_centra.config import Config
from source_centra.context import RATE_LIMIT_REFRESH_SECONDS, SyncContext
from unit_tests.centra_schema import introspection_answer
from source_centra.pacing import Pacer, QuotaExhausted, Waits

_PATH = Path(__file__).resolve().parent.parent / "bench" / "pacing_shape.py"
_SPEC = importlib.util.spec_from_file_location("pacing_shape", _PATH)
shape = sys.modules.setdefault("pacing_shape", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(shape)

GROWTH_LIMITS = [{"type": kind, "intervalSeconds": interval, "quota": quota, "usedQuota": 0}
                 for (kind, interval), quota in shape.GROWTH.items()]


@pytest.fixture(scope="module")
def share_one():
    return shape.simulate(shape.new_pacer(1.0), minutes=120, cost=6000)


@pytest.mark.parametrize("hour", [0, 1])
def test_given_share_one_when_backfilling_then_at_least_95_percent_of_the_quota_carries_data(share_one, hour):
    use = shape.quota_use(share_one, 1.0, hours=1, skip_hours=hour)
    print(f"\nhour {hour + 1}: {use}")
    assert use["data_complexity"] >= 0.95 and use["data_requests"] >= 0.95, use


def test_given_share_one_then_no_429_no_gap_over_30_s_and_no_burst_over_a_tenth_of_the_hour(share_one):
    assert share_one.refused == 0 and share_one.max_gap <= 30.0
    assert shape.quota_use(share_one, 1.0, hours=1)["burst"] <= 0.10


def test_given_rate_limits_read_every_10_s_then_the_reads_eat_the_data_share():
    # what the connector did before: 360 reads an hour of the 5,000 requests
    old = shape.simulate(shape.new_pacer(1.0), minutes=60, cost=6000, limits_every=10.0)
    assert shape.quota_use(old, 1.0, hours=1)["data_requests"] < 0.94


# ---------------------------------------------------------------- max_rate_limit_wait_seconds

class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def _pacer(share=0.5, max_wait=900.0):
    clock = Clock()
    return Pacer(share=share, clock=clock, sleep=clock.sleep, waits=Waits(wall=clock), max_wait=max_wait), clock


def _used_up(limits=GROWTH_LIMITS):
    return [dict(limit, usedQuota=limit["quota"]) if limit["intervalSeconds"] == "ONE_HOUR" else limit for limit in limits]


def test_given_others_used_up_the_hour_when_the_maximum_is_short_then_the_request_fails_without_sleeping():
    pacer, clock = _pacer(max_wait=30)
    pacer.configure(_used_up())
    with pytest.raises(QuotaExhausted) as raised:
        pacer.acquire(1)
    message = raised.value.message
    assert "hourly request quota, which other integrations have used up" in message
    assert "Other integrations used 5,000 of the hourly 5,000 requests and 30,000,000 of the hourly" in message
    assert "'Maximum wait for the rate limit' of 30s" in message and "within the hour" in message
    assert clock.now - 1000.0 == 0.0, "the pacer slept before refusing"


def test_given_others_keep_the_hour_used_up_then_the_pacer_waits_the_maximum_reading_each_minute_then_fails():
    pacer, clock = _pacer(max_wait=900)
    readings = []
    pacer.resync = lambda: (readings.append(clock.now), pacer.configure(_used_up()))
    pacer.configure(_used_up())
    with pytest.raises(QuotaExhausted) as raised:
        pacer.acquire(1)
    assert clock.now - 1000.0 == 900.0 and len(readings) == 15  # 15 minutes, a reading after each
    assert "The sync waited 15m 00s for it" in raised.value.message


def test_given_others_free_the_quota_within_the_maximum_then_the_request_goes_after_the_next_reading():
    pacer, clock = _pacer(max_wait=900)
    free_at = clock.now + 150  # the other integration's use leaves the reading after 150 s
    pacer.resync = lambda: pacer.configure(_used_up() if clock.now < free_at else GROWTH_LIMITS)
    pacer.configure(_used_up())
    pacer.acquire(1)
    assert 180.0 <= clock.now - 1000.0 <= 182.0  # three steps of 60 s, a reading after each, then the pace


def test_given_a_small_quota_then_the_hours_smoothing_is_slept_even_past_a_small_maximum():
    # a request costing the hour's whole burst: the pace is one bucket refill per request
    pacer, clock = _pacer(share=0.5, max_wait=30)
    pacer.configure([{"type": "QUERY_COMPLEXITY", "intervalSeconds": "ONE_HOUR", "quota": 200_000, "usedQuota": 0}])
    pacer.estimate(1, 10_000)
    for _ in range(2):
        pacer.record(pacer.acquire(1), 1, 10_000)  # the burst (10,000)
    pacer.record(pacer.acquire(1), 1, 10_000)  # a 10,000 refill at 25 / s: 400 s is the pace itself
    assert clock.now - 1000.0 == pytest.approx(800.0, abs=1)


def test_given_a_tiny_maximum_then_the_normal_pace_still_waits_and_never_fails():
    # 10-second windows and the hour's smoothing are the pace at the configured share, not "quota used up"
    pacer, clock = _pacer(share=0.5, max_wait=1)
    pacer.configure(GROWTH_LIMITS)
    pacer.estimate(1, 30_000)
    for _ in range(120):
        pacer.record(pacer.acquire(1), 1, 30_000)
    assert clock.now - 1000.0 > 60  # it did wait, in steps the maximum does not refuse


def test_given_the_quota_is_used_up_then_the_rate_limits_reading_itself_still_goes_out():
    pacer, clock = _pacer(max_wait=1)
    pacer.exempt.add(2)
    pacer.configure(_used_up())
    for _ in range(5):
        pacer.record(pacer.acquire(2), 2, 11)
    assert clock.now - 1000.0 < 1.0


# ---------------------------------------------------------------- resynchronising with rateLimits

class _Client:
    """Stands in for CentraClient: counts rateLimits reads; `throttle()` books a 429."""

    def __init__(self, pacer):
        self.pacer = pacer
        self.stats = ClientStats()
        self.reads = 0

    def execute(self, query, variables=None, **_):
        if "__schema" in query:  # the probe is planned against the live schema (one introspection)
            return GraphQLResult(introspection_answer(query)["data"], [], {})
        assert "rateLimits" in query
        self.reads += 1
        return GraphQLResult({"rateLimits": GROWTH_LIMITS}, [], {"complexity": 11})

    def throttle(self):
        self.stats.throttled += 1


@pytest.fixture
def paced(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("source_centra.context.time", SimpleNamespace(monotonic=clock))
    pacer = Pacer(share=0.5, clock=clock, sleep=clock.sleep, waits=Waits(wall=clock))
    client = _Client(pacer)
    config = Config.from_mapping({"endpoint_url": "https://x.centra.com/graphql", "api_token": "t",
                                  "max_rate_limit_wait_seconds": 300})
    return SyncContext(config, client=client), client, clock


def test_given_a_busy_sync_then_rate_limits_is_read_at_the_start_and_at_most_once_a_minute(paced):
    context, client, clock = paced
    for _ in range(600):  # ten minutes of pages, one a second
        context.pace()
        clock.now += 1.0
    assert client.reads == 600 // RATE_LIMIT_REFRESH_SECONDS == 10
    assert context.client.pacer.max_wait == 300.0  # max_rate_limit_wait_seconds reaches the pacer


def test_given_a_429_then_rate_limits_is_read_again_before_the_next_page(paced):
    context, client, clock = paced
    context.pace()
    clock.now += 2
    context.pace()
    assert client.reads == 1
    client.throttle()
    context.pace()
    assert client.reads == 2
    context.pace()
    assert client.reads == 2


def test_given_the_pacer_waits_on_a_used_up_quota_then_readings_are_at_least_10_s_apart(paced):
    context, client, clock = paced
    context.pace()
    for _ in range(5):
        context._resync()  # several workers waiting at once
    assert client.reads == 1
    clock.now += 10
    context._resync()
    assert client.reads == 2
