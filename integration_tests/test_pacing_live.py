"""Live pacing: the real `source-centra read` against a fake Centra with Centra's default request quota
(60 requests / 10 s, sliding) and 300 ms latency.

(a) Alone, with rate_limit_share 0.5, the connector gets no 429 and uses close to its share
    (30 requests / 10 s) over the whole busy period.
(b) With another integration using 40 of the 60 requests / 10 s, the connector reads that from
    `rateLimits`, shrinks its budget to what is left (60 - 40 - 1 = 19) and still gets (almost) no 429.

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

pytestmark = pytest.mark.slow

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
