"""Rate-limit waits reach the user: the client and pacer record waits of >= 5 s (pacing.Waits), and
the stream's emitting thread turns each wait episode into one STREAM_STATUS RUNNING message with reason
RATE_LIMITED (quota_reset = when it ends), a log line with the UTC resume time for waits over 30 s,
and a plain RUNNING status when pages flow again."""
from __future__ import annotations

import copy
import json
import logging
from datetime import datetime, timezone
from pathlib import Path

import pytest
from graphql import FieldNode, parse
from airbyte_cdk.models import AirbyteMessage, AirbyteStreamStatus, AirbyteStreamStatusReasonType, SyncMode, TraceType

from source_centra.client import CentraClient
from source_centra.config import Config
from source_centra.context import SyncContext
from source_centra.pacing import Pacer, Waits
from source_centra import slices as sl
from source_centra.rate_limit_status import RateLimitStatus
from source_centra.stream import CentraStream
from source_centra.streams import STREAMS_BY_NAME
from unit_tests.centra_schema import introspection_answer

URL = "https://shop.centra.com/graphql"
NODES = Path(__file__).parent / "fixtures" / "nodes"
START = datetime(2026, 11, 27, 12, 0, 0, tzinfo=timezone.utc).timestamp()


class Clock:
    def __init__(self, now: float = START):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def statuses(messages) -> list[tuple[str, list]]:
    """(status, [(reason type, quota_reset)]) of every STREAM_STATUS message."""
    out = []
    for message in messages:
        if isinstance(message, AirbyteMessage) and message.trace and message.trace.type == TraceType.STREAM_STATUS:
            status = message.trace.stream_status
            reasons = [(r.type, r.rate_limited.quota_reset if r.rate_limited else None) for r in status.reasons or []]
            out.append((status.status, reasons))
    return out


RATE_LIMITED = AirbyteStreamStatusReasonType.RATE_LIMITED
RUNNING = AirbyteStreamStatus.RUNNING


# ---------------------------------------------------------------- RateLimitStatus


def test_given_wait_then_one_rate_limited_status_until_pages_flow_after_it(caplog):
    clock = Clock()
    waits = Waits(wall=clock)
    status = RateLimitStatus("orders", waits)
    assert status.messages() == []
    waits.add(8, "the hourly budget")
    waits.add(6, "the hourly budget")  # a second worker, same episode
    [(state, reasons)] = statuses(status.messages())
    assert state == RUNNING and reasons == [(RATE_LIMITED, int((START + 8) * 1000))]
    waits.add(7, "the hourly budget")  # still waiting: no second message
    assert status.messages(page_arrived=True) == []  # a page fetched before the wait: still limited
    clock.sleep(8)
    assert statuses(status.messages(page_arrived=True)) == [(RUNNING, [])]
    assert status.messages(page_arrived=True) == []
    waits.add(9, "the hourly budget")  # a new episode
    assert [s for s, _ in statuses(status.messages())] == [RUNNING]
    assert not [r for r in caplog.records if "resumes at" in r.getMessage()]  # no wait was over 30 s


def test_given_wait_over_30_seconds_then_log_line_with_utc_resume_time(caplog):
    caplog.set_level(logging.INFO, logger="airbyte")
    clock = Clock()
    waits = Waits(wall=clock)
    status = RateLimitStatus("order_items", waits)
    waits.add(125, "this connector's share of Centra's hourly query-complexity budget, spread evenly over the hour")
    status.messages()
    [line] = [r.getMessage() for r in caplog.records if "resumes at" in r.getMessage()]
    assert line == ("Stream order_items is waiting 2m 05s for this connector's share of Centra's hourly query-complexity "
                    "budget, spread evenly over the hour; it resumes at 2026-11-27 12:02:05 UTC.")


def test_given_short_waits_then_no_status():
    waits = Waits(wall=Clock())
    status = RateLimitStatus("orders", waits)
    waits.add(4.99, "the 10-second budget")
    assert status.messages() == [] and status.messages(page_arrived=True) == []


# ---------------------------------------------------------------- the client records 429 waits


