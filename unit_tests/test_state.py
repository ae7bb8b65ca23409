from datetime import datetime, timedelta, timezone

import pytest

from source_centra import state as st
from source_centra.errors import ConfigError

UTC = timezone.utc
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_given_no_state_then_one_window_per_partition_from_start_date():
    windows = st.plan(st.normalise(None, "orders", "updated_at"), ["1", "2"], datetime(2024, 1, 1, tzinfo=UTC),
                      timedelta(days=3), NOW)
    assert [(w.partition, w.start, w.end, w.resume) for w in windows] == [
        ("1", datetime(2024, 1, 1, tzinfo=UTC), NOW, None), ("2", datetime(2024, 1, 1, tzinfo=UTC), NOW, None)]


def test_given_cursor_then_window_starts_lookback_before_it_but_not_before_start_date():
    state = {"state_version": 1, "partitions": {"1": {"cursor": "2026-11-20T00:00:00+00:00"}}}
    [window] = st.plan(state, ["1"], None, timedelta(days=3), NOW)
    assert window.start == datetime(2026, 11, 17, tzinfo=UTC)
    [window] = st.plan(state, ["1"], datetime(2026, 11, 19, tzinfo=UTC), timedelta(days=3), NOW)
    assert window.start == datetime(2026, 11, 19, tzinfo=UTC)


def test_given_unfinished_window_then_it_resumes_first_then_continues_from_its_end():
    state = st.advance(st.normalise(None, "orders", "updated_at"),
                       st.Window("1", datetime(2024, 1, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)), resume="abc")
    first, second = st.plan(state, ["1"], None, timedelta(days=0), NOW)
    assert (first.start, first.end, first.resume) == (datetime(2024, 1, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC), "abc")
    assert (second.start, second.end, second.resume) == (datetime(2026, 11, 1, tzinfo=UTC), NOW, None)


def test_given_window_done_then_cursor_is_window_end_and_window_cleared():
    window = st.Window("3", datetime(2024, 1, 1, tzinfo=UTC), NOW)
    state = st.advance(st.advance(st.normalise(None, "x", "c"), window, resume=2), window, done=True)
    assert state == {"state_version": 1, "partitions": {"3": {"cursor": "2026-11-26T12:00:00+00:00"}}}


def test_given_new_store_then_backfilled_from_start_and_others_untouched():
    state = {"state_version": 1, "partitions": {"1": {"cursor": "2026-11-20T00:00:00+00:00"}}}
    windows = st.plan(state, ["1", "2"], datetime(2024, 1, 1, tzinfo=UTC), timedelta(days=0), NOW)
    assert [(w.partition, w.start) for w in windows] == [("1", datetime(2026, 11, 20, tzinfo=UTC)),
                                                        ("2", datetime(2024, 1, 1, tzinfo=UTC))]


@pytest.mark.parametrize("legacy", [
    {"stores": {"1": {"updated_at": "2024-06-01T10:00:00+02:00"}}},
    {"updated_at": "2024-06-01T08:00:00Z"},
], ids=["v0-per-store", "v0-flat"])
def test_given_previous_version_state_then_read_as_cursor(legacy):
    state = st.normalise(legacy, "orders", "updated_at")
    [window] = st.plan(state, ["1"], None, timedelta(days=0), NOW)
    assert window.start == datetime(2024, 6, 1, 8, tzinfo=UTC)


@pytest.mark.parametrize("foreign", [{"orders": {"foo": 1}}, {"partitions": {"1": {"cursor": "not a date"}}}, ["x"]],
                         ids=["other-connector", "bad-date", "not-an-object"])
def test_given_foreign_state_then_config_error_with_fix(foreign):
    with pytest.raises(ConfigError, match="Reset"):
        st.normalise(foreign, "orders", "updated_at")


def test_given_cursor_in_offset_then_stored_as_utc():
    state = st.normalise({"partitions": {"1": {"cursor": "2024-03-31T03:30:00+02:00"}}}, "orders", "updated_at")
    assert state["partitions"]["1"]["cursor"] == "2024-03-31T01:30:00+00:00"
