"""The union of streams' planned documents (source_centra/union.py) and how a shared pass orders the
jobs of its members (source_centra/shared.py), on the fake's schema."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from graphql import build_schema, parse, validate

from source_centra import state as st
from source_centra.complexity import complexity
from source_centra.documents import selection_paths
from source_centra.plan import plan
from source_centra.queries import load
from source_centra.shared import _in_step, _place, _Served, _Ticket, groups, parent_of
from source_centra.slices import Job, Jobs
from source_centra.streams import STREAMS, STREAMS_BY_NAME
from source_centra.union import UnionError, union
from unit_tests.feeds_builder import ROOT

SCHEMA = build_schema((ROOT / "fake_centra" / "schema.graphql").read_text(encoding="utf-8"))
PAGE = {"first": 100, "limit": 100, "page": 1}


def planned(name: str):
    args = STREAMS_BY_NAME[name].plan_args()
    return plan(args.pop("stream"), load(name), SCHEMA, **args)


@pytest.mark.parametrize("names", [("orders", "order_items"), ("returns", "return_items")])
def test_given_streams_of_one_parent_then_the_union_selects_every_field_of_each_once(names):
    plans = [planned(name) for name in names]
    merged = union(plans)
    assert not validate(SCHEMA, parse(merged.document))
    paths = set(selection_paths(merged.document))
    for made in plans:
        assert set(selection_paths(made.document)) <= paths, made.stream
    assert len(selection_paths(merged.document)) == len(paths), "a field is selected twice"
    costs = [complexity(made.document, SCHEMA, PAGE) for made in plans]
    shared = complexity(merged.document, SCHEMA, PAGE)
    # what both select (the order's dimensions, the return's header) is paid once
    assert max(costs) < shared < sum(costs)


def test_given_one_plan_then_the_union_is_that_plan():
    made = planned("orders")
    assert union([made]) is made


def test_given_different_roots_then_no_union():
    with pytest.raises(UnionError):
        union([planned("orders"), planned("shipments")])


def test_given_one_response_key_for_different_fields_then_no_union():
    made = planned("orders")
    clash = made.__class__(**{**made.__dict__, "stream": "clash", "document": made.document.replace(
        "grandTotalExTax: grandTotal(includingTax: false)", "grandTotalExTax: grandTotal(includingTax: true)")})
    with pytest.raises(UnionError, match="grandTotalExTax"):
        union([made, clash])


def test_given_the_stream_table_then_exactly_the_order_and_return_streams_share_a_parent():
    by_parent: dict = {}
    for spec in STREAMS:
        parent = parent_of(spec, 100)
        if parent is not None:
            by_parent.setdefault(parent, set()).add(spec.name)
    shared = [names for names in by_parent.values() if len(names) > 1]
    assert {"orders", "order_items"} in [names & {"orders", "order_items"} for names in shared]
    assert {"returns", "return_items"} in shared
    assert all(not (names & {"stock", "prices"}) for names in shared)


class _Member:
    def __init__(self, name, slices=()):
        self.name, self.planned_slices = name, list(slices)


T0, T1, T2 = (datetime(2024, 1, d, tzinfo=timezone.utc) for d in (1, 2, 3))


def job(partition, start=T0, resume=None):
    return Job(partition, st.Window(partition, start, T2), resume)


def test_given_equal_jobs_then_placed_once_in_each_members_order():
    order: list = []
    a = _place(order, [job("1", T1, "r"), job("1"), job("2")], "sig")
    b = _place(order, [job("1"), job("2")], "sig")
    assert [entry.job for entry in order] == [job("1", T1, "r"), job("1"), job("2")]
    assert b == a[1:]


def test_given_the_same_jobs_in_another_order_then_the_second_member_waits_a_round():
    order: list = []
    _place(order, [job("1"), job("2")], "sig")
    assert _place(order, [job("2"), job("1")], "sig") is None


def test_given_another_signature_then_equal_jobs_are_not_shared():
    order: list = []
    _place(order, [job("1")], "a")
    _place(order, [job("1")], "b")
    assert len(order) == 2


def test_given_a_member_a_slice_ahead_then_it_waits_until_the_other_asks_for_the_same_job():
    ahead, behind = _Member("ahead"), _Member("behind", [job("1", T1, "r"), job("1", T1), Jobs((job("2"),))])
    tickets = {"ahead": _Ticket([job("1", T1)]), "behind": _Ticket([job("1", T1, "r")])}
    asked = {"behind": {'x'}}
    assert _in_step([ahead, behind], tickets, asked) == [behind]
    tickets["behind"] = _Ticket([job("1", T1)])
    assert _in_step([ahead, behind], tickets, asked) == [ahead, behind]


def test_given_every_member_would_wait_then_all_are_served():
    a, b = _Member("a", [job("2")]), _Member("b", [job("1")])
    tickets = {"a": _Ticket([job("1")]), "b": _Ticket([job("2")])}
    assert _in_step([a, b], tickets, {}) == [a, b]


def test_given_served_jobs_over_one_window_then_they_may_converge():
    first, second = _Served(job("1", resume="a"), "sig"), _Served(job("1", resume="b"), "sig")
    assert first.window_key == second.window_key
    assert _Served(job("1", T1), "sig").window_key != first.window_key


def test_groups_take_selected_streams_with_one_parent_in_catalog_order():
    class Stream:
        def __init__(self, name):
            self.spec, self.name, self.page_size = STREAMS_BY_NAME[name], name, 100

        def read_spec(self):  # as the instance lets it be read (offer.py): here, as declared
            return self.spec
    selected = [Stream(n) for n in ("order_items", "shipments", "orders", "stock", "returns")]
    assert [[s.name for s in g] for g in groups(selected)] == [["order_items", "orders"]]


def test_given_the_pass_itself_fails_then_every_member_still_reading_fails_with_it():
    from source_centra.shared import SharedPass

    class Member:
        def __init__(self, name):
            self.name, self.context, self.shared = name, None, None

    leader, follower = Member("a"), Member("b")
    shared = SharedPass([leader, follower])

    def pipeline(member):
        yield from ()
        if member is leader:
            raise RuntimeError("boom")

    def broken(*_args):
        raise RuntimeError("the reader broke")
        yield

    shared._advance = lambda member, generators, active, complete: iter(())  # both stay "reading"
    shared._tickets = {"a": _Ticket([job("1")]), "b": _Ticket([job("1")])}
    shared._serve = broken
    with pytest.raises(RuntimeError, match="the reader broke"):
        list(shared.run(pipeline, started=lambda m: "STARTED", complete=lambda m: "COMPLETE"))
    with pytest.raises(RuntimeError, match="the reader broke"):
        shared.finish(follower)


def test_given_members_with_restore_facts_then_the_union_carries_each_and_restores_their_answers():
    """A member whose plan aliases a field per type (an instance declaring a shared field differently), fills
    a dropped selection with null or reads a list of one as its value keeps that in a shared pass: the
    union restores every member's answer shape (it kept only the first member's facts before)."""
    from dataclasses import replace

    orders = replace(planned("orders"), renames=(("a__X", "a"),), nulls=("result.edges.node.gone",))
    items = replace(planned("order_items"), renames=(("b__Y", "b"),), singles=("result.edges.node.one",))
    merged = union([orders, items])
    assert set(merged.renames) == {("a__X", "a"), ("b__Y", "b")}
    assert merged.nulls == ("result.edges.node.gone",) and merged.singles == ("result.edges.node.one",)
    answer = {"result": {"edges": [{"node": {"a__X": 1, "b__Y": 2, "one": [3]}}]}}
    assert merged.restore(answer)["result"]["edges"][0]["node"] == {"a": 1, "b": 2, "one": 3, "gone": None}