@pytest.mark.parametrize("retry_after, recorded", [("7", True), ("3", False)])
def test_given_429_then_long_wait_recorded_for_the_stream(requests_mock, retry_after, recorded):
    requests_mock.post(URL, [{"status_code": 429, "headers": {"Retry-After": retry_after}},
                             {"json": {"data": {"x": 1}}, "status_code": 200}])
    config = Config.from_mapping({"endpoint_url": URL, "api_token": "t0ken"})
    client = CentraClient(config, sleep=lambda _s: None, pacer=Pacer(share=1.0, sleep=lambda _s: None))
    client.execute("{ x }")
    wait = client.waits.drain()
    if recorded:
        assert wait is not None and wait.seconds == pytest.approx(7.0) and "HTTP 429" in wait.reason
    else:
        assert wait is None


# ---------------------------------------------------------------- a stream read with a pacer wait


def node_fields(query: str) -> set[str]:
    """Field names selected on the connection's node (the mock answers with those only)."""
    root = parse(query).definitions[0].selection_set.selections[0]
    edges = next(s for s in root.selection_set.selections if isinstance(s, FieldNode) and s.name.value == "edges")
    return {s.name.value for s in edges.selection_set.selections[0].selection_set.selections if isinstance(s, FieldNode)}


class Centra:
    """rateLimits with a small hourly complexity quota; productConnection pages of one product, 6,000 each."""

    def __init__(self, products: int = 3):
        self.products = products

    def __call__(self, request, context) -> dict:
        body = json.loads(request.body)
        if introspection_answer(body["query"]):
            return introspection_answer(body["query"])
        if "rateLimits" in body["query"]:
            return {"data": {"rateLimits": [
                {"type": "QUERY_COMPLEXITY", "intervalSeconds": "ONE_HOUR", "quota": 100_000, "usedQuota": 0}]},
                "extensions": {"complexity": 0}}
        number = int(body["variables"].get("after") or 0) + 1
        node = copy.deepcopy(json.loads((NODES / "products.json").read_text())["with_variants_and_sizes"])
        node["id"] = number
        node = {key: value for key, value in node.items() if key in node_fields(body["query"])}
        page = {"totalCount": self.products, "pageInfo": {"hasNextPage": number < self.products, "endCursor": str(number)},
                "edges": [{"node": node}]}
        return {"data": {"result": page}, "extensions": {"complexity": 6000}}


def test_given_pacer_waits_during_a_stream_then_rate_limited_then_running_status_among_records(requests_mock, caplog):
    caplog.set_level(logging.INFO, logger="airbyte")
    requests_mock.post(URL, json=Centra())
    config = Config.from_mapping({"endpoint_url": URL, "api_token": "t0ken", "page_size": 1})
    clock = Clock()
    # share 0.5 of 100k / h: a burst of 5,000, then 12.5 points / s: the 2nd and 3rd page (6,000 each) wait
    pacer = Pacer(share=0.5, clock=clock, sleep=clock.sleep, waits=Waits(wall=clock))
    client = CentraClient(config, sleep=lambda _s: None, pacer=pacer)
    stream = CentraStream(STREAMS_BY_NAME["products"], SyncContext(config, client=client))
    slice_ = {"partition": "all", "from": None, "to": None, "resume": None}
    messages = list(stream.read_records(SyncMode.full_refresh, stream_slice=slice_))

    assert [m["id"] for m in messages if isinstance(m, dict)] == [1, 2, 3]
    found = statuses(messages)
    limited = [reasons for _, reasons in found if reasons]
    assert limited and all(reasons[0][0] == RATE_LIMITED for reasons in limited)
    assert found[-1] == (RUNNING, []), found  # data flowed again after the last wait
    assert any("resumes at" in r.getMessage() and "hourly query-complexity budget" in r.getMessage() for r in caplog.records)


def test_given_wait_before_the_read_started_then_not_reported_by_it():
    clock = Clock()
    waits = Waits(wall=clock)
    waits.add(20, "another stream's wait, or one in the emitting thread")
    status = RateLimitStatus("orders", waits)
    assert status.messages() == []


# ---------------------------------------------------------------- waits in the loops beside the page reader


