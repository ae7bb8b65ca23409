"""How one page is asked for and what comes back, per paging kind; pure functions.

- ``connection``: Relay keyset cursors (``first``/``after``), stable while rows change mid-sync.
- ``list``: ``limit``/``page`` over sets that cannot shift (immutable createdAt windows, small
  reference lists). A page whose nodes nest so many list items that the next one would pass the
  memory budget (a purchase order delivery's lines: ~3,000 each at 1,000,000 orders) is followed by
  its successor asked a row at a time: the token ``{"page": p, "part": i}`` is row ``i`` of page ``p``
  (``limit: 1, page: (p - 1) × size + i``), so the rows are those of page ``p`` and page numbers stay
  aligned; the state's resume point is ``p`` until the last part is read (``resume_point``).
- ``time``: a list sorted ``updatedAt`` ascending read by advancing the window's ``from`` (plan.py
  falls back to it where an instance lacks a connection root), see ``time_page``.
- ``backwards``: a list read inside a window closed at the sync's start, without a sort by time: pages
  from the last one back to the first, so a row that leaves the window while it is read (it was
  updated) only shifts rows already read — nothing is skipped (``last_page`` finds where to start).
- ``nested``: a parent's child list (``warehouses(where: {id}) { stock(limit, page) }``), pages
  numbered per parent.
See centra-api.md §5.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from source_centra import state as st
from source_centra.convert import to_utc
from source_centra.errors import CentraError

MAX_PAGE = 2**30  # doubling past this would overflow a GraphQL Int


def variables(paging: str, *, where: dict[str, Any] | None, window: st.Window | None = None,
              filter_field: str | None = None, token: Any, size: int) -> dict[str, Any]:
    """The variables of the page after ``token``; ``where`` None: the document has no ``$where`` (a
    nested stream's parents list)."""
    if where is None:
        return {"limit": size, "page": int(token or 1)}
    where = dict(where)
    if window is not None and filter_field:
        start = token["from"] if paging == "time" and token else st.iso(window.start)
        where[filter_field] = {"from": start, "to": st.iso(window.end)}
    if paging == "connection":
        return {"where": where, "first": size, "after": token}
    if paging == "time":
        return {"where": where or None, "limit": size, "page": int((token or {}).get("page", 1))}
    if paging == "list" and _part(token):
        number, index = _part(token)
        return {"where": where or None, "limit": 1, "page": (number - 1) * size + index}
    return {"where": where or None, "limit": size, "page": int(token or 1)}  # list, nested; backwards: token = the page


def unpack(paging: str, page: Any, *, token: Any, window: st.Window | None, size: int,
           nested_field: str | None = None) -> tuple[list, Any, int | None, Mapping | None]:
    """(nodes, next token or None, total if known, parent object for nested lists)."""
    if paging == "connection":
        nodes = [edge["node"] for edge in page.get("edges") or [] if edge.get("node") is not None]
        info = page.get("pageInfo") or {}
        more = bool(info.get("hasNextPage")) and bool(nodes)
        if more and info.get("endCursor") is None:  # ending here would skip the rest and mark the window read
            raise CentraError("Centra's answer says more rows follow (pageInfo.hasNextPage) but gives no cursor to continue "
                              "from (pageInfo.endCursor is null), so the rest cannot be read. The state stays at the last "
                              "page read; if the endpoint is Centra's, report this message to Centra support.")
        return nodes, (info.get("endCursor") if more else None), page.get("totalCount"), None
    if paging == "nested":
        parents = list(page or [])
        parent = parents[0] if parents else None
        nodes = list((parent or {}).get(nested_field) or [])
        number = int(token or 1)
        bare = {k: v for k, v in (parent or {}).items() if k != nested_field} if parent else None
        return nodes, (number + 1 if len(nodes) >= size else None), None, bare
    nodes = list(page)
    if paging == "backwards":  # pages from the last one back to 1 (token: the page just read)
        number = int(token or 1)
        return nodes, (number - 1 if number > 1 else None), None, None
    if paging == "time":
        fresh, next_token = time_page(nodes, token, window, size)
        return fresh, next_token, None, None
    if _part(token):
        number, index = _part(token)
        if len(nodes) > 1:
            raise CentraError(f"Centra answered {len(nodes)} rows where one was asked for (limit: 1), so the rows of "
                              f"page {number} cannot be told apart. If the endpoint is Centra's, report this message to "
                              "Centra support.")
        if not nodes:
            return nodes, None, None, None
        return nodes, ({"page": number, "part": index + 1} if index < size else number + 1), None, None
    number = int(token or 1)
    return nodes, (number + 1 if len(nodes) >= size else None), None, None


def parted(next_token: Any, *, nodes: int, items: int, size: int, budget: int) -> Any:
    """List paging: the token of the page after one of ``nodes`` nodes nesting ``items`` list items. When
    a page of ``size`` such nodes would nest more than ``budget`` items, the next page is asked a row at
    a time (its first part); otherwise, and mid-page, the token as it is."""
    if isinstance(next_token, bool) or not isinstance(next_token, int) or size <= 1 or nodes <= 0:
        return next_token
    return {"page": next_token, "part": 1} if items * size > budget * nodes else next_token


def first_part(token: Any) -> Any:
    """The first row of the page ``token`` names (None: page 1), asked alone; a part as it is."""
    if _part(token) or isinstance(token, bool) or not (token is None or isinstance(token, int)):
        return token
    return {"page": token or 1, "part": 1}


def resume_point(token: Any) -> Any:
    """What the state keeps of a token: a part's page (read again from its first row on resume)."""
    part = _part(token)
    return part[0] if part else token


def _part(token: Any) -> tuple[int, int] | None:
    if isinstance(token, dict) and "part" in token:
        return int(token["page"]), int(token["part"])
    return None


def time_page(nodes: list, token: Any, window: st.Window | None, size: int) -> tuple[list, Any]:
    """One page of a list query sorted ``updatedAt`` ascending, read by advancing the window's
    ``from`` instead of counting on page offsets (rows updated mid-sync leave the window, which would
    shift offsets). The token ``{"from", "page", "seen"}`` is the resume point: ``from`` the last
    ``updatedAt`` fully behind us, ``seen`` the ids already emitted at exactly ``from`` (the filter is
    inclusive), ``page`` > 1 only while more than a page of rows share one ``updatedAt``.
    Returns (new nodes, next token or None)."""
    token = token or {}
    seen = set(token.get("seen") or ())
    start = st.parse_time(token["from"]) if token.get("from") else (window.start if window else None)
    fresh = [node for node in nodes if node["id"] not in seen]
    if len(nodes) < size or start is None:
        return fresh, None
    times = [st.parse_time(to_utc(node["updatedAt"])) for node in nodes]
    last = max(times)
    if last <= start:  # the whole page shares one updatedAt: step through that tie by page
        return fresh, {"from": st.iso(start), "page": int(token.get("page", 1)) + 1,
                       "seen": sorted(seen | {node["id"] for node in nodes})}
    at_last = sorted({node["id"] for node, moment in zip(nodes, times) if moment == last})
    return fresh, {"from": st.iso(last), "page": 1, "seen": at_last}


def last_page(rows_on: Callable[[int], int], size: int) -> int:
    """The last page that has rows (at least 1), asking ``rows_on(page)`` about 2 × log2(pages) times:
    doubling until a page that is not full, then bisecting between the last full and an empty one."""
    if rows_on(1) < size:
        return 1
    full, probe = 1, 2
    while (count := rows_on(probe)) == size:
        if probe >= MAX_PAGE:  # page numbers are GraphQL Ints: a server full at every page ignores `page`
            raise CentraError(f"Centra answered a full page for every page number up to {probe:,}, so it seems to ignore "
                              "which page is asked for and the list has no end. If the endpoint is Centra's, report this "
                              "message to Centra support.")
        full, probe = probe, probe * 2
    if count > 0:
        return probe
    empty = probe
    while empty - full > 1:
        middle = (full + empty) // 2
        count = rows_on(middle)
        if count == 0:
            empty = middle
        elif count < size:
            return middle
        else:
            full = middle
    return full
