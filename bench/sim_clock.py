"""A simulated clock shared by two processes (the fake Centra and the connector), for benchmarks of
syncs that take hours at Centra's quotas.

The clock lives in an 8-byte file mapped into both processes. Nothing advances it but sleeping: a
thread that sleeps ``d`` seconds moves the clock to ``max(now, t + d)`` and returns at once, where ``t``
is the time that thread last read (the moment it computed ``d``: the pacer reads the clock, computes
the delay, then sleeps), so a sync paced by the quota runs as fast as the machine serves its pages, and
its simulated duration is what the pacing (and Centra's 429s) made it wait. Threads that wait at the
same time wait side by side, as they do on a real clock: two threads that read ``t`` and sleep 5 s each
end at ``t + 5``, not ``t + 10`` (until 2026-12-07 ``t`` was the clock at the call, so concurrent
sleeps added up; more so the more threads read at once). Requests themselves take no
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


class SimClock:
    def __init__(self, path: str | Path, create: bool = False):
        self.path = Path(path)
        if create:
            self.path.write_bytes(struct.pack("d", START))
        self._file = open(self.path, "r+b")
        self._map = mmap.mmap(self._file.fileno(), 8)
        self._lock = threading.Lock()
        self._seen = threading.local()  # per thread: the time it last read

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
        if seconds > 0:
            since = getattr(self._seen, "at", None)
            wakes = (self.now() if since is None else since) + seconds
            self.advance_to(wakes)
            self._seen.at = wakes  # the thread's time when it wakes (what it reads next may be later)


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
    context.time = _TimeModule(clock)
    client.time = _TimeModule(clock)
    stream.time = _TimeModule(clock)


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
