"""Read the pages of several jobs: one worker per partition (at most ``concurrency``), each fetching
its partition's pages in order into a small bounded queue, requesting page N+1 while page N is
emitted by the caller (when both fit the memory budget below), in arrival order. Partitions finish
out of order; the caller advances each partition's state only over its own emitted pages, so any
checkpoint is a valid resume point.
Memory: a few pages per worker, and the pages asked and not yet emitted hold at most ``PAGE_ITEMS``
list items between them (credits.py), or one page when it is larger: a page of three purchase order
deliveries has ~9,000 lines at 1,000,000 orders (~17 MB parsed; paging.py then asks the next ones a
row at a time). A worker takes credits for its page's
items before handing it on, and the emitter gives them back when the page is done; having handed a
page on, the worker waits for the credits of one as heavy before it asks the next (its answer is in
memory from the request on). A page heavier than the one before it gives back what was held and
waits for its own credits, holding none meanwhile, so two workers never wait on each other. Pages far
below the budget never wait; pages over it are asked one at a time, while none is being emitted.

``read_partitions`` is the machinery (workers, queue, idle polling, errors handed to the caller);
``read_pages`` reads each job from its resume point to its last page; shared.py reads jobs of
several streams with its own per-partition order.
"""
from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

from source_centra.credits import Credits, list_items
from source_centra.slices import Job

# list items (nodes' nested lines) in the pages handed to the caller and not yet emitted, at most,
# counted in credits of ITEMS_PER_CREDIT (a page of 100 orders with their lines is ~300, a page of three
# deliveries at 1,000,000 orders ~9,000)
PAGE_ITEMS = 5_000
ITEMS_PER_CREDIT = 250


@dataclass(frozen=True)
class Page:
    job: Job
    token: Any  # the token this page was asked with (None: the first page)
    nodes: list
    next_token: Any  # None: the job is done
    total: int | None
    parent: Any = None  # nested lists: the parent object
    # the nodes as they are handed on when the page is emitted (child lists completed on the way, by the
    # emitting thread, a few nodes at a time: child_pages.py); None: ``nodes`` as they are
    finish: Callable[[list], Iterable] | None = None

    def handed_on(self) -> Iterable:
        return self.nodes if self.finish is None else self.finish(self.nodes)


Fetch = Callable[[Job, Any], Page]
# work(partition's items, put, stopped): fetch them in order, ``put`` each result for the caller
Work = Callable[[list, Callable[[Any], None], Callable[[], bool]], None]


def read_pages(jobs: list[Job], fetch: Fetch, concurrency: int, name: str = "centra",
               idle: Callable[[], Iterator[Any]] | None = None, pages: int | None = None) -> Iterator[Page | Any]:
    """Pages of every job, partition-concurrently. ``idle()`` is polled about once a second while no
    page is ready and may yield messages to pass through (e.g. a rate-limit status). ``pages``: at most
    this many pages of each job (a snapshot stream reads one page per call)."""

    def work(partition_jobs: list[Job], put: Callable[[Any], None], stopped: Callable[[], bool]) -> None:
        for job in partition_jobs:
            token, count = job.resume, 0
            while not stopped():
                page = fetch(job, token)
                put(page)
                count += 1
                if page.next_token is None or count == pages:
                    break
                token = page.next_token

    yield from read_partitions(jobs, work, concurrency, name, idle)


def read_partitions(items: Sequence[Any], work: Work, concurrency: int, name: str = "centra",
                    idle: Callable[[], Iterator[Any]] | None = None) -> Iterator[Any]:
    """What ``work`` puts for each partition's items (``item.partition``), one worker per partition,
    in arrival order; a worker's exception is raised here."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.partition, []).append(item)
    workers = max(1, min(concurrency, len(groups)))
    results: queue.Queue = queue.Queue(maxsize=2 * workers)
    stop = threading.Event()
    credits = Credits(PAGE_ITEMS, ITEMS_PER_CREDIT, stop.is_set)

    def run(partition_items: list) -> None:
        held = 0  # credits this worker took before its next page was asked: as many as its last page took

        def put(result) -> None:
            nonlocal held
            items = _items(result)
            weight: int | None = credits.weight(items)
            if held >= weight:  # the page is no heavier than the one before it: already paid for
                credits.give(held - weight)
            else:  # heavier: give back what was held, then wait for the page's own credits (never hold and wait)
                credits.give(held)
                weight = credits.take(items)
            held = 0
            if weight is None:
                return
            if not credits.wait_to_put(results, (result, weight)):
                credits.give(weight)
                return
            if items:  # the next page is asked only once there is room for one as heavy as this one
                held = credits.take(items) or 0

        try:
            work(partition_items, put, stop.is_set)
        except BaseException as error:  # handed to the emitting thread, which raises it
            put(error)
        finally:
            put(None)

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"centra-{name}")
    try:
        for partition_items in groups.values():
            pool.submit(run, partition_items)
        running = len(groups)
        while running:
            try:
                result, weight = results.get(timeout=1.0)
            except queue.Empty:
                if idle is not None:
                    yield from idle()
                continue
            try:
                if result is None:
                    running -= 1
                elif isinstance(result, BaseException):
                    raise result
                else:
                    yield result
            finally:
                credits.give(weight)  # the caller is done with the page
                result = None  # and it is not held while the next is asked and parsed
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)


def _items(result: Any) -> int:
    """The list items of a page's nodes (``page`` of what shared.py hands on); 0 for anything else."""
    page = getattr(result, "page", result)
    return list_items(page.nodes) if isinstance(page, Page) else 0
