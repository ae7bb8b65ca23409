"""State from elsewhere never makes a sync skip data (issue 18 cases 6, 9, 11): an unknown state_version, a
resume point no paging kind writes and a snapshot position that is not one are refused with a reset hint;
a cursor later than the sync's start is clamped to it (with a warning), never kept."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from source_centra import state as st
from source_centra.errors import ConfigError

UTC = timezone.utc
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def v1(partitions: dict, version=1) -> dict:
    return {"state_version": version, "partitions": partitions}


@pytest.mark.parametrize("version", [99, 2, 0, "1", None, True, 1.5], ids=["99", "2", "0", "str", "null", "true", "float"])
def test_given_unknown_state_version_then_config_error_saying_how_to_reset(version):
    with pytest.raises(ConfigError) as error:
        st.normalise(v1({}, version), "orders", "updated_at")
    assert "state_version" in error.value.message and "Clear data" in error.value.message


@pytest.mark.parametrize("resume", ["has space", "", "x" * 5000, "é", True, -1, 0, 2**40, 1.5, [1], {"page": 2},
                                    {"from": "nope"}, {"from": "2024-01-01T00:00:00Z", "page": "2"},
                                    {"from": "2024-01-01T00:00:00Z", "seen": "abc"}, {"from": "2024-01-01", "x": 1}],
                         ids=["space", "empty", "long", "non-ascii", "bool", "neg", "zero", "huge", "float", "list",
                              "no-from", "bad-from", "str-page", "str-seen", "extra-key"])
def test_given_resume_point_no_paging_writes_then_config_error_naming_stream_and_reset(resume):
    state = v1({"1": {"cursor": "2024-01-01T00:00:00+00:00",
                      "window": {"from": "2024-01-01T00:00:00+00:00", "to": "2024-02-01T00:00:00+00:00", "resume": resume}}})
    with pytest.raises(ConfigError) as error:
        st.normalise(state, "orders", "updated_at")
    assert "'orders'" in error.value.message and "resume point" in error.value.message
    assert "Clear data" in error.value.message


@pytest.mark.parametrize("resume", [None, "bnVtYmVyOjE2Ng==", 7, {"from": "2024-01-01T00:00:00+00:00", "page": 2, "seen": [1, "2"]}])
def test_given_resume_points_the_paging_kinds_write_then_kept(resume):
    state = v1({"1": {"window": {"from": "2024-01-01T00:00:00+00:00", "to": "2024-02-01T00:00:00+00:00", "resume": resume}}})
    assert st.normalise(state, "orders", "updated_at")["partitions"]["1"]["window"]["resume"] == resume


def test_given_cursor_in_2099_then_clamped_to_sync_start_with_a_warning_and_never_kept():
    state = st.normalise(v1({"1": {"cursor": "2099-01-01T00:00:00+00:00"}, "2": {"cursor": "2026-11-20T00:00:00+00:00"}}),
                         "orders", "updated_at")
    clamped, warnings = st.clamp_future(state, NOW)
    assert clamped["partitions"]["1"]["cursor"] == st.iso(NOW)
    assert clamped["partitions"]["2"] == state["partitions"]["2"]
    assert len(warnings) == 1 and "2099-01-01" in warnings[0] and "partition 1" in warnings[0]
    # this sync reads nothing new for it (Airbyte's abnormal-state convention: no records) ...
    assert [w.partition for w in st.plan(clamped, ["1", "2"], None, timedelta(days=3), NOW)] == ["2"]
    # ... and the next one reads from the clamped cursor less the lookback: the 2099 value is gone for good
    later = NOW + timedelta(hours=1)
    [window] = st.plan(clamped, ["1"], None, timedelta(days=3), later)
    assert (window.start, window.end) == (NOW - timedelta(days=3), later)
    assert st.advance(clamped, window, done=True)["partitions"]["1"]["cursor"] == st.iso(later)


def test_given_unfinished_window_ending_in_the_future_then_read_again_to_sync_start_from_its_start():
    state = st.normalise(v1({"1": {"cursor": "2026-11-01T00:00:00+00:00", "window": {
        "from": "2026-11-01T00:00:00+00:00", "to": "2099-01-01T00:00:00+00:00", "resume": "abc"}}}), "orders", "updated_at")
    clamped, warnings = st.clamp_future(state, NOW)
    assert clamped["partitions"]["1"]["window"] == {"from": "2026-11-01T00:00:00+00:00", "to": st.iso(NOW), "resume": None}
    assert warnings


@pytest.mark.parametrize("cursor", ["0001-01-01T00:00:00+00:00", "1970-01-01T00:00:00Z"])
def test_given_cursor_before_any_centra_data_then_read_as_2000_and_lookback_stays_in_range(cursor):
    state = st.normalise(v1({"1": {"cursor": cursor}}), "orders", "updated_at")
    [window] = st.plan(state, ["1"], None, timedelta(days=90), NOW)
    assert window.start == st.EPOCH


@pytest.mark.parametrize("raw", [
    v1({"1": {"cursor": "9999-12-31T23:59:59-23:59"}}), v1({"1": {"cursor": 1700000000}}), v1({"abc": {}}),
    v1({"-1": {}}), v1({"1": {"stores": ["x"]}}), v1({"1": {"stores": [True]}}), v1({"1": "2024-01-01"}),
    v1([1, 2]), {"partitions": None}, "text",
], ids=["overflow", "epoch-number", "partition-name", "partition-negative", "stores-text", "stores-bool",
        "entry-string", "partitions-list", "partitions-null", "string"])
def test_given_state_this_connector_never_wrote_then_config_error_not_a_crash(raw):
    with pytest.raises(ConfigError, match="Clear data|state_version"):
        st.normalise(raw, "orders", "updated_at")


@pytest.mark.parametrize("raw", [{"synced_at": "2026-01-01T00:00:00+00:00", "parent": "abc", "page": 1},
                                 {"synced_at": "2026-01-01T00:00:00+00:00", "parent": "1", "page": "x"},
                                 {"synced_at": "2026-01-01T00:00:00+00:00", "parent": "1", "page": 0},
                                 {"synced_at": "yesterday", "parent": "1", "page": 1}, {"page": 1}, ["x"]],
                         ids=["parent", "page-text", "page-zero", "synced-at", "no-synced-at", "list"])
def test_given_snapshot_position_never_written_then_config_error(raw):
    with pytest.raises(ConfigError, match="Clear data"):
        st.normalise_snapshot(raw, "stock")


def test_given_snapshot_position_written_then_kept():
    raw = {"synced_at": "2026-01-01T00:00:00+00:00", "parent": 3, "page": 4}
    assert st.normalise_snapshot(raw, "stock") == {"synced_at": "2026-01-01T00:00:00+00:00", "parent": "3", "page": 4}
