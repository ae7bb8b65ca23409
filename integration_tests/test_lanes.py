"""Streams read side by side (source_centra/lanes.py), through the real CLI against the fake: the streams'
messages interleave, and every stream's records and STATE messages equal reading it alone, its statuses
STARTED, RUNNING, COMPLETE once each around its records; a failing stream is INCOMPLETE with its error and
the others complete."""
from __future__ import annotations

import pytest

from integration_tests import scenarios
from integration_tests.test_shared_pass import QUOTAS, digest, pinned

STREAMS = ["orders", "order_items", "customers", "payment_history", "shipments", "invoices"]


@pytest.fixture(scope="module")
def fake(fake_centra_factory_module):
    return fake_centra_factory_module(orders=240, seed=67, latency_ms=3, **QUOTAS)


def statuses(run, stream: str) -> list[str]:
    return [m["trace"]["stream_status"]["status"] for m in run.of_type("TRACE")
            if m["trace"]["type"] == "STREAM_STATUS" and m["trace"]["stream_status"]["stream_descriptor"]["name"] == stream
            and not m["trace"]["stream_status"].get("reasons")]


def positions(run, stream: str) -> tuple[int, list[int], int]:
    """Where the stream's STARTED status, records and COMPLETE status stand among the run's messages."""
    def status_at(status: str) -> int:
        return next(i for i, m in enumerate(run.messages) if m.get("type") == "TRACE" and m["trace"]["type"] == "STREAM_STATUS"
                    and m["trace"]["stream_status"]["stream_descriptor"]["name"] == stream
                    and m["trace"]["stream_status"]["status"] == status)
    records = [i for i, m in enumerate(run.messages) if m.get("type") == "RECORD" and m["record"]["stream"] == stream]
    return status_at("STARTED"), records, status_at("COMPLETE")


def test_given_several_streams_then_they_interleave_and_each_equals_its_read_alone(fake):
    together = pinned(fake, STREAMS, concurrency=1)
    assert together.exit_code == 0, together.stderr[-2000:]
    spans = {}
    for stream in STREAMS:
        assert statuses(together, stream) == ["STARTED", "RUNNING", "COMPLETE"], (stream, statuses(together, stream))
        started, records, complete = positions(together, stream)
        assert records and started < records[0] and records[-1] < complete
        states = [i for i, m in enumerate(together.messages) if m.get("type") == "STATE"
                  and m["state"]["stream"]["stream_descriptor"]["name"] == stream]
        assert states and states[-1] > records[-1]  # the stream's last STATE covers its last record
        spans[stream] = (started, complete)
        alone = pinned(fake, [stream], concurrency=1)
        assert digest(together, stream) == digest(alone, stream), stream
    # side by side: the next stream in the catalog starts while the orders' shared pass is read (read one
    # after another, every other stream would start after orders and order_items complete)
    passed = min(spans["orders"][1], spans["order_items"][1])
    assert any(spans[s][0] < passed for s in STREAMS if s not in ("orders", "order_items")), spans


def test_given_a_stream_the_token_may_not_read_then_it_alone_is_incomplete_with_its_error(fake):
    token = fake.create_token(permissions=[p for p in scenarios.ALL_READ if p != "Customer:read"] + ["Currency:read"])
    run = pinned(fake, ["orders", "customers", "payment_history"], concurrency=1, api_token=token)
    assert run.exit_code != 0
    errors = [e for e in run.errors if (e.get("stream_descriptor") or {}).get("name") == "customers"]
    assert len(errors) == 1 and errors[0]["failure_type"] == "config_error", run.errors
    assert statuses(run, "customers")[0] == "STARTED" and statuses(run, "customers")[-1] == "INCOMPLETE"
    assert statuses(run, "customers").count("INCOMPLETE") == 1
    for stream in ("orders", "payment_history"):
        assert statuses(run, stream) == ["STARTED", "RUNNING", "COMPLETE"]
        assert digest(run, stream) == digest(pinned(fake, [stream], concurrency=1, api_token=token), stream)
