"""Read the pages of several jobs: one worker per partition (at most ``concurrency``), each fetching
its partition's pages in order into a small bounded queue, requesting page N+1 while page N is
emitted by the caller, in arrival order. Partitions finish out of order; the caller advances each
partition's state only over its own emitted pages, so any checkpoint is a valid resume point.
Memory: a few pages per worker.
"""
from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from source_centra.slices import Job


@dataclass(frozen=True)
class Page:
    job: Job
    token: Any  # the token this page was asked with (None: the first page)
    nodes: list
    next_token: Any  # None: the job is done
    total: int | None
    parent: Any = None  # nested lists: the parent object


Fetch = Callable[[Job, Any], Page]


def read_pages(jobs: list[Job], fetch: Fetch, concurrency: int, name: str = "centra",
               idle: Callable[[], Iterator[Any]] | None = None) -> Iterator[Page | Any]:
    """Pages of every job, partition-concurrently. ``idle()`` is polled about once a second while no
    page is ready and may yield messages to pass through (e.g. a rate-limit status)."""
    groups: dict[str, list[Job]] = {}
    for job in jobs:
        groups.setdefault(job.partition, []).append(job)
    workers = max(1, min(concurrency, len(groups)))
    pages: queue.Queue = queue.Queue(maxsize=2 * workers)
    stop = threading.Event()

    def put(item) -> None:
        while not stop.is_set():
            try:
                pages.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def fetch_partition(partition_jobs: list[Job]) -> None:
        try:
            for job in partition_jobs:
                token = job.resume
                while not stop.is_set():
                    page = fetch(job, token)
                    put(page)
                    if page.next_token is None:
                        break
                    token = page.next_token
        except BaseException as error:  # handed to the emitting thread, which raises it
            put(error)
        finally:
            put(None)

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"centra-{name}")
    try:
        for partition_jobs in groups.values():
            pool.submit(fetch_partition, partition_jobs)
        running = len(groups)
        while running:
            try:
                item = pages.get(timeout=1.0)
            except queue.Empty:
                if idle is not None:
                    yield from idle()
                continue
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield item
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
