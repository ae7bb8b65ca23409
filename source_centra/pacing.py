"""Client-side pacing under Centra's shared rate limits (centra-api.md §4).

Centra meters request count and query complexity per 10 s and per hour, per environment, shared
by every integration of the merchant. The connector may use `share` of each budget. Budgets are
read from the `rateLimits` query; spending is tracked from each response's
`extensions.complexity`. When others use more than their part (the live `usedQuota` says so), our
budget shrinks so that we slow down instead of running into 429s.

A request goes out when two rules allow it:

- Sliding windows, for every budget: what we sent within the window (plus 0.5 s of safety) and
  this request fit the budget. This is never looser than Centra's buckets, and it alone paces the
  10 s windows.
- A token bucket, for the long (hourly) budgets, so that the hour is spent evenly instead of in
  ~20 minutes followed by a ~40-minute stall. The bucket holds a burst of `burst` (a tenth) of the
  budget, so a short incremental sync goes out at the 10 s pace, and refills at budget / hour.
  During a sync's first hour it refills at (budget - burst) / hour: the initial burst is paid for,
  so no hour holds more than the budget and the sliding window never has to stop a long backfill.

Expensive requests first, on the request budget: two streams read side by side (lanes.py), one whose
page costs more points than the quotas trade for a request (a page of orders, ~15,000 points; Growth
trades 6,000) and one cheaper (payment history, ~600). The expensive one waits for points, then needs
one request; the cheap one would take every request the hour frees, so the expensive one would wait
again for a request while the points it waited for idle (the 100,000-order first sync ran 0.56 h past
its share). While an expensive request waits, a cheap request therefore leaves `RESERVED_REQUESTS` of
the long budgets' requests to it: it gets every request they do not need, and the points quota never idles for want of a
request (unit_tests/test_pacing_lanes.py); with no expensive request waiting, nothing is kept back.
And an expensive request that waits takes its place in line (a claim: when it is due, what it costs): a
later request that would still be in a 10-second window when the claim is due, and would leave it no room
(a page of 42,000 points in a window of 50,000 at share 0.2: cheap requests would never let it empty),
waits until the claim has gone; so does every later request while the claim needs a long budget's whole
burst (the bucket full). Otherwise later requests go as they fit: points they take are not idle.

Spending is booked from each answer's `extensions.complexity` (the first request of a query at its
estimate: the caller's static one, ``complexity.py``, else `DEFAULT_COMPLEXITY_GUESS`); `rateLimits`
is only read to resynchronise with what others use (context.py: at the start, at most once a minute,
and after a 429).

Waits of `NOTICE_SECONDS` or more are recorded in `waits` for the stream to report (stream.py).
A wait longer than this connector's own pace (one 10-second window, or the hour's smoothing of one
request at the full share) means the quota is used up by others: the pacer then sleeps in steps of
at most `RESYNC_SECONDS`, calling `resync` (a fresh `rateLimits` reading, context.py) after each, and
gives up with a `QuotaExhausted` when waiting on would pass `max_wait` (the user's
``max_rate_limit_wait_seconds``), saying when the quota frees up.
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from source_centra.errors import TransientError

WINDOWS = {"TEN_SECONDS": 10.0, "ONE_HOUR": 3600.0}
WINDOW_NAMES = {"TEN_SECONDS": "10-second", "ONE_HOUR": "hourly"}
# A request counts against a window from when it is sent until this long after the window,
# so that network delay between our clock and Centra's bucket cannot push us over.
_SAFETY_SECONDS = 0.5
DEFAULT_COMPLEXITY_GUESS = 1000
# Windows at least this long are also paced by a token bucket (spent evenly); shorter ones only slide.
STEADY_FROM_SECONDS = 60.0
# The part of a long window's budget that may go out at once (a short sync's pages).
BURST_FRACTION = 0.1
# Waits at least this long are worth telling the user about (a RATE_LIMITED stream status).
NOTICE_SECONDS = 5.0
# A wait up to one 10-second window (plus safety) is the pace itself: never counted against `max_wait`.
ALWAYS_WAIT_SECONDS = 10.0 + 2 * _SAFETY_SECONDS
# Longer waits (the quota used up by others) are slept in steps of this, with a fresh reading after each.
RESYNC_SECONDS = 60.0
# Points a request is worth when the quotas are unknown (points_per_request is None): about what Centra's
# plans trade (Growth 6,000; Enhanced, High volume, Enterprise 4,500–4,700)
DEFAULT_POINTS_PER_REQUEST = 5_000
# How long a request behind one that waits for a whole budget looks again once that one is due.
_CLAIM_STEP = 0.01
# Requests of the long (hourly) budgets a cheap request leaves for the expensive ones (module docstring).
RESERVED_REQUESTS = 2


class QuotaExhausted(TransientError):
    """One request would wait longer than max_rate_limit_wait_seconds for this connector's share."""


