"""Live pacing: the real `source-centra read` against a fake Centra with Centra's default request quota
(60 requests / 10 s, sliding) and 300 ms latency.

(a) Alone, with rate_limit_share 0.5, the connector gets no 429 and uses close to its share
    (30 requests / 10 s) over the whole busy period.
(b) With another integration using 40 of the 60 requests / 10 s, the connector reads that from
    `rateLimits`, shrinks its budget to what is left (60 - 40 - 1 = 19) and still gets (almost) no 429.
(c) With a small hourly complexity quota (the hour binds, 10 s quotas far away), the connector sends a
    burst of a tenth of its hourly share, then pages at a steady rate (no stall), gets no 429, reads
    every record, and reports the waits as STREAM_STATUS RUNNING + reason RATE_LIMITED.

Request times are taken where the fake receives them (its `Engine.handle`, wrapped on this test's
instance only). The rate counts every request the connector sends (pages, rateLimits, stores,
currencies): all of them spend the shared budget. Run with `pytest -m slow -s` to see the figures.
"""
from __future__ import annotations

import re
import threading
import time

import pytest

from integration_tests import cli
from integration_tests.expected import keys, record_keys

pytestmark = [pytest.mark.slow, pytest.mark.heavy]  # real-time pacing against quota windows: minutes of waits

QUOTA = 60  # requests per 10 s, Centra's default
SHARE = 0.5
LATENCY_MS = 300
PAGE_SIZE = 5


class Arrivals:
    """Wraps ``fake.engine.handle`` to log (arrival time, HTTP status) of every GraphQL request."""

    def __init__(self, fake):
        self.log: list[tuple[float, int]] = []
        self._lock = threading.Lock()
        handle = fake.engine.handle

        def logged(headers, body):
            arrived = time.monotonic()
            response = handle(headers, body)
            with self._lock:
                self.log.append((arrived, response.status))
            return response

        fake.engine.handle = logged

    @property
    def times(self) -> list[float]:
        return sorted(t for t, _ in self.log)

    def rate_per_10s(self) -> float:
        """Requests per 10 s from the first to the last request (the busy period)."""
        times = self.times
        return (len(times) - 1) / (times[-1] - times[0]) * 10 if len(times) > 1 else 0.0

    def max_in_10s(self) -> int:
        """Most requests that arrived within any 10 s (the quota's own window)."""
        times, best, start = self.times, 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= 10:
                start += 1
            best = max(best, end - start + 1)
        return best


def _sync(fake, orders_note: str) -> dict:
    arrivals = Arrivals(fake)
    config = cli.config_for(fake, page_size=PAGE_SIZE, rate_limit_share=SHARE)
    result = cli.run("read", config, cli.catalog(["order_items"], mode="full_refresh"), timeout=150)
    assert result.exit_code == 0, result.stderr[-2000:]
    stats = fake.stats()
    usage = [m["log"]["message"] for m in result.of_type("LOG") if "Centra API usage this sync" in m["log"]["message"]]
    waited = re.search(r"pacing waits ([0-9.]+)s", usage[0]) if usage else None
    times = arrivals.times
    figures = {
        "orders": orders_note,
        "records": len(result.records["order_items"]),
        "requests": len(times),
        "by_root_field": stats["by_root_field"],
        "throttled_429": stats["throttled_429"],
        "busy_seconds": round(times[-1] - times[0], 1),
        "rate_per_10s": round(arrivals.rate_per_10s(), 2),
        "max_in_any_10s": arrivals.max_in_10s(),
        "pacing_wait_seconds": float(waited.group(1)) if waited else None,
        "wall_seconds": round(result.seconds, 1),
    }
    print(f"\npacing figures: {figures}")
    return figures


@pytest.fixture(scope="module")
def alone(fake_centra_factory_module):
    # ~110 requests at <= 30 / 10 s: a busy period of ~40 s
    fake = fake_centra_factory_module(orders=480, seed=7, latency_ms=LATENCY_MS, quota_requests=QUOTA)
    return _sync(fake, "480")


@pytest.fixture(scope="module")
def crowded(fake_centra_factory_module):
    # ~55 requests at <= 19 / 10 s: a busy period of ~30 s
    fake = fake_centra_factory_module(orders=240, seed=7, latency_ms=LATENCY_MS, quota_requests=QUOTA)
    fake.configure(other_integration_requests_per_10s=40)
    return _sync(fake, "240, other integration 40 req/10 s")


def test_given_default_quota_and_latency_when_alone_then_no_429(alone):
    assert alone["throttled_429"] == 0, alone
    assert alone["busy_seconds"] >= 30, f"the sync must span >= 30 s to test pacing: {alone}"
    assert alone["max_in_any_10s"] <= SHARE * QUOTA, alone


def test_given_default_quota_and_latency_when_alone_then_uses_at_least_90_percent_of_its_share(alone):
    share = SHARE * QUOTA
    assert alone["rate_per_10s"] >= 0.9 * share, (
        f"{alone['rate_per_10s']} requests / 10 s is {alone['rate_per_10s'] / share:.0%} of the share {share:.0f}: {alone}")


def test_given_other_integration_uses_40_of_60_then_connector_slows_down_without_429(crowded):
    assert crowded["throttled_429"] <= 2, crowded
    left = QUOTA - 40
    # The quota's own measure: requests within any 10 s. (The average over a busy period of ~2.5
    # windows is not bounded by `left`: the first window's requests go out at latency speed.)
    assert crowded["max_in_any_10s"] <= left, f"the connector used more than the {left} requests / 10 s left: {crowded}"
    assert crowded["busy_seconds"] >= 20, crowded


