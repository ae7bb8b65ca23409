"""Scenario 4 — ties: 3,000 orders share ONE updatedAt second. Read with page_size 50 (tens of page
boundaries inside the tie), one sync killed mid-tie and resumed from its state, then 1,000 of them (50
with a real change) and 5 new orders written at exactly the second the last window closed, and an
incremental sync with lookback 0: every order and line arrives, at its latest version; none is lost."""
from integration_tests import scenarios
from integration_tests.expected import record_keys, utc


def test_given_thousands_of_orders_in_one_second_then_none_lost_across_pages_and_syncs(fake_centra_factory):
    outcome = scenarios.ties(fake_centra_factory, orders=3000)
    killed, resumed, incremental = outcome.runs
    fake = outcome.fake

    assert len({o["updated_at"] for o in fake.data.orders()}) == 2  # the tie, and the second the window closed
    assert killed.records["order_items"], "the first run was killed before it emitted anything"
    assert killed.last_state_messages(), "the first run was killed before its first checkpoint"
    outcome.comparison.assert_exact()
    # the killed run and its resumption: nothing emitted twice beyond the pages around the kill
    first_pass = record_keys(killed.records["order_items"] + resumed.records["order_items"], "order_items")
    max_lines = max(len(o["lines"]) for o in fake.data.orders())
    assert len(first_pass) - len(set(first_pass)) <= 50 * 3 * max_lines
    # the incremental sync brought exactly the orders written in the closing second: the tie at the
    # window's end is read again (inclusive bounds), nothing older
    assert {r["id"] for r in incremental.records["orders"]} == outcome.extra["again"]
    closed = utc(outcome.extra["closed_at"])
    assert {r["updated_at"] for r in incremental.records["orders"]} == {closed}
