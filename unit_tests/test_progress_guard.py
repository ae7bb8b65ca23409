"""The progress guard (progress.py) and paging's own ends (issue 18 case 5): a read whose cursor or page
stops advancing fails naming the stream; honest repeats pass; every loop over pages has an end."""
from __future__ import annotations

import re
import sys
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st_

from source_centra import paging
from source_centra import state as st
from source_centra.errors import CentraError
from source_centra.progress import REMEMBERED, REPEATS, Progress, StalledError, job_scope

WINDOW = st.Window("1", datetime(2024, 1, 1, tzinfo=timezone.utc), datetime(2024, 2, 1, tzinfo=timezone.utc))


def nodes(*ids):
    return [{"id": i} for i in ids]


def test_given_end_cursor_equal_to_the_requests_own_after_then_stalled_at_once_naming_stream_and_scope():
    guard = Progress("order_items")
    scope = job_scope("1", WINDOW)
    guard.page(scope, None, "c1", nodes(1, 2))
    with pytest.raises(StalledError) as error:
        guard.page(scope, "c1", "c1", nodes(3, 4))
    assert "order_items" in error.value.message and "store 1" in error.value.message
    assert "does not advance" in error.value.message


def test_given_cursor_cycling_back_to_an_earlier_one_then_stalled():
    guard = Progress("orders")
    guard.page("s", None, "a", nodes(1))
    guard.page("s", "a", "b", nodes(2))
    with pytest.raises(StalledError):
        guard.page("s", "b", "a", nodes(3))


def test_given_server_ignoring_page_then_stalled_after_the_repeat_limit():
    guard = Progress("returns")
    guard.page("s", None, 2, nodes(1, 2))
    for page in range(2, 2 + REPEATS - 1):
        guard.page("s", page, page + 1, nodes(1, 2))
    with pytest.raises(StalledError, match="ignore which page"):
        guard.page("s", 2 + REPEATS - 1, 2 + REPEATS, nodes(1, 2))


def test_given_an_honest_repeat_then_reading_goes_on():
    # a tie of updatedAt read again from its start, rows that moved while a window was read
    guard = Progress("customers")
    guard.page("s", None, 2, nodes(1, 2))
    guard.page("s", 2, 3, nodes(1, 2))
    guard.page("s", 3, 4, nodes(3, 4))
    guard.page("s", 4, None, nodes(5))


def test_given_scopes_then_kept_apart_and_forgotten_when_read_to_the_end():
    guard = Progress("orders")
    guard.page("store 1", None, "a", nodes(1))
    guard.page("store 2", None, "a", nodes(1))  # the same cursor text in another store is fine
    guard.page("store 1", "a", None, nodes(2))
    assert "store 1" not in guard._tokens and "store 2" in guard._tokens
    guard.page("store 1", None, "a", nodes(1))  # a new window of the same store starts clean


def test_given_rows_without_ids_then_compared_by_content():
    guard = Progress("stock")
    for page in range(1, REPEATS + 1):
        guard.page("warehouse 1", page, page + 1, [{"sku": "A", "qty": 1}])
    with pytest.raises(StalledError):
        guard.page("warehouse 1", REPEATS + 1, REPEATS + 2, [{"sku": "A", "qty": 1}])


def test_given_has_next_page_without_end_cursor_then_error_instead_of_marking_the_window_read():
    page = {"edges": [{"node": {"id": 1}}], "pageInfo": {"hasNextPage": True, "endCursor": None}}
    with pytest.raises(CentraError, match="no cursor to continue"):
        paging.unpack("connection", page, token=None, window=WINDOW, size=1)


def test_given_has_next_page_with_no_rows_then_the_window_ends():
    page = {"edges": [], "pageInfo": {"hasNextPage": True, "endCursor": None}}
    assert paging.unpack("connection", page, token=None, window=WINDOW, size=1)[1] is None


def test_given_every_page_full_then_last_page_search_ends_with_an_error():
    asked = []

    def rows_on(page):
        asked.append(page)
        return 100

    with pytest.raises(CentraError, match="ignore which page"):
        paging.last_page(rows_on, 100)
    assert len(asked) <= 32


def test_given_child_pages_ignoring_their_page_variable_then_stalled_not_endless():
    from source_centra.child_pages import complete_with

    document = """query Q($where: StockChangeFilter, $limit: Int, $page: Int, $linesLimit: Int = 2, $linesPage: Int = 1) {
      result: stockChanges(where: $where, limit: $limit, page: $page) { id lines(limit: $linesLimit, page: $linesPage) { id } } }"""
    asked = []

    def ask(follow_up, variables):
        pages = follow_up.count("lines__")
        asked.append(pages)
        node = {"id": 7, **{f"lines__{i}": [{"id": 1}, {"id": 2}] for i in range(pages)}}  # always the first child page
        return {"result": [node]}

    for per_request in (1, 3, 10):
        asked.clear()
        with pytest.raises(StalledError, match="stock_changes"):
            complete_with([{"id": 7, "lines": [{"id": 1}, {"id": 2}]}], document, "list", ask, "stock_changes",
                          per_request=per_request)
        assert sum(asked) <= REPEATS + per_request


@settings(max_examples=30, deadline=None)
@given(length=st_.integers(1, REMEMBERED), offset=st_.integers(0, 3 * REMEMBERED))
def test_given_a_cursor_cycle_of_up_to_the_remembered_pages_then_stalled_within_two_rounds(length, offset):
    """A server whose cursors come back after ``length`` pages, starting anywhere in a long read."""
    guard = Progress("order_item_allocations")
    cursor = lambda n: f"c{n}" if n < offset else f"cycle{(n - offset) % length}"
    with pytest.raises(StalledError):
        for n in range(offset + 2 * length + REMEMBERED + 2):
            guard.page("s", cursor(n - 1) if n else None, cursor(n), nodes(n))


def test_given_a_long_read_then_the_guard_keeps_at_most_the_remembered_fingerprints_per_scope():
    """1,000,000 orders read 45 a page are ~7,400 pages a store: the guard must not grow with them."""
    guard = Progress("order_item_allocations")
    for store in ("1", "2", "3"):
        for n in range(8_000):
            guard.page(store, f"c{n - 1}" if n else None, f"c{n}", nodes(3 * n, 3 * n + 1))
    kept = [len(fingerprints) for kind in (guard._tokens, guard._pages) for fingerprints in kind.values()]
    assert kept and max(kept) <= REMEMBERED + 1, kept
    held = sum(sys.getsizeof(kind[scope]) + sum(sys.getsizeof(f) for f in kind[scope])
               for kind in (guard._tokens, guard._pages) for scope in kind)
    assert held < 600_000, held  # 0.4 MB; with 10,000 hex strings a kind, 6.7 MB


def test_given_a_filtered_job_then_its_scope_names_the_filter_by_a_short_stable_fingerprint():
    # the returns of updated orders are read by order ids: one scope per filter, named in the error
    first = job_scope("1", WINDOW, {"orderId": [1, 2, 3]})
    assert first == job_scope("1", WINDOW, {"orderId": [1, 2, 3]})
    assert first != job_scope("1", WINDOW, {"orderId": [4]})
    assert re.fullmatch(r"store 1, window \S+ to \S+, filter [0-9a-f]{8}", first), first