# ---------------------------------------------------------------- (c) the hourly budget binds

STEADY_GAP = 7.0  # seconds between pages once the burst is spent: each wait is over the 5 s notice threshold


class PageArrivals:
    """Wraps ``fake.engine.handle`` to log the arrival time of every data page (orderConnection)."""

    def __init__(self, fake):
        self.pages: list[float] = []
        handle = fake.engine.handle

        def logged(headers, body):
            if b"orderConnection" in body:
                self.pages.append(time.monotonic())
            return handle(headers, body)

        fake.engine.handle = logged


@pytest.fixture(scope="module")
def hourly(fake_centra_factory_module):
    unpaced = dict(orders=310, seed=7, latency_ms=20, quota_requests=600, quota_complexity=10_000_000)
    # one unpaced run measures a page's complexity (it depends on the query, not on the data)
    probe = fake_centra_factory_module(**unpaced)
    config = dict(page_size=PAGE_SIZE, rate_limit_share=SHARE)
    catalog = cli.catalog(["order_items"], mode="full_refresh")
    first = cli.run("read", cli.config_for(probe, **config), catalog, timeout=120)
    assert first.exit_code == 0, first.stderr[-2000:]
    stats = probe.stats()
    pages = stats["by_root_field"]["orderConnection"]
    page_cost = stats["complexity_total"] / pages  # probes cost next to nothing
    # the first hour refills (1 - 0.1) x share x quota per hour: one page per STEADY_GAP
    quota = int(page_cost * 3600.5 / ((1 - 0.1) * SHARE * STEADY_GAP))
    fake = fake_centra_factory_module(**unpaced, quota_complexity_hour=quota)
    arrivals = PageArrivals(fake)
    result = cli.run("read", cli.config_for(fake, **config), catalog, timeout=240)
    assert result.exit_code == 0, result.stderr[-2000:]
    gaps = [b - a for a, b in zip(arrivals.pages, arrivals.pages[1:])]
    burst = next((i for i, g in enumerate(gaps) if g > 1.0), len(gaps))  # pages before the first pause, less one
    steady = gaps[burst + 1:]  # after the pause that spends the burst's last tokens
    statuses = [t["stream_status"] for t in result.traces if t.get("type") == "STREAM_STATUS"]
    limited = [s for s in statuses if any(r.get("type") == "RATE_LIMITED" for r in s.get("reasons") or [])]
    figures = {
        "pages": len(arrivals.pages),
        "page_complexity": round(page_cost),
        "quota_complexity_hour": quota,
        "burst_pages": burst + 1,
        "burst_pages_expected": round(0.1 * SHARE * quota / page_cost),  # a tenth of the hourly share
        "steady_gaps": [round(g, 1) for g in steady],
        "max_gap": round(max(gaps), 1),
        "throttled_429": fake.stats()["throttled_429"],
        "rate_limited_statuses": len(limited),
        "wall_seconds": round(result.seconds, 1),
    }
    print(f"\nhourly pacing figures: {figures}")
    if limited:
        line = next(l for l in result.stdout.splitlines() if '"RATE_LIMITED"' in l)
        print(f"sample status line: {line}")
    return fake, result, figures, limited, statuses


def test_given_hourly_quota_binds_then_all_records_and_no_429(hourly):
    fake, result, figures, _, _ = hourly
    assert figures["throttled_429"] == 0, figures
    assert set(record_keys(result.records["order_items"], "order_items")) == keys(fake, "order_items")
    assert len(result.records["order_items"]) == len(keys(fake, "order_items"))


def test_given_hourly_quota_binds_then_burst_then_steady_pages_without_stall(hourly):
    _, _, figures, _, _ = hourly
    steady = figures["steady_gaps"]
    assert len(steady) >= 3, f"the sync must outlast its burst to test the steady part: {figures}"
    # a short sync is not slowed down: a tenth of the hourly share goes out at once
    assert figures["burst_pages"] >= 0.9 * figures["burst_pages_expected"], figures
    assert figures["max_gap"] <= min(30.0, 2 * STEADY_GAP), figures
    assert all(0.6 * STEADY_GAP <= g <= 1.5 * STEADY_GAP for g in steady), figures


def test_given_hourly_quota_binds_then_waits_reported_as_rate_limited_status(hourly):
    _, result, figures, limited, statuses = hourly
    assert limited, figures
    emitted_at = [m["trace"]["emitted_at"] for m in result.of_type("TRACE") if m["trace"].get("type") == "STREAM_STATUS"
                  and (m["trace"]["stream_status"].get("reasons") or [])]
    for status, at in zip(limited, emitted_at):
        assert status["stream_descriptor"]["name"] == "order_items" and status["status"] == "RUNNING"
        reset = status["reasons"][0]["rate_limited"]["quota_reset"]
        assert at + 4_000 <= reset <= at + 2 * STEADY_GAP * 1000, (status, at)  # when this wait ends
    # and RUNNING without a reason once pages flow again
    assert statuses[-1]["status"] == "COMPLETE"
    assert any(s["status"] == "RUNNING" and not s.get("reasons") for s in statuses[statuses.index(limited[0]):]), statuses
