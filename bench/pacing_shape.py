"""Pacing shape on a simulated clock: requests per 5 minutes over a simulated hour, old pacer vs new.

    .venv/bin/python bench/pacing_shape.py [--minutes 60] [--cost 6000] [--share 0.5] [--latency 0]

Centra's default plan (60 requests / 10 s, 5,000 / h; 250k complexity / 10 s, 30M / h), nobody else
using the quota, a backfill of pages costing `--cost` complexity each, one request at a time. The
simulation drives `Pacer` the way the connector does: `SyncContext.pace()` reads `rateLimits` (itself
a request) before the first page and every 10 s, and `usedQuota` comes from a simulated Centra that
keeps exact sliding windows (and counts a request it would have refused with a 429). Pages take
`--latency` seconds. Prints, for the old pacer (`LegacyPacer`: the sliding-window-only pacer as of
commit 48ecc7a, kept verbatim here) and for `source_centra.pacing.Pacer`: requests per 5 minutes,
the longest gap between requests, would-be 429s, and how long syncs of 30 to 5,000 pages take.
Also imported by unit_tests/test_pacing_shape.py.
"""
from __future__ import annotations

import argparse
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from source_centra.pacing import Pacer, Waits  # noqa: E402

GROWTH = {("REQUEST_COUNT", "TEN_SECONDS"): 60, ("REQUEST_COUNT", "ONE_HOUR"): 5000,
          ("QUERY_COMPLEXITY", "TEN_SECONDS"): 250_000, ("QUERY_COMPLEXITY", "ONE_HOUR"): 30_000_000}
SECONDS = {"TEN_SECONDS": 10.0, "ONE_HOUR": 3600.0}
PAGE, PROBE = 1, 2  # query keys
PROBE_COST = 11  # rateLimits' complexity on the fake


# ------------------------------------------------------------------------------- the old algorithm

@dataclass
class _LegacyBudget:
    seconds: float
    requests: float = float("inf")
    complexity: float = float("inf")


@dataclass
class LegacyPacer:
    """source_centra/pacing.py before the token buckets (sliding windows only), unchanged."""
    share: float = 0.5
    clock: Callable[[], float] = None  # type: ignore[assignment]
    sleep: Callable[[float], None] = None  # type: ignore[assignment]
    budgets: dict = field(default_factory=dict)
    waited_seconds: float = 0.0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: deque = deque()
        self._complexity_by_query: dict = {}

    def configure(self, rate_limits: Iterable[Mapping]) -> None:
        budgets: dict = {}
        with self._lock:
            now = self.clock()
            for limit in rate_limits:
                interval = str(limit.get("intervalSeconds"))
                kind = str(limit.get("type"))
                if interval not in SECONDS or kind not in ("REQUEST_COUNT", "QUERY_COMPLEXITY"):
                    continue
                seconds = SECONDS[interval]
                quota = float(limit.get("quota") or 0)
                used = float(limit.get("usedQuota") or 0)
                ours = self._spent(now, seconds, kind)
                others = max(0.0, used - ours)
                allowed = max(1.0, min(self.share * quota, quota - others - (1 if kind == "REQUEST_COUNT" else 0)))
                budget = budgets.setdefault(interval, _LegacyBudget(seconds))
                if kind == "REQUEST_COUNT":
                    budget.requests = allowed
                else:
                    budget.complexity = allowed
            if budgets:
                self.budgets = budgets

    def _spent(self, now: float, seconds: float, kind: str) -> float:
        horizon = now - seconds + 0.5
        rows = [row for row in self._sent if row[0] >= horizon]
        return float(len(rows)) if kind == "REQUEST_COUNT" else float(sum(row[1] for row in rows))

    def acquire(self, query_key: int) -> list:
        while True:
            with self._lock:
                now = self.clock()
                self._forget(now)
                cost = self._complexity_by_query.get(query_key, 1000)
                delay = self._delay(now, cost)
                if delay <= 0:
                    row = [now, cost]
                    self._sent.append(row)
                    return row
            self.waited_seconds += delay
            self.sleep(delay)

    def record(self, row: list, query_key: int, complexity: int | None) -> None:
        if complexity is None:
            return
        with self._lock:
            row[1] = int(complexity)
            self._complexity_by_query[query_key] = int(complexity)

    def _forget(self, now: float) -> None:
        longest = max((b.seconds for b in self.budgets.values()), default=10.0) + 0.5
        while self._sent and self._sent[0][0] < now - longest:
            self._sent.popleft()

    def _delay(self, now: float, cost: int) -> float:
        delay = 0.0
        for budget in self.budgets.values():
            horizon = now - budget.seconds - 0.5
            window = [row for row in self._sent if row[0] >= horizon]
            if len(window) + 1 > budget.requests and window:
                excess = int(len(window) + 1 - budget.requests)
                delay = max(delay, window[min(excess, len(window)) - 1][0] - horizon + 0.01)
            spent = sum(row[1] for row in window)
            if window and spent + cost > budget.complexity:
                running = spent + cost
                for row in window:
                    running -= row[1]
                    if running <= budget.complexity:
                        delay = max(delay, row[0] - horizon + 0.01)
                        break
                else:
                    delay = max(delay, window[-1][0] - horizon)
        return delay


