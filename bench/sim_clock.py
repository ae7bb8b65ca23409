"""A simulated clock shared by two processes (the fake Centra and the connector), for benchmarks of
syncs that take hours at Centra's quotas.

The clock lives in an 8-byte file mapped into both processes; the fake only reads it. Nothing advances
it but the connector's sleeping, as a discrete-event clock: the threads that do the connector's work
(each page worker of reader.py and each lane of lanes.py) are *participants*; a participant that sleeps
``d`` seconds blocks until every participant sleeps or waits on one of their queues, then the clock
jumps to the earliest wake-up and that thread goes on. So a thread's real work (sending a request,
parsing an answer, converting records) takes no simulated time, whatever the machine's speed, and the
simulated duration is what the pacing (and Centra's 429s) made the sync wait: exact, and the same on
every run. (Until 2026-12-07 a sleeping thread moved the clock at once: real seconds one thread spent
on a page became simulated seconds for the others, and two runs of the same code at 100,000 orders
differed by 0.14 h.) A thread that is no participant (the main thread; introspection before the
lanes start) counts as one only while it sleeps. Should every participant be busy for ``WATCHDOG``
real seconds while some sleep (one holds a lock another waits for), the clock moves to the earliest
wake-up anyway; ``forced`` counts those moves (the bench prints it). Requests themselves take no
simulated time (the fake runs at zero latency): at the Growth plan's quotas a sync waits far longer
for the quota than for its answers.

    CENTRA_BENCH_SIM_CLOCK=/tmp/clock   # both processes; bench/scale_bench.py sets it up

``install_in_fake()`` makes the fake's rate limiter count on it (its sliding windows, Retry-After);
``install_in_connector()`` makes the connector's pacer, its 429 waits, its rateLimits interval and its
wait reports use it.
"""
from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
from pathlib import Path

START = 1_000_000.0  # simulated seconds at the start (monotonic-like)
WALL_OFFSET = 1_767_225_600.0 - START  # simulated wall time = now + this (2026-01-01T00:00:00Z at the start)


WATCHDOG = 3.0  # real seconds every participant may be busy while others sleep before the clock moves anyway
_IDLE = float("inf")  # a participant waiting on a queue: it wakes when another thread hands it work


class SimClock:
    def __init__(self, path: str | Path, create: bool = False):
        self.path = Path(path)
        if create:
            self.path.write_bytes(struct.pack("d", START))
        self._file = open(self.path, "r+b")
        self._map = mmap.mmap(self._file.fileno(), 8)
        self._lock = threading.Lock()
        self._seen = threading.local()  # per thread: the time it last read; whether it is a participant
        self._events = threading.Condition()
        self._participants = 0
        self._waiting: dict[int, float] = {}  # participant → when it wakes (_IDLE: on a queue)
        self._members: set[int] = set()  # the participants' threads
        self.forced = 0

    def now(self) -> float:
        value = struct.unpack("d", self._map[:8])[0]
        self._seen.at = value
        return value

    def wall(self) -> float:
        return self.now() + WALL_OFFSET

    def advance_to(self, moment: float) -> None:
        with self._lock:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
            try:
                if moment > self.now():
                    self._map[:8] = struct.pack("d", moment)
            finally:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        me, visitor = threading.get_ident(), not getattr(self._seen, "participant", False)
        since = getattr(self._seen, "at", None)  # a participant's clock did not move since it last read it
        wakes = (self.now() if since is None or not visitor else since) + seconds
        with self._events:
            if visitor:
                self._participants += 1
            self._waiting[me] = wakes
            try:
                while self.now() < wakes:
                    if not self._advance():
                        moved = self.now()
                        if (not self._events.wait(timeout=WATCHDOG) and self.now() == moved
                                and moved < min(self._waiting.values())):  # (a thread due already is only slow to run)
                            self.forced += 1
                            self._report_busy()
                            self.advance_to(min(self._waiting.values()))
                            self._events.notify_all()
            finally:
                del self._waiting[me]
                if visitor:
                    self._participants -= 1
                    self._advance()
        self._seen.at = wakes  # the thread's time when it wakes (what it reads next may be later)

    def _report_busy(self) -> None:
        """With CENTRA_BENCH_CLOCK_DEBUG set: where the busy participants were when the watchdog moved the clock."""
        if not os.environ.get("CENTRA_BENCH_CLOCK_DEBUG"):
            return
        import sys
        import traceback

        frames = sys._current_frames()
        now = self.now()
        sys.stderr.write(f"sim clock: forced move {self.forced}: {self._participants} participants, "
                         f"{len(self._members)} members, waiting "
                         f"{sorted(round(w - now, 3) for w in self._waiting.values())}\n")
        for ident in self._members - set(self._waiting):
            stack = "".join(traceback.format_stack(frames[ident])[-6:]) if ident in frames else "(gone)\n"
            sys.stderr.write(f"sim clock: forced move {self.forced}, busy participant {ident}:\n{stack}")

    def _advance(self) -> bool:
        """With ``_events`` held: when every participant sleeps or waits, jump to the earliest wake-up."""
        if not self._waiting or len(self._waiting) < self._participants:
            return False
        earliest = min(self._waiting.values())
        if earliest == _IDLE or earliest <= self.now():
            return False
        self.advance_to(earliest)
        self._events.notify_all()
        return True

    def participate(self, work):
        """``work`` wrapped so that the thread running it is a participant while it runs."""
        def participant(*args, **kwargs):
            with self._events:
                self._participants += 1
                self._members.add(threading.get_ident())
            self._seen.participant = True
            try:
                return work(*args, **kwargs)
            finally:
                self._seen.participant = False
                with self._events:
                    self._participants -= 1
                    self._members.discard(threading.get_ident())
                    self._advance()
        return participant

    def idle(self, waiting: bool) -> None:
        """A participant starts (True) or ends (False) a wait on a queue: the clock may move meanwhile."""
        if not getattr(self._seen, "participant", False):
            return
        with self._events:
            if waiting:
                self._waiting[threading.get_ident()] = _IDLE
                self._advance()
            else:
                self._waiting.pop(threading.get_ident(), None)


