"""reader.py: pages come in each partition's order, a worker's failure reaches the caller, and the
pages asked and not yet emitted are bounded by their list items, not only by their count."""
from __future__ import annotations

import threading
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from source_centra.reader import ITEMS_PER_CREDIT, PAGE_ITEMS, Page, read_pages
from source_centra.slices import Job


def jobs(partitions: int) -> list[Job]:
    return [Job(partition=f"p{n}") for n in range(partitions)]


def pages_of(count: int, nodes: int, lines: int, log=None, fail_at: int | None = None, asking: float = 0.0):
    """A fetch answering ``count`` pages per job, each of ``nodes`` nodes of ``lines`` lines; ``log(lines)``
    is called when a page is asked (its answer is in memory from then on: the body, then its parse),
    and the answer takes ``asking`` seconds."""

    def fetch(job: Job, token):
        number = token or 0
        if log is not None:
            log(nodes * lines)
        time.sleep(asking)
        if fail_at is not None and number == fail_at:
            raise RuntimeError("Centra answered 500")
        page = Page(job, token, [{"id": (job.partition, number, k), "lines": [{"quantity": 1}] * lines}
                                 for k in range(nodes)], number + 1 if number + 1 < count else None, None)
        return page

    return fetch


class InHand:
    """Lines asked and not yet emitted, and the most at any moment: ``asked`` is a fetch's ``log``,
    ``emitted`` is called by the caller when done with a page."""

    def __init__(self) -> None:
        self.now = self.most = 0
        self._lock = threading.Lock()

    def asked(self, lines: int) -> None:
        with self._lock:
            self.now += lines
            self.most = max(self.most, self.now)

    def emitted(self, lines: int) -> None:
        with self._lock:
            self.now -= lines


@pytest.mark.parametrize("partitions", [1, 3])
def test_given_several_partitions_then_each_partitions_pages_come_in_order_and_once(partitions: int) -> None:
    out = [p for p in read_pages(jobs(partitions), pages_of(12, 2, 1), concurrency=2) if isinstance(p, Page)]
    assert len(out) == 12 * partitions
    for job in jobs(partitions):
        assert [p.token or 0 for p in out if p.job.partition == job.partition] == list(range(12))


def test_given_a_failing_page_then_the_caller_gets_the_error() -> None:
    with pytest.raises(RuntimeError, match="500"):
        list(read_pages(jobs(2), pages_of(10, 1, 1, fail_at=4), concurrency=2))


@pytest.mark.parametrize("partitions", [1, 2])
def test_given_pages_of_large_deliveries_and_a_slow_caller_then_few_of_their_lines_are_in_hand(partitions) -> None:
    """A page of three purchase order deliveries has ~9,000 lines at 1,000,000 orders (~12 MB parsed).
    0.3.3: a worker filled the queue (two pages per worker) and held one more waiting, beside the one
    being emitted: 4 pages (36,000 lines) for one worker; the deliveries stream alone peaked at 138 MB.
    0.3.4: the pages handed to the caller held at most PAGE_ITEMS lines, or a single page when one was
    larger, but each worker still asked its next page while the caller emitted one, and held it: 18,000
    lines for one worker, 27,000 for two; the stream peaked at 140 MB. Now a worker asks its next page
    only once there is room for one as heavy as its last: after each worker's first page, one page of
    this size is in hand from the moment it is asked until it is emitted."""
    lines_per_page = 3 * 3_000
    in_hand = InHand()
    emitted = 0
    for page in read_pages(jobs(partitions), pages_of(8, 3, 3_000, log=in_hand.asked, asking=0.01),
                           concurrency=partitions):
        time.sleep(0.01)  # emitting
        in_hand.emitted(lines_per_page)
        emitted += 1
    assert emitted == 8 * partitions
    # each worker's first page is asked before any page's weight is known
    assert in_hand.most <= max(PAGE_ITEMS, lines_per_page) + (partitions - 1) * lines_per_page, in_hand.most


def test_given_the_caller_stops_early_then_the_workers_end_and_hold_no_credit() -> None:
    """A caller that stops (a failed stream, the sync's end) leaves no worker waiting for credits."""
    reader = read_pages(jobs(2), pages_of(50, 3, 3_000), concurrency=2)
    next(reader)
    reader.close()
    time.sleep(0.5)
    assert not [t for t in threading.enumerate() if t.name.startswith("centra-centra")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partitions=st.integers(1, 3), nodes=st.integers(1, 4), lines=st.integers(0, 4_000),
       pages=st.integers(1, 6))
def test_given_any_page_shape_then_lines_in_hand_stay_within_the_budget_and_every_page_comes_once(
        partitions: int, nodes: int, lines: int, pages: int) -> None:
    """The class, not the case: any number of workers, nodes a page and lines a node (pages far below a
    credit, around the budget, far over it). Pages handed on and not yet emitted hold at most the budget,
    or one page when it is larger; beyond those, each worker has at most one page in hand."""
    per_page = nodes * lines
    in_hand = InHand()
    seen = []
    for page in read_pages(jobs(partitions), pages_of(pages, nodes, lines, log=in_hand.asked, asking=0.001),
                           concurrency=partitions):
        time.sleep(0.001)
        seen.append((page.job.partition, page.token or 0))
        in_hand.emitted(per_page)
    assert sorted(seen) == sorted((job.partition, n) for job in jobs(partitions) for n in range(pages))
    # credits are whole (a page of 1,252 lines takes 5, for 1,250), so each page asked and not yet emitted
    # (the one each worker asks, the queue's 2 a worker, the one being emitted) may hold up to a credit's
    # worth more than its credits say; and each worker's first page but one is asked before any weight is known
    slack = (3 * partitions + 1) * (ITEMS_PER_CREDIT - 1)
    assert in_hand.most <= max(PAGE_ITEMS, per_page) + slack + (partitions - 1) * per_page, (in_hand.most, per_page)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partitions=st.integers(1, 3), weights=st.lists(st.integers(0, 12_000), min_size=1, max_size=8))
@example(partitions=2, weights=[2_500, 3_000])
@example(partitions=3, weights=[1_600, 2_500, 1_600])
def test_given_pages_heavier_and_lighter_than_the_last_then_no_worker_waits_for_ever(partitions, weights) -> None:
    """A page heavier than the credits its worker held for it gives them back and waits for its own;
    lighter, it gives back the rest. Whatever the order of weights, across workers, every page comes
    once and in order, and the read ends (a worker holding credits while waiting for more would hang
    it: the reader's idle poll gives up after 10 s, which stops the workers)."""

    def fetch(job: Job, token):
        number = token or 0
        lines = weights[(number + int(job.partition[1:])) % len(weights)]
        time.sleep(0.01)  # the workers' requests overlap
        return Page(job, token, [{"id": (job.partition, number), "lines": [{}] * lines}],
                    number + 1 if number + 1 < len(weights) else None, None)

    seen: list = []
    deadline = time.monotonic() + 10

    def idle():  # polled about once a second while no page is ready: a hung read ends here, its workers stopped
        if time.monotonic() > deadline:
            raise TimeoutError(f"the read hung after {len(seen)} pages")
        return iter(())

    for page in read_pages(jobs(partitions), fetch, concurrency=partitions, idle=idle):
        time.sleep(0.001)
        seen.append((page.job.partition, page.token or 0))
    for job in jobs(partitions):
        assert [n for p, n in seen if p == job.partition] == list(range(len(weights)))