# ------------------------------------------------------------------------------- the simulation

class Clock:
    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


class SimCentra:
    """Exact sliding windows of Centra's quotas; `rate_limits` answers with their usedQuota, and a
    request over a quota is counted in `refused` (a 429 on the real API; here it is let through)."""

    def __init__(self, clock: Clock, quotas: Mapping[tuple[str, str], int], others: Mapping | None = None):
        self.clock, self.quotas = clock, dict(quotas)
        self.others = dict(others or {})  # what other integrations hold in each window, constant
        self._windows = {interval: deque() for interval in SECONDS}  # (arrival, complexity)
        self._sums = {interval: 0.0 for interval in SECONDS}
        self.refused = 0

    def used(self, kind: str, interval: str) -> float:
        window, horizon = self._windows[interval], self.clock() - SECONDS[interval]
        while window and window[0][0] <= horizon:
            self._sums[interval] -= window.popleft()[1]
        ours = float(len(window)) if kind == "REQUEST_COUNT" else self._sums[interval]
        return ours + self.others.get((kind, interval), 0.0)

    def receive(self, complexity: float) -> None:
        if any(self.used(kind, interval) + (1 if kind == "REQUEST_COUNT" else complexity) > quota
               for (kind, interval), quota in self.quotas.items()):
            self.refused += 1
        for interval, window in self._windows.items():
            window.append((self.clock(), complexity))
            self._sums[interval] += complexity

    def rate_limits(self) -> list[dict]:
        return [{"type": kind, "intervalSeconds": interval, "quota": quota, "usedQuota": self.used(kind, interval)}
                for (kind, interval), quota in self.quotas.items()]


