"""Stores are read concurrently (config `concurrency`): faster at real-world latency, the same
records, and state that stays a valid resume point although stores finish out of order."""
import time

import pytest

from integration_tests import cli
from integration_tests.expected import keys, record_keys


class PageSpan:
    """Wraps ``fake.engine.handle`` to time the data pages (orderConnection) of each read, so a
    comparison of two reads leaves out process start-up, which a busy machine stretches unevenly."""

    def __init__(self, fake):
        self.arrivals: list[float] = []
        handle = fake.engine.handle

        def logged(headers, body):
            if b"orderConnection" in body:
                self.arrivals.append(time.monotonic())
            return handle(headers, body)

        fake.engine.handle = logged

    def read(self, *args) -> tuple[cli.Run, float]:
        """(run, seconds from its first data page to its last)."""
        self.arrivals.clear()
        run = cli.run(*args)
        return run, self.arrivals[-1] - self.arrivals[0]


@pytest.mark.serial  # compares two wall-clock times: run alone, not beside the parallel workers
def test_given_latency_when_stores_read_concurrently_then_faster_and_same_records(fake_centra_factory):
    # latency well above CPU cost, so the comparison holds on a busy 2-core machine too
    fake = fake_centra_factory(orders=240, seed=41, latency_ms=400, quota_requests=1000, quota_complexity=10_000_000)
    catalog = cli.catalog(["orders"])
    pages = PageSpan(fake)
    one, one_seconds = pages.read("read", cli.config_for(fake, page_size=20, concurrency=1), catalog)
    three, three_seconds = pages.read("read", cli.config_for(fake, page_size=20, concurrency=3), catalog)
    assert one.exit_code == three.exit_code == 0, three.stderr[-2000:]
    assert sorted(record_keys(one.records["orders"], "orders")) == sorted(record_keys(three.records["orders"], "orders"))
    assert set(record_keys(three.records["orders"], "orders")) == keys(fake, "orders")
    def switches(run):
        stores = [r["store_id"] for r in run.records["orders"]]
        return sum(1 for a, b in zip(stores, stores[1:]) if a != b)

    assert switches(one) == 2  # three stores one after another
    assert switches(three) > 4, "stores were not read concurrently"
    assert three_seconds < one_seconds * 0.85, (one_seconds, three_seconds)


def test_given_kill_during_concurrent_read_then_every_checkpoint_resumes_without_loss(fake_centra_factory):
    fake = fake_centra_factory(orders=240, seed=42, latency_ms=50, quota_requests=1000, quota_complexity=10_000_000)
    config = cli.config_for(fake, page_size=10, concurrency=3, lookback_window_days=0)
    catalog = cli.catalog(["orders"])
    killed = cli.run("read", config, catalog, kill_after_records=130)
    states = killed.last_state_messages()
    assert states, "no checkpoint before the kill"
    partitions = states[0]["stream"]["stream_state"]["partitions"]
    assert any("window" in entry for entry in partitions.values()), partitions  # stopped mid-window
    resumed = cli.run("read", config, catalog, state=states)
    assert resumed.exit_code == 0, resumed.stderr[-2000:]
    got = set(record_keys(killed.records["orders"], "orders")) | set(record_keys(resumed.records["orders"], "orders"))
    assert got == keys(fake, "orders")
    overlap = set(record_keys(killed.records["orders"], "orders")) & set(record_keys(resumed.records["orders"], "orders"))
    assert len(overlap) <= 10 * 3, f"re-read more than one page per store: {len(overlap)}"