@dataclass
class Budget:
    seconds: float
    requests: float = float("inf")
    complexity: float = float("inf")
    share_requests: float = float("inf")  # share × quota: the budget when nobody else uses the quota
    share_complexity: float = float("inf")
    free_requests: float = float("inf")  # quota − others' use (− 1 request), unclamped: < what a request needs
    free_complexity: float = float("inf")  # means the quota is used up by others
    others_requests: float = 0.0  # others' use and the quota, at the last reading (for messages)
    others_complexity: float = 0.0
    quota_requests: float = float("inf")
    quota_complexity: float = float("inf")


@dataclass(frozen=True)
class Wait:
    until: float  # Unix time when the waiting request may go out
    seconds: float
    reason: str  # what we wait for, e.g. "the hourly query-complexity budget (...)"


class Waits:
    """Rate-limit waits of `threshold` seconds or more, recorded by the threads that wait (the pacer,
    the client's 429 handling) and taken by the stream's emitting thread with `drain()`.

    Thread-safe and bounded: waits not yet drained merge into the one that lasts longest."""

    def __init__(self, wall: Callable[[], float] = time.time, threshold: float = NOTICE_SECONDS):
        self._wall = wall
        self.threshold = threshold
        self._lock = threading.Lock()
        self._pending: Wait | None = None

    def add(self, seconds: float, reason: str) -> None:
        if seconds < self.threshold:
            return
        wait = Wait(self._wall() + seconds, seconds, reason)
        with self._lock:
            if self._pending is None or wait.until > self._pending.until:
                self._pending = wait

    def drain(self) -> Wait | None:
        with self._lock:
            wait, self._pending = self._pending, None
            return wait

    def now(self) -> float:
        return self._wall()


@dataclass
class _Bucket:
    level: float  # tokens (requests or complexity points) available at `at`
    at: float  # clock time `level` is for
    since: float  # clock time the bucket was made (full): its first window pays for that burst