@dataclass
class Shape:
    name: str
    times: list[float]  # send times, seconds from the start
    refused: int
    finished: float  # seconds from the start until the last page's answer
    pages: list[float] = field(default_factory=list)  # send times of the data pages (times less the rateLimits reads)
    cost: int = 0  # complexity per page
    kinds: list[int] = field(default_factory=list)  # PAGE or PROBE, per entry of `times`

    def per_bucket(self, minutes: int, bucket_minutes: int = 5) -> list[int]:
        counts = [0] * (minutes // bucket_minutes)
        for t in self.times:
            index = int(t // (bucket_minutes * 60))
            if index < len(counts):
                counts[index] += 1
        return counts

    @property
    def max_gap(self) -> float:
        return max((b - a for a, b in zip(self.times, self.times[1:])), default=0.0)


def simulate(make_pacer: Callable[[Clock], object], *, pages: int | None = None, minutes: float = 60,
             cost: int = 6000, latency: float = 0.0, quotas: Mapping = GROWTH, others: Mapping | None = None,
             limits_every: float = 60.0, name: str = "") -> Shape:
    """One stream worker reading `pages` pages (None: until `minutes` have passed) as the connector does."""
    clock = Clock()
    start = clock()
    pacer = make_pacer(clock)
    if hasattr(pacer, "estimate"):  # SyncContext.estimate: the documents' static complexity before the first answer
        pacer.estimate(PAGE, cost)
        pacer.estimate(PROBE, PROBE_COST)
    centra = SimCentra(clock, quotas, others)
    times: list[float] = []
    page_times: list[float] = []
    kinds: list[int] = []
    limits_read_at: float | None = None

    def request(key: int, complexity: int) -> None:
        row = pacer.acquire(key)
        times.append(clock() - start)
        kinds.append(key)
        if key == PAGE:
            page_times.append(clock() - start)
        centra.receive(complexity)
        clock.sleep(latency)
        pacer.record(row, key, complexity)

    done = 0
    while (pages is None and clock() - start < minutes * 60) or (pages is not None and done < pages):
        if limits_read_at is None or clock() - limits_read_at >= limits_every:  # SyncContext.pace()
            limits_read_at = clock()
            request(PROBE, PROBE_COST)
            pacer.configure(centra.rate_limits())
        request(PAGE, cost)
        done += 1
    return Shape(name, times, centra.refused, clock() - start, page_times, cost, kinds)


def old_pacer(share: float = 0.5) -> Callable[[Clock], object]:
    return lambda clock: LegacyPacer(share=share, clock=clock, sleep=clock.sleep)


def new_pacer(share: float = 0.5) -> Callable[[Clock], object]:
    return lambda clock: Pacer(share=share, clock=clock, sleep=clock.sleep, waits=Waits(wall=clock))


# ------------------------------------------------------------------------------- report

def quota_use(shape: Shape, share: float, quotas: Mapping = GROWTH, hours: float = 1.0, skip_hours: float = 0.0) -> dict:
    """How much of the quota a backfill spent on data over ``hours`` (after ``skip_hours``): the data
    pages' complexity and requests as a fraction of the quota, and the shape of the hour: the longest
    gap between requests and the furthest the sync ran ahead of an even pace at its share (the burst),
    as a fraction of the hourly share."""
    start, end = skip_hours * 3600, (skip_hours + hours) * 3600
    pages = [t for t in shape.pages if start <= t < end]
    sent = [t for t in shape.times if start <= t < end]
    complexity_quota = quotas[("QUERY_COMPLEXITY", "ONE_HOUR")] * hours
    request_quota = quotas[("REQUEST_COUNT", "ONE_HOUR")] * hours
    # the burst: how far the sync ran ahead of an even pace at its share (requests and complexity, each
    # against its own hourly share; the rateLimits reads count as requests costing PROBE_COST)
    kinds = iter(shape.kinds[i] for i, t in enumerate(shape.times) if start <= t < end)
    req_rate = share * quotas[("REQUEST_COUNT", "ONE_HOUR")] / 3600
    cx_rate = share * quotas[("QUERY_COMPLEXITY", "ONE_HOUR")] / 3600
    ahead, spent = 0.0, 0.0
    for i, t in enumerate(sent):
        spent += shape.cost if next(kinds) == PAGE else PROBE_COST
        ahead = max(ahead, (i + 1 - (t - start) * req_rate) / (req_rate * 3600),
                    (spent - (t - start) * cx_rate) / (cx_rate * 3600))
    return {"data_complexity": len(pages) * shape.cost / complexity_quota, "requests": len(sent) / request_quota,
            "data_requests": len(pages) / request_quota, "refused": shape.refused, "max_gap": shape.max_gap,
            "burst": ahead}


def share_report(share: float = 1.0, hours: int = 3, cost: int = 6000, latency: float = 0.0, limits_every: float = 60.0) -> str:
    """The quota a backfill spends on data at ``share``, per simulated hour."""
    shape = simulate(new_pacer(share), minutes=hours * 60, cost=cost, latency=latency, limits_every=limits_every)
    lines = [f"Backfill at share {share}, {cost:,} complexity per page, rateLimits read every {limits_every:g} s: "
             f"0 × 429 expected (would-be 429s: {shape.refused}), longest gap {shape.max_gap:.1f} s", "",
             "| hour | data complexity / quota | data pages / request quota | all requests / request quota | ahead of an even pace (of the hour's share) |",
             "|---|---|---|---|---|"]
    for hour in range(hours):
        use = quota_use(shape, share, hours=1, skip_hours=hour)
        lines.append(f"| {hour + 1} | {use['data_complexity']:.1%} | {use['data_requests']:.1%} | {use['requests']:.1%} | {use['burst']:.1%} |")
    return "\n".join(lines)


def report(minutes: int = 60, cost: int = 6000, share: float = 0.5, latency: float = 0.0, limits_every: float = 60.0) -> str:
    lines = [f"Backfill, {minutes} simulated minutes: Growth plan (60 req/10 s, 5k req/h, 250k/10 s, 30M/h complexity), "
             f"{cost:,} complexity per page, share {share}, latency {latency}s, rateLimits read every {limits_every:g} s", ""]
    shapes = [simulate(make(share), minutes=minutes, cost=cost, latency=latency, limits_every=limits_every, name=label)
              for label, make in (("old", old_pacer), ("new", new_pacer))]
    header = "| pacer | " + " | ".join(f"{i * 5}–{i * 5 + 5}" for i in range(minutes // 5)) + " | total | max gap s | would-be 429s |"
    lines += [header, "|" + "---|" * (minutes // 5 + 4)]
    for shape in shapes:
        counts = shape.per_bucket(minutes)
        lines.append(f"| {shape.name} | " + " | ".join(str(c) for c in counts)
                     + f" | {sum(counts)} | {shape.max_gap:.1f} | {shape.refused} |")
    lines += ["", "(requests per 5 minutes, pages and rateLimits reads alike)", ""]
    lines += ["| sync of N pages | old: minutes | new: minutes | old: longest gap s | new: longest gap s |",
              "|---|---|---|---|---|"]
    for pages in (30, 250, 1000, 2400, 5000):
        old = simulate(old_pacer(share), pages=pages, cost=cost, latency=latency, limits_every=limits_every)
        new = simulate(new_pacer(share), pages=pages, cost=cost, latency=latency, limits_every=limits_every)
        lines.append(f"| {pages:,} | {old.finished / 60:.2f} | {new.finished / 60:.2f} | {old.max_gap:.1f} | {new.max_gap:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=int, default=60)
    ap.add_argument("--cost", type=int, default=6000, help="complexity per page")
    ap.add_argument("--share", type=float, default=0.5)
    ap.add_argument("--latency", type=float, default=0.0, help="seconds per page answer")
    ap.add_argument("--limits-every", type=float, default=60.0,
                    help="seconds between rateLimits reads (context.RATE_LIMIT_REFRESH_SECONDS)")
    ap.add_argument("--quota-use", action="store_true",
                    help="print the share of the quota a backfill spends on data per hour instead (with --share, --minutes)")
    args = ap.parse_args(argv)
    if args.quota_use:
        print(share_report(args.share, max(1, args.minutes // 60), args.cost, args.latency, args.limits_every))
        return 0
    print(report(args.minutes, args.cost, args.share, args.latency, args.limits_every))
    return 0


if __name__ == "__main__":
    sys.exit(main())
