"""A page's memory is bounded by what the stream asks per page, not by the shop's size: a stream whose
node nests a list Centra neither pages nor limits (a purchase order delivery's lines, one per size
delivered: hundreds to thousands in a large shop) asks few nodes a page, so one answer, parsed (about
4 KB a line), stays tens of MB however large the deliveries grow.

Measured (bench/README.md "A first sync of 1M orders"): at 100 deliveries a page the connector's peak
RSS followed the deliveries' size, 208 MB at 20,000 orders and 377 MB at 50,000 for this stream alone; at 10
a page, 255 MB at 1,000,000 orders (3,069 lines a delivery).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from airbyte_cdk.models import SyncMode

from source_centra.client import CentraClient
from source_centra.config import Config
from source_centra.context import SyncContext
from source_centra.pacing import Pacer
from source_centra.slices import Job
from source_centra.stream import CentraStream
from source_centra.streams import STREAMS_BY_NAME
from unit_tests.centra_schema import introspection_answer

URL = "https://shop.centra.com/graphql"
NODE = json.loads((Path(__file__).parent / "fixtures" / "nodes" / "purchase_order_deliveries.json").read_text())[
    "accepted_in_usd_with_customs"]
LINES_PER_ANSWER = 10_000  # ≈ 40 MB parsed: the most one answer may hold


class Deliveries:
    """Answers purchaseOrderDeliveries by ``limit`` and ``page`` from ``count`` deliveries of ``lines`` lines."""

    def __init__(self, count: int, lines: int):
        self.count, self.lines = count, lines
        self.lines_per_answer: list[int] = []

    def __call__(self, request, _context) -> dict:
        body = json.loads(request.body)
        query, variables = body["query"], body.get("variables") or {}
        if introspection_answer(query):
            return introspection_answer(query)
        if "rateLimits" in query:
            return {"data": {"rateLimits": []}}
        if "currencies" in query:
            return {"data": {"currencies": [{"code": "SEK"}]}}
        limit, page = int(variables["limit"]), int(variables["page"])
        ids = range((page - 1) * limit + 1, min(page * limit, self.count) + 1)
        nodes = [self._delivery(i) for i in ids]
        self.lines_per_answer.append(sum(len(node["lines"]) for node in nodes))
        return {"data": {"result": nodes}}

    def _delivery(self, number: int) -> dict:
        node = copy.deepcopy(NODE)
        node["id"] = number
        node["lines"] = [dict(NODE["lines"][0], quantity=k + 1) for k in range(self.lines)]
        return node


def deliveries_stream(requests_mock, centra: Deliveries) -> CentraStream:
    """purchase_order_deliveries against ``centra``, at the default page size (100, capped at 3)."""
    requests_mock.post(URL, json=centra)
    config = Config.from_mapping({"endpoint_url": URL, "api_token": "t0ken"})
    client = CentraClient(config, max_retries=2, sleep=lambda _s: None, pacer=Pacer(share=1.0, sleep=lambda _s: None))
    return CentraStream(STREAMS_BY_NAME["purchase_order_deliveries"], SyncContext(config, client=client))


def test_given_deliveries_of_3000_lines_then_no_answer_holds_more_than_ten_thousand_lines(requests_mock) -> None:
    # 3,069 lines a delivery in the fake at 1,000,000 orders: 10 a page held ~30,000 (255 MB peak RSS)
    centra = Deliveries(count=40, lines=3_000)
    stream = deliveries_stream(requests_mock, centra)
    slice_ = {"partition": "all", "from": None, "to": None, "resume": None}
    records = [m for m in stream.read_records(SyncMode.full_refresh, stream_slice=slice_) if isinstance(m, dict)]
    assert [r["id"] for r in records] == list(range(1, 41))  # every delivery, whole, once
    assert all(len(r["lines"]) == 3_000 for r in records)
    assert max(centra.lines_per_answer) <= LINES_PER_ANSWER, centra.lines_per_answer
    # the first page is asked a delivery at a time (its weight is not known yet; whole, 9,000 lines were
    # ~17 MB parsed), and every page after one would pass the reader's budget: one at a time throughout
    assert centra.lines_per_answer == [3_000] * 40 + [0], centra.lines_per_answer


def test_given_light_deliveries_then_only_the_first_page_is_asked_a_row_at_a_time(requests_mock) -> None:
    # a shop whose deliveries have 30 lines: three a page after the first page's rows (two requests more a read)
    centra = Deliveries(count=10, lines=30)
    stream = deliveries_stream(requests_mock, centra)
    slice_ = {"partition": "all", "from": None, "to": None, "resume": None}
    records = [m for m in stream.read_records(SyncMode.full_refresh, stream_slice=slice_) if isinstance(m, dict)]
    assert [r["id"] for r in records] == list(range(1, 11))
    assert centra.lines_per_answer == [30, 30, 30, 90, 90, 30], centra.lines_per_answer


def test_given_a_resume_point_then_its_page_is_asked_a_row_at_a_time(requests_mock) -> None:
    centra = Deliveries(count=9, lines=3_000)
    stream = deliveries_stream(requests_mock, centra)
    slice_ = Job("all", resume=2)  # page 2: deliveries 4 to 6
    records = [m for m in stream.read_records(SyncMode.incremental, stream_slice=slice_) if isinstance(m, dict)]
    assert [r["id"] for r in records] == list(range(4, 10))
    assert centra.lines_per_answer == [3_000] * 6 + [0], centra.lines_per_answer


def test_given_deliveries_of_3000_lines_and_a_state_mid_page_then_the_page_is_read_again_whole(requests_mock) -> None:
    """The state keeps page numbers: read a delivery at a time, a checkpoint inside page 2 resumes at page 2."""
    centra = Deliveries(count=12, lines=3_000)
    stream = deliveries_stream(requests_mock, centra)
    slices = list(stream.stream_slices(sync_mode=SyncMode.incremental, stream_state={}))
    assert len(slices) == 1
    slice_ = slices[0]
    seen = []  # (delivery emitted, the state's resume point then: the CDK checkpoints right after a record)
    for message in stream.read_records(SyncMode.incremental, stream_slice=slice_):
        if isinstance(message, dict):
            window = stream.state["partitions"].get("all", {}).get("window") or {}
            seen.append((message["id"], window.get("resume") or 1))  # no resume point yet: page 1
    assert [delivery for delivery, _ in seen] == list(range(1, 13))
    assert len(centra.lines_per_answer) > 5  # read a delivery at a time after the first page
    for delivery, resume in seen[:-1]:  # a whole page number: on resume, nothing emitted after it is lost
        assert isinstance(resume, int) and (resume - 1) * 3 <= delivery, (delivery, resume)
        assert delivery - (resume - 1) * 3 <= 3, (delivery, resume)  # and at most one page is read again
    assert "window" not in stream.state["partitions"]["all"]  # the window is done
