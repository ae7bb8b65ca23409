"""Memory bounded by list items, not by message or page count: a purchase order delivery has a line per
size delivered (~3,000 at 1,000,000 orders), so one page of three deliveries or one delivery record can
weigh as much as a hundred pages of anything else. Whoever hands such things on (the page workers to
the emitting thread, reader.py; the lanes to the CDK's loop, lanes.py) takes credits for their list
items before handing them on (a page worker, before asking its next page: as many as its last
page took), and the receiver gives them back when done with them. A thing of fewer
items than one credit takes none; one larger than the whole budget takes all of it, so it is handed on
alone and the budget never blocks forever. Credits are whole (items // per_credit), so each thing held
may carry up to one credit's worth of items more than its credits count.

The credits are a queue (a token per credit taken) and so is the gate that lets one giver take
credits at a time (two givers each holding half the budget would wait on each other forever), so the
benchmarks' simulated clock (bench/sim_clock.py) sees these waits as it sees the other queues'.
"""
from __future__ import annotations

import queue
from typing import Callable, Iterable

POLL_SECONDS = 0.2  # how often a waiting giver looks whether the receiver has stopped


class Credits:
    def __init__(self, items: int, per_credit: int, stopped: Callable[[], bool]):
        self.per_credit = per_credit
        self._credits: queue.Queue = queue.Queue(maxsize=max(1, items // per_credit))
        self._gate: queue.Queue = queue.Queue(maxsize=1)
        self._stopped = stopped

    def weight(self, items: int) -> int:
        """The credits ``items`` list items take: whole credits, at most the budget."""
        return min(items // self.per_credit, self._credits.maxsize)

    def take(self, items: int) -> int | None:
        """Wait for the credits of ``items`` list items; their number, or None when the receiver stopped
        first (then none are held)."""
        weight = self.weight(items)
        if not weight:
            return 0
        if not self.wait_to_put(self._gate, None):
            return None
        taken = 0
        try:
            while taken < weight:
                if not self.wait_to_put(self._credits, None):
                    self.give(taken)
                    return None
                taken += 1
            return weight
        finally:
            self._gate.get_nowait()

    def give(self, weight: int) -> None:
        """The receiver is done with what took ``weight`` credits."""
        for _ in range(weight):
            self._credits.get_nowait()

    def wait_to_put(self, into: queue.Queue, item) -> bool:
        """``into.put(item)``, waiting as long as the receiver has not stopped; False when it had."""
        while not self._stopped():
            try:
                into.put(item, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False


def list_items(mappings: Iterable) -> int:
    """The items in the lists directly under each mapping (a delivery's lines, an order's lines): the
    weight that grows with the shop where the mappings' count does not."""
    return sum(len(value) for mapping in mappings if isinstance(mapping, dict)
               for value in mapping.values() if isinstance(value, list))
