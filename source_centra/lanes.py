"""Streams read side by side: a first sync spends the whole share, whichever budget its streams need.

Centra meters requests and complexity separately (centra-api.md §4.1), and the connector's streams
lean on one or the other: a page of orders with their lines costs ~15,000 points, a page of payment
history or customers ~600, where Growth's quotas trade one request for 6,000 points. Read one after
another (the CDK's model), a long sync spends hours on the orders at the complexity quota with the
request quota mostly idle, then hours on the cheap streams at the request quota with the complexity
quota idle: at 100,000 orders it took 1.44 × the time its share allows. Read ``LANES`` at a time,
the cheap streams' requests go out while the expensive pages wait for points, and the pacer
(pacing.py), which every request passes, keeps the sum within the share.

Which streams go side by side: each turn says whether its page costs more points than the quotas trade
for a request (``heavy``: it spends the complexity quota first). The first lane takes the heavy turns
in catalog order, the second the light ones, and a lane whose kind is used up takes the other kind:
paired so, an expensive stream and a cheap one run together for as long as both kinds are left (two
cheap streams side by side would leave the complexity quota idle: in catalog order the 100,000-order
sync took 1.12 × its share's time).

How it fits the CDK's loop (``SourceCentra._read_stream``): when the CDK reaches the first stream, the
lanes read every selected stream, each through its own CDK pipeline (``AbstractSource._read_stream``
or a shared pass, shared.py), ``LANES`` pipelines at a time in catalog order, each in a thread of its
own, into one queue that the CDK's loop yields from: each stream's messages keep their order (records,
then the STATE that covers them), streams interleave. Each pipeline's STARTED and COMPLETE statuses go
out as it starts and ends; the CDK's own, later, are dropped as repeats (``SourceCentra.read``). A
stream that failed raises its error when the CDK reaches it, so the CDK reports it as usual. A failure
of the whole sync (Centra unreachable, the quota wait budget spent: ``stop``) starts no further stream.

Memory: the queue holds at most ``QUEUE_SIZE`` (16) messages, and the records in it or being written
out by the CDK hold at most ``QUEUE_ITEMS`` (5,000) list items between them, or one record when it is
larger (credits.py); a lane whose messages are not taken waits. A record can be
large: a purchase order delivery has a line per size delivered, ~3,000 at 1,000,000 orders (~5 MB as a
record), and 16 of them waiting while the reader wrote another stream's messages was ~80 MB.
"""
from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterator

from airbyte_cdk.models import AirbyteMessage

from source_centra import memory
from source_centra.credits import Credits, list_items

LANES = 2
# messages handed over but not yet taken: a record can be large (a purchase order delivery with its
# ~1,400 lines at 100,000 orders), so only a few wait
QUEUE_SIZE = 16
# list items (a record's nested lines) in the waiting messages at most, counted in credits of
# ITEMS_PER_CREDIT: a message takes its credits before it is queued, and gives them back once written out (credits.py)
QUEUE_ITEMS = 5_000
ITEMS_PER_CREDIT = 250
_DONE = object()  # a lane has no stream left


@dataclass
class Lane:
    """One stream's turn: its name, its pipeline, and its STARTED / COMPLETE / INCOMPLETE statuses."""
    name: str
    pipeline: Callable[[], Iterator[AirbyteMessage]]
    started: Callable[[], AirbyteMessage]
    complete: Callable[[], AirbyteMessage]
    incomplete: Callable[[], AirbyteMessage]
    heavy: bool = True  # its page costs more points than the quotas trade for one request


@dataclass
class Lanes:
    turns: list[Lane]
    stop: Callable[[], BaseException | None] = lambda: None  # the sync's failure as a whole: start no further stream
    lanes: int = LANES
    failures: dict[str, BaseException] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    def run(self) -> Iterator[AirbyteMessage]:
        """Every turn's messages as they come, ``lanes`` turns at a time; returns when all have ended."""
        out: queue.Queue = queue.Queue(maxsize=QUEUE_SIZE)
        closing = threading.Event()
        credits = Credits(QUEUE_ITEMS, ITEMS_PER_CREDIT, closing.is_set)
        kinds = {True: [t for t in self.turns if t.heavy], False: [t for t in self.turns if not t.heavy]}
        lock = threading.Lock()

        def put(item) -> bool:
            weight = credits.take(_items(item))
            if weight is None:
                return False
            if credits.wait_to_put(out, (item, weight)):
                return True
            credits.give(weight)  # the reader stopped: nothing waits
            return False

        def next_turn(prefers_heavy: bool) -> Lane | None:
            with lock:
                if self.stop() is not None:
                    return None
                for kind in (prefers_heavy, not prefers_heavy):
                    if kinds[kind]:
                        self.started.add(kinds[kind][0].name)
                        return kinds[kind].pop(0)
                return None

        def lane(number: int) -> None:
            try:
                while (turn := next_turn(prefers_heavy=number % 2 == 0)) is not None:
                    if not self._read(turn, put, closing):
                        return
            finally:
                put(_DONE)

        threads = [threading.Thread(target=lane, args=(n,), name=f"centra-lane-{n}", daemon=True)
                   for n in range(max(1, min(self.lanes, len(self.turns))))]
        for thread in threads:
            thread.start()
        running = len(threads)
        try:
            while running:
                item, weight = out.get()
                try:
                    if item is _DONE:
                        running -= 1
                        continue
                    yield item
                finally:
                    credits.give(weight)  # the CDK has written the message out
        finally:
            closing.set()
            for thread in threads:
                thread.join(timeout=5)

    def _read(self, turn: Lane, put: Callable[[object], bool], closing: threading.Event) -> bool:
        """One stream's pipeline into the queue; False when the reader stopped taking messages."""
        if not put(turn.started()):
            return False
        messages = turn.pipeline()
        try:
            for message in messages:
                if closing.is_set() or not put(message):
                    return False
        except Exception as error:  # the CDK reports it at the stream's turn in its own loop
            self.failures[turn.name] = error
            return put(turn.incomplete())
        finally:
            messages.close()
            del messages
            memory.give_back()  # what the stream freed is not left resident under the next one (memory.py)
        return put(turn.complete())

    def finish(self, name: str) -> None:
        """A stream's own turn in the CDK's loop: its messages went out with the lanes; its failure, or the
        sync's when the sync failed before the stream could start, is raised for the CDK to report."""
        if name in self.failures:
            raise self.failures[name]
        failure = self.stop()
        if name not in self.started and any(turn.name == name for turn in self.turns) and failure is not None:
            raise failure


def _items(message: object) -> int:
    """The items in a record message's lists (a delivery's lines); 0 for any other message."""
    return list_items([getattr(getattr(message, "record", None), "data", None)])
