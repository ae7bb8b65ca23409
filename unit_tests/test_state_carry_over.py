"""state.carry_over: a stream's partitions change between syncs (the instance gained or lost its
store filter); each new partition starts from what the other layout covered, never later."""
from __future__ import annotations

from source_centra import state as st

JUNE = "2024-06-01T00:00:00+00:00"
MAY = "2024-05-01T00:00:00+00:00"
APRIL = "2024-04-01T00:00:00+00:00"


def shape(partitions: dict) -> dict:
    return {"state_version": 1, "partitions": partitions}


def test_given_instance_wide_cursor_then_store_partitions_start_from_it() -> None:
    """Read instance-wide while the filter was missing; partitioned again after the upgrade."""
    carried = st.carry_over(shape({"all": {"cursor": JUNE}}), ["1", "2"])
    assert carried["partitions"]["1"] == {"cursor": JUNE} and carried["partitions"]["2"] == {"cursor": JUNE}


def test_given_instance_wide_cursor_covering_some_stores_then_only_those_inherit_it() -> None:
    carried = st.carry_over(shape({"all": {"cursor": JUNE, "stores": [1]}}), ["1", "2"])
    assert carried["partitions"]["1"] == {"cursor": JUNE} and "2" not in carried["partitions"]


def test_given_stale_store_cursor_older_than_the_instance_wide_one_then_the_later_wins() -> None:
    carried = st.carry_over(shape({"all": {"cursor": JUNE}, "1": {"cursor": APRIL}, "2": {"cursor": MAY,
                            "window": {"from": APRIL, "to": MAY, "resume": 3}}}), ["1", "2"])
    assert carried["partitions"]["1"]["cursor"] == JUNE
    assert carried["partitions"]["2"]["cursor"] == MAY  # a window being read is finished first


def test_given_store_cursors_then_an_instance_wide_partition_starts_at_the_earliest_and_names_its_stores() -> None:
    """The filter went missing: read instance-wide from the earliest store cursor; a store without one
    is left to the store backfill (slices.store_backfill) from the start date."""
    carried = st.carry_over(shape({"1": {"cursor": JUNE}, "2": {"cursor": MAY}}), ["all"], stores={1, 2, 3})
    assert carried["partitions"]["all"] == {"cursor": MAY, "stores": [1, 2]}


def test_given_nothing_to_carry_then_the_state_is_unchanged() -> None:
    state = shape({"1": {"cursor": JUNE}})
    assert st.carry_over(state, ["1", "2"]) is state
    assert st.carry_over(shape({}), ["all"], stores={1}) == shape({})
    fresh = shape({"all": {"cursor": JUNE}})
    assert st.carry_over(fresh, ["all"], stores={1}) is fresh