def from_environment() -> SimClock | None:
    path = os.environ.get("CENTRA_BENCH_SIM_CLOCK")
    return SimClock(path) if path else None


def install_in_fake(clock: SimClock) -> None:
    """The fake's rate limiter (sliding windows, Retry-After) on the simulated clock."""
    import fake_centra.engine as engine
    import fake_centra.limits as limits

    original = limits.RateLimiter.__init__

    def init(self, *args, **kwargs):
        kwargs["clock"] = clock.now
        original(self, *args, **kwargs)

    limits.RateLimiter.__init__ = init
    engine.time = _TimeModule(clock)  # Retry-After as an HTTP date, latency sleeps


def install_in_connector(clock: SimClock) -> None:
    """The connector's pacer, 429 waits, rateLimits interval and wait reports on the simulated clock."""
    from source_centra import client, context, pacing, stream

    original_pacer = pacing.Pacer.__init__

    def pacer_init(self, *args, **kwargs):
        kwargs.setdefault("clock", clock.now)
        kwargs["sleep"] = clock.sleep
        kwargs.setdefault("waits", pacing.Waits(wall=clock.wall))
        original_pacer(self, *args, **kwargs)

    pacing.Pacer.__init__ = pacer_init
    original_client = client.CentraClient.__init__

    def client_init(self, *args, **kwargs):
        kwargs["sleep"] = clock.sleep
        original_client(self, *args, **kwargs)

    client.CentraClient.__init__ = client_init
    _participants(clock)
    import atexit
    import sys

    atexit.register(lambda: sys.stderr.write(f"sim clock: {clock.forced} forced moves\n"))
    context.time = _TimeModule(clock)
    client.time = _TimeModule(clock)
    stream.time = _TimeModule(clock)


def _participants(clock: SimClock) -> None:
    """Page workers (reader.py) and lanes (lanes.py) are the clock's participants; their queue waits
    (theirs and their credits', credits.py) are idle."""
    import concurrent.futures
    import queue as queue_module
    import types

    from source_centra import credits, lanes, reader

    class Pool(concurrent.futures.ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            return super().submit(clock.participate(fn), *args, **kwargs)

    class Queue(queue_module.Queue):
        def put(self, item, block=True, timeout=None):
            try:
                return super().put(item, block=False)
            except queue_module.Full:
                if not block:
                    raise
            clock.idle(True)
            try:
                return super().put(item, True, timeout)
            finally:
                clock.idle(False)

        def get(self, block=True, timeout=None):
            try:
                return super().get(block=False)
            except queue_module.Empty:
                if not block:
                    raise
            clock.idle(True)
            try:
                return super().get(True, timeout)
            finally:
                clock.idle(False)

    class Thread(threading.Thread):
        def __init__(self, *args, target=None, **kwargs):
            super().__init__(*args, target=clock.participate(target) if target else None, **kwargs)

    reader.ThreadPoolExecutor = Pool
    reader.queue = types.SimpleNamespace(Queue=Queue, Empty=queue_module.Empty, Full=queue_module.Full)
    lanes.queue = types.SimpleNamespace(Queue=Queue, Empty=queue_module.Empty, Full=queue_module.Full)
    credits.queue = types.SimpleNamespace(Queue=Queue, Empty=queue_module.Empty, Full=queue_module.Full)
    lanes.threading = types.SimpleNamespace(Thread=Thread, Event=threading.Event, Lock=threading.Lock)


class _TimeModule:
    """The parts of ``time`` the patched modules use, on the simulated clock."""

    def __init__(self, clock: SimClock):
        self._clock = clock

    def monotonic(self) -> float:
        return self._clock.now()

    def time(self) -> float:
        return self._clock.wall()

    def sleep(self, seconds: float) -> None:
        self._clock.sleep(seconds)

    def __getattr__(self, name):
        import time

        return getattr(time, name)
