"""The progress guard: a paged read whose cursor or page stops advancing fails, naming the stream,
instead of emitting the same rows forever.

Every paged loop reports each page to ``Progress.page(scope, token, next_token, nodes)``, where
``scope`` names one sequence of pages (a stream's window of one store, a parent's child list, …),
``token`` is what the page was asked with and ``next_token`` what it says comes next. Two rules:

- **the cursor must move**: a next token already asked with in this scope (an ``endCursor`` equal to
  the request's own ``after``, a page number seen before) fails at once;
- **the pages must change**: a page whose rows are exactly those of an earlier page of this scope is
  a repeat; ``REPEATS`` repeats in a row (a server that ignores ``page``) fail. One repeat can be
  honest (rows that moved while a window was read, a tie of ``updatedAt`` read again from its start).

Memory: one fingerprint (a 64-bit int) per page and token, at most ``REMEMBERED`` of each per scope
being read, forgotten when the scope's last page is read. A cycle of up to ``REMEMBERED`` pages is caught
within two rounds of it; a longer one is not (the faults seen repeat a page at once, or every page). The
cap keeps the guard flat however large the shop: three stores' allocations at 1,000,000 orders (8,000
pages each) held 6.7 MB of fingerprints when 10,000 hex strings were kept a kind; 0.4 MB now
(test_progress_guard.py), and every member of an orders pass keeps its own.
"""
from __future__ import annotations

import hashlib
import json
import threading
from typing import Any, Iterable

from source_centra.errors import CentraError

REPEATS = 3
REMEMBERED = 1_000  # fingerprints kept per scope and kind, then forgotten (module docstring: memory)


class StalledError(CentraError):
    """A paged read stopped advancing (a fault of the API or of a proxy in front of it)."""


class Progress:
    def __init__(self, stream: str):
        self.stream = stream
        self._tokens: dict[str, set[int]] = {}
        self._pages: dict[str, set[int]] = {}
        self._repeats: dict[str, int] = {}
        self._lock = threading.Lock()

    def page(self, scope: str, token: Any, next_token: Any, nodes: Iterable[Any]) -> None:
        """Record one page read in ``scope``; raise StalledError when the reading stopped advancing."""
        asked, following, rows = _fingerprint(token), _fingerprint(next_token), _rows(nodes)
        with self._lock:
            tokens = self._tokens.setdefault(scope, set())
            tokens.add(asked)
            if next_token is not None and following in tokens:
                raise self._stalled(scope, f"Centra's answer points to a next page ({_shown(next_token)}) that was already "
                                           "read, so the cursor does not advance")
            pages = self._pages.setdefault(scope, set())
            if rows is not None and rows in pages:
                self._repeats[scope] = self._repeats.get(scope, 0) + 1
            else:
                self._repeats[scope] = 0
                if rows is not None:
                    pages.add(rows)
            if self._repeats[scope] >= REPEATS:
                raise self._stalled(scope, f"Centra answered {REPEATS + 1} pages in a row with rows it had already sent "
                                           "(it seems to ignore which page is asked for)")
            if next_token is None:  # the scope is read to its end
                self._tokens.pop(scope, None)
                self._pages.pop(scope, None)
                self._repeats.pop(scope, None)
            elif len(tokens) > REMEMBERED or len(pages) > REMEMBERED:
                tokens.clear()
                pages.clear()

    def _stalled(self, scope: str, reason: str) -> StalledError:
        return StalledError(
            f"Stream {self.stream} stopped ({scope}): {reason}. Reading on would emit the same rows again and again. "
            "The rows read so far were emitted and the state points at the last page read, so nothing is lost. This is "
            "a fault of the API at the endpoint URL (or of a proxy in front of it): if the endpoint is Centra's, report "
            "this message to Centra support; the next sync retries from the saved state.")


def _fingerprint(value: Any) -> int:
    text = json.dumps(value, sort_keys=True, default=str)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _rows(nodes: Iterable[Any]) -> int | None:
    """A page's rows: their ids when every row has one, else their content; None for an empty page."""
    nodes = list(nodes)
    if not nodes:
        return None
    ids = [node.get("id") if isinstance(node, dict) else None for node in nodes]
    return _fingerprint(ids if all(i is not None for i in ids) else nodes)


def _shown(token: Any) -> str:
    text = json.dumps(token, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def job_scope(partition: str, window: Any = None, extra: Any = None) -> str:
    """The scope of a job's pages, in words: its partition and window (and filter, if any)."""
    where = "all stores" if partition == "all" else f"store {partition}"
    if window is not None:
        where += f", window {window.start.isoformat()} to {window.end.isoformat()}"
    if extra:
        where += f", filter {_fingerprint(extra) >> 32:08x}"  # the fingerprint's first 8 hex digits
    return where
