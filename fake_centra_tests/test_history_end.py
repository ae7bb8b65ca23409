"""``serve --history-end``: the history the API shows is moved by whole days (the demo's ends at the end
of yesterday, so orders created now continue it); filters take the moved calendar; the data inside keep
their generated times."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import pytest
from fake_client import Client

from fake_centra import clock
from fake_centra.scalars import parse_datetime_input

ORDERS = "query($where: OrderFilter) { orders(where: $where, limit: 500, page: 1) { id updatedAt createdAt orderDate } }"


@pytest.fixture
def shifted():
    """Yields a function that moves the calendar; the shift is undone after the test (it is per process)."""
    yield clock.set_history_end
    clock.set_history_end(None)


def api_time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def test_given_history_end_then_every_time_moves_by_whole_days_and_filters_follow(big: Client, shifted) -> None:
    before = {o["id"]: o for o in big.data(ORDERS)["orders"]}
    days = shifted(date(2026, 3, 10))
    assert days == (date(2026, 3, 10) - date(2025, 12, 31)).days
    after = {o["id"]: o for o in big.data(ORDERS)["orders"]}
    assert after.keys() == before.keys()
    for order_id, order in after.items():
        for field in ("updatedAt", "createdAt", "orderDate"):
            assert api_time(order[field]) - api_time(before[order_id][field]) == timedelta(days=days)
    assert max(api_time(o["updatedAt"]) for o in after.values()) <= datetime(2026, 3, 11, tzinfo=timezone.utc)
    # a window of the moved calendar selects what the same window did before the move
    cut = sorted(api_time(o["updatedAt"]) for o in before.values())[len(before) // 2]
    window = {"updatedAt": {"from": (cut + timedelta(days=days)).isoformat()}}
    assert {o["id"] for o in big.data(ORDERS, {"where": window})["orders"]} == {
        i for i, o in before.items() if api_time(o["updatedAt"]) >= cut}


def test_given_history_to_today_then_a_new_order_is_the_newest_and_dated_now(big: Client, shifted) -> None:
    shifted(clock.parse_history_end("today"))
    newest = max(api_time(o["updatedAt"]) for o in big.data(ORDERS)["orders"])
    now = datetime.now(timezone.utc)
    assert now - timedelta(days=2) < newest < now.replace(hour=0, minute=0, second=0, microsecond=0)
    created = big.fake.data.create_order()
    (order,) = [o for o in big.data(ORDERS)["orders"] if o["id"] == created]
    assert abs(api_time(order["updatedAt"]).timestamp() - time.time()) < 120


def test_given_no_history_end_then_the_generated_calendar_and_input_parsing_are_untouched(shifted) -> None:
    shifted(None)
    assert clock.shift_seconds() == 0 and clock.parse_history_end("generated") is None
    assert parse_datetime_input("2025-06-01T10:00:00+02:00") == datetime(2025, 6, 1, 8, tzinfo=timezone.utc)