@dataclass
class Pacer:
    share: float = 0.5
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    budgets: dict[str, Budget] = field(default_factory=dict)
    waited_seconds: float = 0.0
    burst: float = BURST_FRACTION
    waits: Waits = field(default_factory=Waits)
    max_wait: float = float("inf")  # seconds one request may wait beyond the pace (max_rate_limit_wait_seconds)
    resync: Callable[[], None] | None = None  # reads rateLimits and calls configure (context.py)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: deque[list] = deque()  # [send_time, complexity]
        self._complexity_by_query: dict[int, int] = {}
        self._estimates: dict[int, int] = {}  # static estimates (complexity.py) for queries not yet answered
        self.exempt: set[int] = set()  # queries paced by the short windows only (the rateLimits reading itself)
        self._buckets: dict[tuple[str, str], _Bucket] = {}  # (interval, "requests"|"complexity")
        self._claims: dict[int, tuple[float, float]] = {}  # expensive requests waiting: place in line → (due, cost)
        self._claim_numbers = itertools.count()

    # ---------------------------------------------------------------- configuration

    def configure(self, rate_limits: Iterable[Mapping]) -> None:
        """Set budgets from a `rateLimits` answer: share × quota, less what others already use."""
        budgets: dict[str, Budget] = {}
        with self._lock:
            now = self.clock()
            for limit in rate_limits:
                interval = str(limit.get("intervalSeconds"))
                kind = str(limit.get("type"))
                if interval not in WINDOWS or kind not in ("REQUEST_COUNT", "QUERY_COMPLEXITY"):
                    continue
                seconds = WINDOWS[interval]
                quota = float(limit.get("quota") or 0)
                used = float(limit.get("usedQuota") or 0)
                ours = self._spent(now, seconds, kind)
                others = max(0.0, used - ours)
                allowed = max(1.0, min(self.share * quota, quota - others - (1 if kind == "REQUEST_COUNT" else 0)))
                budget = budgets.setdefault(interval, Budget(seconds))
                free = quota - others - (1 if kind == "REQUEST_COUNT" else 0)
                if kind == "REQUEST_COUNT":
                    budget.requests, budget.share_requests, budget.free_requests = allowed, max(1.0, self.share * quota), free
                    budget.others_requests, budget.quota_requests = others, quota
                else:
                    budget.complexity, budget.share_complexity, budget.free_complexity = allowed, max(1.0, self.share * quota), free
                    budget.others_complexity, budget.quota_complexity = others, quota
            if budgets:
                self._refill(now)  # at the old budgets' rates up to now
                self.budgets = budgets
                for interval, kind, allowed, seconds in self._bucketed():
                    bucket = self._buckets.get((interval, kind))
                    if bucket is None:  # a sync starts with a full bucket: its burst
                        self._buckets[(interval, kind)] = _Bucket(self.burst * allowed, now, now)
                    else:
                        bucket.level = min(bucket.level, self.burst * allowed)

    def points_per_request(self) -> float | None:
        """Complexity points the quotas trade for one request (the longest window's complexity quota ÷ its
        request quota: Growth 30M ÷ 5k = 6,000), or None before ``configure`` knows both. A request
        cheaper than this spends the request quota faster than the complexity quota (child_pages.py)."""
        with self._lock:
            return self._points_per_request()

    def _points_per_request(self) -> float | None:
        for budget in sorted(self.budgets.values(), key=lambda b: -b.seconds):
            requests, points = budget.quota_requests, budget.quota_complexity
            if 0 < requests < float("inf") and 0 < points < float("inf"):
                return points / requests
        return None

    def _expensive(self, cost: float) -> bool:
        trade = self._points_per_request()
        return trade is not None and cost >= trade

    def _reserve(self, cost: float) -> float:
        """Requests of the long budgets a request of ``cost`` must leave (module docstring): some while an
        expensive request waits, if this one is cheap (costs less than the quotas trade for a request)."""
        cheap = self._points_per_request() is not None and not self._expensive(cost)
        waiting = cheap and any(self._expensive(claimed) for _, claimed in self._claims.values())
        return RESERVED_REQUESTS if waiting else 0.0

    def _spent(self, now: float, seconds: float, kind: str) -> float:
        """What we sent that Centra's `usedQuota` for this window still counts (sent within the last
        `seconds`, less the safety margin: counting more would understate others' use)."""
        horizon = now - seconds + _SAFETY_SECONDS
        rows = [row for row in self._sent if row[0] >= horizon]
        return float(len(rows)) if kind == "REQUEST_COUNT" else float(sum(row[1] for row in rows))

    # ---------------------------------------------------------------- per request

    def estimate(self, query_key: int, complexity: int) -> None:
        """What a query is expected to cost before Centra first answers it (a static estimate)."""
        with self._lock:
            self._estimates[query_key] = int(complexity)

    def cost_of(self, query_key: int) -> int:
        """What the next request of this query is booked at: Centra's last answer, else the estimate."""
        with self._lock:
            return self._cost(query_key)

    def _cost(self, query_key: int) -> int:
        known = self._complexity_by_query.get(query_key)
        return known if known is not None else self._estimates.get(query_key, DEFAULT_COMPLEXITY_GUESS)

    def acquire(self, query_key: int) -> list:
        """Block until one more request of this query fits every budget; returns its ledger row.
        Raises QuotaExhausted rather than wait past `max_wait` beyond the pace (module docstring)."""
        stalled = 0.0  # seconds waited beyond this connector's own pace, for this request
        claim = None  # this request's place in line while it waits (expensive ones only; module docstring)
        try:
            while True:
                with self._lock:
                    now = self.clock()
                    self._forget(now)
                    self._refill(now)
                    cost = self._cost(query_key)
                    delay, reason = self._delay(now, cost, short_only=query_key in self.exempt)
                    used_up = query_key not in self.exempt and self._used_up(cost)
                    if used_up:
                        delay, reason = max(delay, RESYNC_SECONDS), used_up
                    held = 0.0 if query_key in self.exempt else self._held(claim, now, cost)
                    if delay <= 0 and held <= 0:
                        row = [now, cost]
                        self._sent.append(row)
                        for (_, kind), bucket in self._buckets.items():
                            bucket.level -= 1 if kind == "requests" else cost
                        return row
                    if claim is None and delay > 0 and (self._expensive(cost) or self._whole_budget(cost)):
                        claim = next(self._claim_numbers)
                    if claim is not None:
                        self._claims[claim] = (now + delay, cost)
                if held > delay and not used_up:  # an expensive request waiting before this one goes first
                    self.waits.add(held, "an earlier, more expensive request of this sync")
                    self.waited_seconds += held
                    self.sleep(held)
                    continue
                if used_up or delay > max(ALWAYS_WAIT_SECONDS, 1.01 * self._own_pace(cost) + 1.0):  # the quota is used up (by others)
                    step = min(delay, RESYNC_SECONDS)
                    if stalled + step > self.max_wait:
                        raise QuotaExhausted(_exhausted_message(delay, stalled, reason, self.max_wait, self.waits.now(),
                                                                bool(used_up), self.others_use()))
                    self.waits.add(step, reason)
                    self.waited_seconds += step
                    self.sleep(step)
                    stalled += step
                    if self.resync is not None:
                        self.resync()
                    continue
                self.waits.add(delay, reason)
                self.waited_seconds += delay
                self.sleep(delay)
        finally:
            if claim is not None:
                with self._lock:
                    self._claims.pop(claim, None)

    def _whole_budget(self, cost: float) -> bool:
        """A request of ``cost`` goes only when a complexity budget is wholly free: it costs more than a
        short window's budget (it needs the window empty) or than a long budget's burst (the bucket full)."""
        return self._needs_full_bucket(cost) or any(budget.seconds < STEADY_FROM_SECONDS and cost > budget.complexity
                                                    for budget in self.budgets.values())

    def _held(self, claim: int | None, now: float, cost: float) -> float:
        """Seconds this request (``claim``: its place in line, None: it has none) waits for expensive requests
        in line before it: one that needs a long budget's whole burst, or one whose short window this request
        would still be in, and overfill, when it is due. A claim already due holds for a moment, until its
        request goes."""
        held = []
        for number, (due, claimed) in self._claims.items():
            if claim is not None and number >= claim:
                continue
            if self._needs_full_bucket(claimed) or self._crowds(now, cost, due, claimed):
                held.append(max(due - now, 0.0) + _CLAIM_STEP)
        return min(held, default=0.0)

    def _needs_full_bucket(self, cost: float) -> bool:
        return any(budget.seconds >= STEADY_FROM_SECONDS and budget.complexity != float("inf")
                   and cost > self.burst * budget.complexity for budget in self.budgets.values())

    def _crowds(self, now: float, cost: float, due: float, claimed: float) -> bool:
        """Would a request of ``cost`` sent now keep one of ``claimed`` from fitting a short window at ``due``?"""
        for budget in self.budgets.values():
            if budget.seconds >= STEADY_FROM_SECONDS:
                continue
            horizon = due - budget.seconds - _SAFETY_SECONDS
            if now < horizon:
                continue  # it has left the window by then
            rows = [row for row in self._sent if row[0] >= horizon]
            spent = sum(row[1] for row in rows)

            def fits(count: int, points: float) -> bool:
                return count == 0 or (count + 1 <= budget.requests and points + claimed <= budget.complexity)

            if fits(len(rows), spent) and not fits(len(rows) + 1, spent + cost):
                return True
        return False

    def record(self, row: list, query_key: int, complexity: int | None) -> None:
        """Book the complexity Centra reported for a request acquired with `row`."""
        if complexity is None:
            return
        with self._lock:
            extra = int(complexity) - row[1]
            row[1] = int(complexity)
            self._complexity_by_query[query_key] = int(complexity)
            for (_, kind), bucket in self._buckets.items():
                if kind == "complexity":
                    bucket.level -= extra

    def _used_up(self, cost: float) -> str:
        """Why others' use (at the last reading) leaves a long window no room for this request ("" if
        it does not): then nothing of ours leaving the window helps, only a fresh reading can."""
        for interval, budget in self.budgets.items():
            if budget.seconds < STEADY_FROM_SECONDS:
                continue  # a short window frees itself within seconds (or Centra's 429 says how long)
            for label, free, need in (("request", budget.free_requests, 1.0), ("query-complexity", budget.free_complexity, cost)):
                if free < need:
                    return (f"Centra's {WINDOW_NAMES[interval]} {label} quota, which other integrations have used up "
                            f"(this request needs {need:,.0f})")
        return ""

    def others_use(self) -> str:
        """What other integrations used of the long windows' quotas at the last reading, in words."""
        parts = []
        for interval, budget in self.budgets.items():
            if budget.seconds >= STEADY_FROM_SECONDS:
                for label, others, quota in (("requests", budget.others_requests, budget.quota_requests),
                                             ("complexity points", budget.others_complexity, budget.quota_complexity)):
                    if others > 0 and quota != float("inf"):
                        parts.append(f"{others:,.0f} of the {WINDOW_NAMES[interval]} {quota:,.0f} {label}")
        return f"Other integrations used {' and '.join(parts)} at the last reading. " if parts else ""

    def _own_pace(self, cost: float) -> float:
        """The longest wait the hourly smoothing alone imposes on a request of `cost` at the full share
        (when nobody else uses the quota): waits up to this are this connector's own pace."""
        pace = 0.0
        for budget in self.budgets.values():
            if budget.seconds < STEADY_FROM_SECONDS:
                continue
            for amount, allowed in ((1.0, budget.share_requests), (float(cost), budget.share_complexity)):
                if allowed != float("inf"):
                    pace = max(pace, min(amount, self.burst * allowed) / self._rates(allowed, budget.seconds + _SAFETY_SECONDS)[0])
        return pace

    def _forget(self, now: float) -> None:
        longest = max((b.seconds for b in self.budgets.values()), default=10.0) + _SAFETY_SECONDS
        while self._sent and self._sent[0][0] < now - longest:
            self._sent.popleft()

    def _delay(self, now: float, cost: int, short_only: bool = False) -> tuple[float, str]:
        """Seconds until a request costing `cost` fits every rule, and the rule that binds
        (``short_only``: the short windows' rules only)."""
        delay, reason = 0.0, ""
        reserve = 0.0 if short_only else self._reserve(cost)
        for interval, budget in self.budgets.items():
            if short_only and budget.seconds >= STEADY_FROM_SECONDS:
                continue
            horizon = now - budget.seconds - _SAFETY_SECONDS
            window = [row for row in self._sent if row[0] >= horizon]
            kept = reserve if budget.seconds >= STEADY_FROM_SECONDS and budget.requests > 1 + reserve else 0.0
            if len(window) + 1 + kept > budget.requests and window:
                # wait until enough of the oldest requests leave the window
                excess = int(len(window) + 1 + kept - budget.requests)
                wait = window[min(excess, len(window)) - 1][0] - horizon + 0.01
                if wait > delay:
                    delay, reason = wait, f"this connector's share of Centra's {WINDOW_NAMES[interval]} request budget"
            spent = sum(row[1] for row in window)
            if window and spent + cost > budget.complexity:
                running = spent + cost
                wait = window[-1][0] - horizon
                for row in window:
                    running -= row[1]
                    if running <= budget.complexity:
                        wait = row[0] - horizon + 0.01
                        break
                if wait > delay:
                    delay, reason = wait, f"this connector's share of Centra's {WINDOW_NAMES[interval]} query-complexity budget"
        for interval, kind, allowed, seconds in ([] if short_only else self._bucketed()):
            wait = self._bucket_wait(self._buckets[(interval, kind)], allowed, seconds, now,
                                     1 + reserve if kind == "requests" else cost)
            if wait > delay:
                label = "request" if kind == "requests" else "query-complexity"
                delay, reason = wait, (f"this connector's share of Centra's {WINDOW_NAMES[interval]} {label} budget, "
                                       "spread evenly over the hour")
        return delay, reason

    # ---------------------------------------------------------------- token buckets (long windows)

    def _bucketed(self) -> Iterable[tuple[str, str, float, float]]:
        """(interval, kind, allowed, window seconds incl. safety) of every budget paced by a bucket."""
        for interval, budget in self.budgets.items():
            if budget.seconds < STEADY_FROM_SECONDS:
                continue
            for kind, allowed in (("requests", budget.requests), ("complexity", budget.complexity)):
                if allowed != float("inf"):
                    yield interval, kind, allowed, budget.seconds + _SAFETY_SECONDS

    def _rates(self, allowed: float, seconds: float) -> tuple[float, float]:
        """Refill per second during the bucket's first window (paying for its burst), and after it."""
        return (1 - self.burst) * allowed / seconds, allowed / seconds

    def _refill(self, now: float) -> None:
        for interval, kind, allowed, seconds in self._bucketed():
            bucket = self._buckets.get((interval, kind))
            if bucket is None or now <= bucket.at:
                continue
            first, later = self._rates(allowed, seconds)
            paid_at = bucket.since + seconds
            slow = max(0.0, min(now, paid_at) - bucket.at)
            fast = now - bucket.at - slow
            bucket.level = min(self.burst * allowed, bucket.level + slow * first + fast * later)
            bucket.at = now

    def _bucket_wait(self, bucket: _Bucket, allowed: float, seconds: float, now: float, amount: float) -> float:
        """Seconds until the bucket holds `amount` (or is full, for a request costlier than a burst)."""
        missing = min(amount, self.burst * allowed) - bucket.level
        if missing <= 1e-9 * allowed:  # rounding: a refill computed to the last bit is a full one
            return 0.0
        first, later = self._rates(allowed, seconds)
        slow_left = max(0.0, bucket.since + seconds - now)
        if missing <= first * slow_left:
            return missing / first + 0.001
        return slow_left + (missing - first * slow_left) / later + 0.001


def _exhausted_message(delay: float, stalled: float, reason: str, max_wait: float, wall_now: float,
                       used_up: bool, others: str) -> str:
    from datetime import datetime, timezone

    waited = f"The sync waited {duration(stalled)} for it, reading the quota every minute; w" if stalled else "W"
    if used_up:
        when = "when the other integrations' use leaves Centra's window (within the hour)"
        what = f"{waited}aiting longer would pass"
    else:
        resumes = datetime.fromtimestamp(wall_now + delay, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        when = f"after {resumes}"
        what = f"{waited}aiting the {duration(delay)} it needs would pass"
    return (f"Centra's API quota has no room for this sync now: {reason}. {what} the configured 'Maximum wait for the "
            f"rate limit' of {max_wait:.0f}s. {others or 'Other integrations share the quota. '}Run the sync again {when} (it resumes "
            "where it stopped), lower 'Share of the API rate limit' to leave others room, or raise 'Maximum wait for the "
            "rate limit' to let the sync wait.")


def duration(seconds: float) -> str:
    """A wait in an admin's words: 45s, 3m 07s, 1h 05m."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"
