"""child_pages.py: a node's child list Centra pages (StockChange.lines) is completed from its further pages,
several pages of several nodes a request, as many as the quotas' points per request buy."""

from __future__ import annotations

import math

import pytest
from graphql import OperationDefinitionNode, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from source_centra import child_pages, queries
from source_centra.documents import strip_markers
from source_centra.errors import CentraError
from source_centra.pacing import Pacer

DOCUMENT = strip_markers(queries.load("stock_changes"))
LIMIT = 50


def test_given_the_stock_changes_document_then_its_lines_are_paged_50_at_a_time() -> None:
    assert child_pages.paged_children(DOCUMENT) == (("lines", "linesPage", "linesLimit", 50),)
    assert child_pages.paged_children(queries.load("order_items")) == ()


def aliased_pages(document: str) -> list[tuple[str, str]]:
    """(response key, page variable) of each aliased copy of ``lines`` in a follow-up document."""
    operation = next(d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode))
    node = operation.selection_set.selections[0].selection_set.selections[2].selection_set.selections[0]
    out = []
    for field in node.selection_set.selections:
        if field.name.value == "lines":
            page = next(a.value.name.value for a in field.arguments if a.name.value == "page")
            out.append((field.alias.value, page))
    return out


def fake_centra(lines_of: dict[int, int]):
    """An ask function serving stock changes with ``lines_of[id]`` lines, 50 a page, every aliased page of
    every node asked; records each request's (document, variables)."""
    calls = []

    def ask(document: str, variables: dict) -> dict:
        calls.append((document, variables))
        assert variables["first"] == len(variables["where"]["id"])
        edges = []
        for change in variables["where"]["id"]:
            node = {"id": change}
            all_ids = list(range(change * 10_000, change * 10_000 + lines_of[change]))
            for key, variable in aliased_pages(document):
                page = variables[variable]
                node[key] = [{"id": i} for i in all_ids[(page - 1) * LIMIT: page * LIMIT]]
            edges.append({"node": node})
        return {"result": {"edges": edges}}

    return ask, calls


def first_page(change: int, count: int) -> dict:
    return {"id": change, "type": "DELIVERY",
            "lines": [{"id": i} for i in range(change * 10_000, change * 10_000 + min(count, LIMIT))]}


def extra_pages(count: int) -> int:
    """Child pages past the first a node needs: the last one short (possibly empty)."""
    return 0 if count < LIMIT else count // LIMIT


@pytest.mark.parametrize("count", [0, 1, 49, 50, 51, 100, 130, 151])
def test_given_a_stock_change_with_n_lines_asked_a_page_a_request_then_all_arrive_once_in_order(count: int) -> None:
    ask, calls = fake_centra({7: count})
    first = first_page(7, count)
    (node,) = child_pages.complete_with([first], DOCUMENT, "connection", ask, "stock_changes")
    assert [line["id"] for line in node["lines"]] == list(range(70_000, 70_000 + count))
    assert len(calls) == extra_pages(count)  # a full last page costs one empty-or-short request
    assert all(v["first"] == 1 and v["where"] == {"id": [7]} for _d, v in calls)
    assert len(first["lines"]) == min(count, LIMIT)  # the page's own node is not changed


def test_given_a_delivery_of_1445_lines_then_two_requests_not_28() -> None:
    """Before: one request per page of 50 lines (28 requests of ~350 points each: the request quota
    ran out while the complexity quota lay idle). Now 17 pages a request at Growth's 6,000 points a
    request and ~350 a page."""
    ask, calls = fake_centra({3: 1445})
    (node,) = child_pages.complete_with([first_page(3, 1445)], DOCUMENT, "connection", ask, "stock_changes",
                                        per_request=17)
    assert [line["id"] for line in node["lines"]] == list(range(30_000, 31_445))
    assert len(calls) == 2
    assert [len(aliased_pages(d)) for d, _v in calls] == [17, 17]
    assert [v["linesPage"] for _d, v in calls] == [2, 19]


