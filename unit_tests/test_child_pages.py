"""child_pages.py: a node's child list Centra pages (StockChange.lines) is completed from its further pages."""

from __future__ import annotations

import pytest

from source_centra import child_pages, queries
from source_centra.errors import CentraError

DOCUMENT = queries.load("stock_changes")


def test_given_the_stock_changes_document_then_its_lines_are_paged_50_at_a_time() -> None:
    assert child_pages.paged_children(DOCUMENT) == (("lines", "linesPage", "linesLimit", 50),)
    assert child_pages.paged_children(queries.load("order_items")) == ()


def fake_centra(lines_of: dict[int, int]):
    """A run function serving stock changes with ``lines_of[id]`` lines, 50 a page; records its calls."""
    calls = []

    def run(variables: dict) -> dict:
        calls.append(variables)
        (change,) = variables["where"]["id"]
        page = variables["linesPage"]
        ids = list(range(change * 1000, change * 1000 + lines_of[change]))[(page - 1) * 50: page * 50]
        return {"result": {"edges": [{"node": {"id": change, "lines": [{"id": i} for i in ids]}}]}}

    return run, calls


@pytest.mark.parametrize("count", [0, 1, 49, 50, 51, 100, 130, 151])
def test_given_a_stock_change_with_n_lines_then_all_arrive_once_in_order(count: int) -> None:
    run, calls = fake_centra({7: count})
    first = {"id": 7, "type": "DELIVERY", "lines": [{"id": i} for i in range(7000, 7000 + min(count, 50))]}
    (node,) = child_pages.complete_with([first], DOCUMENT, "connection", run, "stock_changes")
    assert [line["id"] for line in node["lines"]] == list(range(7000, 7000 + count))
    assert len(calls) == (0 if count < 50 else count // 50)  # a full last page costs one empty-or-short request
    assert all(c["first"] == 1 and c["where"] == {"id": [7]} for c in calls)
    assert len(first["lines"]) == min(count, 50)  # the page's own node is not changed


def test_given_the_stock_change_gone_mid_sync_then_a_clear_error() -> None:
    first = {"id": 9, "lines": [{"id": i} for i in range(50)]}
    with pytest.raises(CentraError, match="stock_changes 9"):
        child_pages.complete_with([first], DOCUMENT, "connection", lambda _v: {"result": {"edges": []}}, "stock_changes")
