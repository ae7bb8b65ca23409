"""Fault injection: each kind has its own probability, drawn from a seeded RNG per request.

Kinds (checked after authentication and rate limiting, before executing):
- ``http_500`` / ``http_502`` / ``http_503``: that status with a JSON or an HTML body (alternating);
- ``reset``: the socket is closed with an RST and no response at all;
- ``slow``: sleep ``slow_seconds`` and then answer normally;
- ``graphql_internal``: HTTP 200 ``{"errors":[{"message":"Internal server error",...}],"data":null}``;
- ``truncated``: HTTP 200 carrying the first half of the real JSON body (Content-Length matches the
  cut body).
``latency_ms`` is not a fault: a fixed delay added to every request.
"""

from __future__ import annotations

import random
import threading

FAULT_KINDS = ("http_500", "http_502", "http_503", "reset", "slow", "graphql_internal", "truncated")

INTERNAL_BODY = {"errors": [{"message": "Internal server error", "extensions": {"category": "internal"}}],
                 "data": None}

_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def error_page(status: int, html: bool) -> tuple[str, bytes]:
    """(content type, body) for an injected 5xx."""
    reason = _REASONS[status]
    if html:
        body = (f"<html><head><title>{status} {reason}</title></head><body><center><h1>{status} "
                f"{reason}</h1></center><hr><center>nginx</center></body></html>\n")
        return "text/html", body.encode()
    return "application/json", (f'{{"errors":[{{"message":"{reason}",'
                                f'"extensions":{{"category":"internal"}}}}]}}').encode()


class FaultInjector:
    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.rates = {k: 0.0 for k in FAULT_KINDS}
        self.slow_seconds = 2.0
        self._html_toggle = False

    def configure(self, faults: dict | None = None, fault_rate: float | None = None,
                  slow_seconds: float | None = None) -> None:
        with self._lock:
            if fault_rate is not None:
                self.rates = {k: float(fault_rate) / len(FAULT_KINDS) for k in FAULT_KINDS}
            for kind, rate in (faults or {}).items():
                if kind not in self.rates:
                    raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(FAULT_KINDS)}")
                self.rates[kind] = float(rate)
            if slow_seconds is not None:
                self.slow_seconds = float(slow_seconds)

    def pick(self) -> str | None:
        """The fault to inject into this request, if any (one uniform draw, rates stacked)."""
        with self._lock:
            if not any(self.rates.values()):
                return None
            u = self._rng.random()
            acc = 0.0
            for kind in FAULT_KINDS:
                acc += self.rates[kind]
                if u < acc:
                    return kind
            return None

    def html_next(self) -> bool:
        with self._lock:
            self._html_toggle = not self._html_toggle
            return self._html_toggle