def test_given_several_full_nodes_on_a_page_then_one_request_completes_them_together() -> None:
    counts = {1: 120, 2: 10, 3: 130, 4: 60}
    ask, calls = fake_centra(counts)
    nodes = child_pages.complete_with([first_page(c, n) for c, n in counts.items()], DOCUMENT, "connection", ask,
                                      "stock_changes", per_request=17)
    assert len(calls) == 1
    assert calls[0][1]["where"] == {"id": [1, 3, 4]} and len(aliased_pages(calls[0][0])) == 5
    assert [[line["id"] for line in n["lines"]] for n in nodes] == [
        list(range(c * 10_000, c * 10_000 + n)) for c, n in counts.items()]


@settings(max_examples=150, deadline=None)
@given(counts=st.lists(st.integers(0, 1_200), min_size=1, max_size=8), per_request=st.integers(1, 40))
def test_given_any_line_counts_and_budget_then_every_line_once_in_order_within_the_request_bound(
        counts: list[int], per_request: int) -> None:
    lines_of = {index + 1: count for index, count in enumerate(counts)}
    ask, calls = fake_centra(lines_of)
    nodes = child_pages.complete_with([first_page(c, n) for c, n in lines_of.items()], DOCUMENT, "connection", ask,
                                      "stock_changes", per_request=per_request)
    assert [[line["id"] for line in n["lines"]] for n in nodes] == [
        list(range(c * 10_000, c * 10_000 + n)) for c, n in lines_of.items()]
    for document, variables in calls:  # never more node-pages than the budget, unless one page of one node
        assert len(variables["where"]["id"]) * len(aliased_pages(document)) <= max(per_request, 1)
    # never more requests than a page at a time would need, and per node at most what its own pages need
    assert len(calls) <= sum(extra_pages(n) for n in counts)
    assert len(calls) <= sum(math.ceil(extra_pages(n) / max(1, per_request // len(counts))) for n in counts) + len(counts)


def test_given_the_stock_change_gone_mid_sync_then_a_clear_error() -> None:
    first = {"id": 9, "lines": [{"id": i} for i in range(50)]}
    with pytest.raises(CentraError, match="stock_changes 9"):
        child_pages.complete_with([first], DOCUMENT, "connection", lambda _d, _v: {"result": {"edges": []}},
                                  "stock_changes", per_request=8)


def test_given_the_plan_renames_then_follow_up_pages_are_restored_like_the_page() -> None:
    """The answer of a follow-up is put in the page's shape by the plan's restore (aliases per type
    condition renamed back, dropped fields as null) before its items join the node."""
    ask, _calls = fake_centra({5: 80})

    def restore(data: dict) -> dict:
        for edge in data["result"]["edges"]:
            for line in edge["node"].get("lines") or []:
                line.setdefault("unitCost", None)
        return data

    (node,) = child_pages.complete_with([first_page(5, 80)], DOCUMENT, "connection", ask, "stock_changes",
                                        per_request=4, restore=restore)
    assert [line["id"] for line in node["lines"]] == list(range(50_000, 50_080))
    assert all("unitCost" in line for line in node["lines"][50:])


def test_given_the_follow_up_document_then_it_is_valid_against_the_fake_schema() -> None:
    from graphql import build_schema, validate

    from fake_centra.profiles import SCHEMA_PATH
    schema = build_schema(SCHEMA_PATH.read_text())
    for pages in (1, 2, 17):
        assert validate(schema, parse(child_pages.follow_up(DOCUMENT, "lines", pages))) == []


@pytest.mark.parametrize("quotas,expected", [
    ([("ONE_HOUR", "REQUEST_COUNT", 5_000), ("ONE_HOUR", "QUERY_COMPLEXITY", 30_000_000),
      ("TEN_SECONDS", "REQUEST_COUNT", 60), ("TEN_SECONDS", "QUERY_COMPLEXITY", 250_000)], 6_000),
    ([("TEN_SECONDS", "REQUEST_COUNT", 60), ("TEN_SECONDS", "QUERY_COMPLEXITY", 240_000)], 4_000),
    ([("ONE_HOUR", "REQUEST_COUNT", 0), ("ONE_HOUR", "QUERY_COMPLEXITY", 30_000_000)], None),
    ([], None),
])
def test_given_the_quotas_then_points_per_request_is_their_ratio(quotas, expected) -> None:
    pacer = Pacer(share=0.5)
    pacer.configure([{"type": kind, "intervalSeconds": interval, "quota": quota, "usedQuota": 0, "remainingQuota": quota}
                     for interval, kind, quota in quotas])
    assert pacer.points_per_request() == expected


def complete_counting(lines_of: dict[int, int], **options) -> tuple[list[list[int]], int, list]:
    """A page of stock changes with ``lines_of`` lines each, completed by ``child_pages.completing``:
    (each node's line ids in the order handed on, the most lines held at once, the follow-up calls)."""
    served, calls = fake_centra(lines_of)
    tally = {"in": 0, "out": 0, "most": 0}

    def ask(document: str, variables: dict) -> dict:
        answer = served(document, variables)
        tally["in"] += sum(len(v) for edge in answer["result"]["edges"] for k, v in edge["node"].items() if k != "id")
        tally["most"] = max(tally["most"], tally["in"] - tally["out"])
        return answer

    def page():
        for change, count in lines_of.items():
            node = first_page(change, count)
            tally["in"] += len(node["lines"])
            yield node

    got = []
    for node in child_pages.completing(page(), DOCUMENT, "connection", ask, "stock_changes", **options):
        got.append([line["id"] for line in node["lines"]])
        tally["out"] += len(node["lines"])
    return got, tally["most"], calls


@settings(max_examples=60, deadline=None)
@given(counts=st.lists(st.integers(0, 1_500), min_size=1, max_size=12), per_request=st.integers(1, 40),
       hold=st.integers(0, 2_000))
def test_given_a_page_of_large_stock_changes_then_the_lines_held_stay_near_the_bound(
        counts: list[int], per_request: int, hold: int) -> None:
    """A delivery booked in has a line per size (~3,000 at 1,000,000 orders) and a page of 70 stock
    changes may hold dozens. Before: a page was completed whole before any node went on (every line
    of every stock change held at once: 161 MB peak RSS for this stream at 100,000 orders). Now the
    nodes go on in page order as they complete, and past ``hold`` waiting lines no further node joins."""
    lines_of = {index + 1: count for index, count in enumerate(counts)}
    got, most, calls = complete_counting(lines_of, per_request=per_request, hold=hold)
    assert got == [list(range(c * 10_000, c * 10_000 + n)) for c, n in lines_of.items()]
    assert most <= hold + max(counts) + LIMIT + per_request * LIMIT
    assert len(calls) <= sum(extra_pages(n) for n in counts)


def test_given_the_default_hold_and_a_page_shaped_like_a_large_shop_then_about_five_thousand_lines_wait() -> None:
    """A page of 70 stock changes at 1,000,000 orders: deliveries booked in (3,069 lines) among small
    changes, follow-ups of 17 child pages (Growth: 6,000 points a request). Measured on the fake at
    1,000,000 orders (bench/README.md): the stock ledger alone peaked at 129.8 MiB holding 10,000 lines,
    118.5 holding 5,000 (1,567 requests instead of 1,636, 0.24 % more points), 115.2 holding 2,000."""
    counts = [3_069 if n % 7 == 0 else 20 for n in range(70)]
    lines_of = {index + 1: count for index, count in enumerate(counts)}
    got, most, _calls = complete_counting(lines_of, per_request=17)  # the default hold
    assert sum(len(lines) for lines in got) == sum(counts)
    assert most <= 5_000 + 3_069 + 18 * LIMIT, most
