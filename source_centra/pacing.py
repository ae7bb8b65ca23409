"""Client-side pacing under Centra's shared rate limits (centra-api.md §4).

Centra meters request count and query complexity per 10 s and per hour, per environment, shared
by every integration of the merchant. The connector may use `share` of each budget. Budgets are
read from the `rateLimits` query; spending is tracked from each response's
`extensions.complexity`. Windows are sliding, which is never looser than Centra's buckets.
When others use more than their part (the live `remainingQuota` says so), our budget shrinks so
that we slow down instead of running into 429s.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

WINDOWS = {"TEN_SECONDS": 10.0, "ONE_HOUR": 3600.0}
# A request counts against a window from when it is sent until this long after the window,
# so that network delay between our clock and Centra's bucket cannot push us over.
_SAFETY_SECONDS = 0.5
DEFAULT_COMPLEXITY_GUESS = 1000


@dataclass
class Budget:
    seconds: float
    requests: float = float("inf")
    complexity: float = float("inf")


@dataclass
class Pacer:
    share: float = 0.5
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    budgets: dict[str, Budget] = field(default_factory=dict)
    waited_seconds: float = 0.0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: deque[list] = deque()  # [send_time, complexity]
        self._complexity_by_query: dict[int, int] = {}

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
                if kind == "REQUEST_COUNT":
                    budget.requests = allowed
                else:
                    budget.complexity = allowed
            if budgets:
                self.budgets = budgets

    def _spent(self, now: float, seconds: float, kind: str) -> float:
        """What we sent that Centra's `usedQuota` for this window still counts (sent within the last
        `seconds`, less the safety margin: counting more would understate others' use)."""
        horizon = now - seconds + _SAFETY_SECONDS
        rows = [row for row in self._sent if row[0] >= horizon]
        return float(len(rows)) if kind == "REQUEST_COUNT" else float(sum(row[1] for row in rows))

    # ---------------------------------------------------------------- per request

    def acquire(self, query_key: int) -> list:
        """Block until one more request of this query fits every budget; returns its ledger row."""
        while True:
            with self._lock:
                now = self.clock()
                self._forget(now)
                cost = self._complexity_by_query.get(query_key, DEFAULT_COMPLEXITY_GUESS)
                delay = self._delay(now, cost)
                if delay <= 0:
                    row = [now, cost]
                    self._sent.append(row)
                    return row
            self.waited_seconds += delay
            self.sleep(delay)

    def record(self, row: list, query_key: int, complexity: int | None) -> None:
        """Book the complexity Centra reported for a request acquired with `row`."""
        if complexity is None:
            return
        with self._lock:
            row[1] = int(complexity)
            self._complexity_by_query[query_key] = int(complexity)

    def _forget(self, now: float) -> None:
        longest = max((b.seconds for b in self.budgets.values()), default=10.0) + _SAFETY_SECONDS
        while self._sent and self._sent[0][0] < now - longest:
            self._sent.popleft()

    def _delay(self, now: float, cost: int) -> float:
        delay = 0.0
        for budget in self.budgets.values():
            horizon = now - budget.seconds - _SAFETY_SECONDS
            window = [row for row in self._sent if row[0] >= horizon]
            if len(window) + 1 > budget.requests and window:
                # wait until enough of the oldest requests leave the window
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