class ParentsCentra:
    """rateLimits with a small hourly complexity quota; 200 warehouses on the parents list's first page
    (6,000 complexity: the next request waits), then none; every warehouse's stock is empty."""

    def __call__(self, request, context) -> dict:
        body = json.loads(request.body)
        if introspection_answer(body["query"]):
            return introspection_answer(body["query"])
        if "rateLimits" in body["query"]:
            return {"data": {"rateLimits": [
                {"type": "QUERY_COMPLEXITY", "intervalSeconds": "ONE_HOUR", "quota": 100_000, "usedQuota": 0}]},
                "extensions": {"complexity": 0}}
        if body["query"].lstrip().startswith("query Parents"):
            page = body["variables"]["page"]
            rows = [{"id": number} for number in range(1, 201)] if page == 1 else []
            return {"data": {"result": rows}, "extensions": {"complexity": 6000}}
        return {"data": {"result": [{"id": body["variables"]["where"]["id"][0], "name": "W", "stock": []}]},
                "extensions": {"complexity": 10}}


def test_given_pacer_waits_while_parents_are_listed_then_rate_limited_status(requests_mock):
    requests_mock.post(URL, json=ParentsCentra())
    config = Config.from_mapping({"endpoint_url": URL, "api_token": "t0ken"})
    clock = Clock()
    # share 0.5 of 100k / h: a burst of 5,000, then 12.5 points / s: the parents' 2nd page waits 80 s
    pacer = Pacer(share=0.5, clock=clock, sleep=clock.sleep, waits=Waits(wall=clock))
    client = CentraClient(config, sleep=lambda _s: None, pacer=pacer)
    stream = CentraStream(STREAMS_BY_NAME["stock"], SyncContext(config, client=client))
    messages = list(stream.read_records(SyncMode.full_refresh, stream_slice={"position": {}}))

    limited = [reasons for _, reasons in statuses(messages) if reasons]
    assert limited and all(reasons[0][0] == RATE_LIMITED for reasons in limited), statuses(messages)
    assert stream.state["parent"] == "2" and stream._parents == [str(n) for n in range(1, 201)]


class UpdatedOrdersCentra:
    """The ids of updated orders answer their first request with HTTP 429 (Retry-After 7 s: a wait the
    client records), then orders 1 and 2; the returns of those orders: none."""

    def __init__(self):
        self.throttled = False
        self.asked: list[dict] = []

    def __call__(self, request, context) -> dict:
        body = json.loads(request.body)
        if introspection_answer(body["query"]):
            return introspection_answer(body["query"])
        if "rateLimits" in body["query"]:
            return {"data": {"rateLimits": [
                {"type": "QUERY_COMPLEXITY", "intervalSeconds": "ONE_HOUR", "quota": 1_000_000, "usedQuota": 0}]}}
        if "orderConnection" in body["query"]:
            if not self.throttled:
                self.throttled = True
                context.status_code, context.headers["Retry-After"] = 429, "7"
                return {}
            return {"data": {"result": {"pageInfo": {"hasNextPage": False, "endCursor": "2"},
                                        "edges": [{"node": {"id": 1}}, {"node": {"id": 2}}]}}}
        self.asked.append(body["variables"])
        return {"data": {"result": []}}


def test_given_429_while_updated_orders_are_listed_then_rate_limited_status(requests_mock):
    centra = UpdatedOrdersCentra()
    requests_mock.post(URL, json=centra)
    config = Config.from_mapping({"endpoint_url": URL, "api_token": "t0ken"})
    client = CentraClient(config, sleep=lambda _s: None, pacer=Pacer(share=1.0, sleep=lambda _s: None))
    stream = CentraStream(STREAMS_BY_NAME["returns"], SyncContext(config, client=client))
    item = sl.UpdatedOrders("all", datetime(2026, 11, 1, tzinfo=timezone.utc), datetime(2026, 11, 27, tzinfo=timezone.utc))
    messages = list(stream.read_records(SyncMode.incremental, stream_slice=item))

    limited = [reasons for _, reasons in statuses(messages) if reasons]
    assert centra.throttled and len(limited) == 1 and limited[0][0][0] == RATE_LIMITED, statuses(messages)
    assert [variables["where"]["orderId"] for variables in centra.asked] == [[1, 2]]
