"""What a stream reads in one sync, as typed slices, planned by pure functions from state and config.

Slice kinds (each a frozen dataclass the CDK can also treat as a mapping):

- ``Job``: pages of one partition's window (incremental) or of a whole list (full refresh), from an
  optional resume token; ``only_stores`` marks a store backfill window (stores added to
  ``store_ids`` of a stream read as one partition), ``extra_where`` narrows the filter (the returns
  of some orders).
- ``Jobs``: several partitions' jobs read concurrently, one worker per store (reader.py).
- ``UpdatedOrders``: the returns of orders updated in a span (returns have no updatedAt).
- ``Snapshot``: one page of a snapshot stream read parent by parent (stock per warehouse, prices per
  pricelist); the position lives in the stream's state, so a restart re-reads at most one page.

State shapes are in state.py; the windows' rules (lookbacks, half-open at the sync start) there too.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, Iterator

from source_centra import state as st
from source_centra.streams import StreamSpec


class _SliceMapping(Mapping):
    """The CDK logs and passes slices as mappings; ours are typed dataclasses that also are one."""

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys():
            raise KeyError(key)
        value = getattr(self, key)
        return st.iso(value) if isinstance(value, datetime) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def _keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Job(_SliceMapping):
    partition: str  # a store id, or "all"
    window: st.Window | None = None  # None: a full-refresh list
    resume: Any = None  # connection cursor, page number or time-paging token to continue from
    only_stores: frozenset[int] | None = None  # a store backfill window: keep only these stores' records
    extra_where: Mapping[str, Any] | None = None  # e.g. {"orderId": [...]}: the returns of some orders

    @property
    def backfill(self) -> bool:
        return self.only_stores is not None


@dataclass(frozen=True)
class Jobs(_SliceMapping):
    jobs: tuple[Job, ...]


@dataclass(frozen=True)
class UpdatedOrders(_SliceMapping):
    partition: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Snapshot(_SliceMapping):
    """Marker slice of a snapshot stream: the position to read comes from the stream's state."""
    position: Mapping[str, Any]


def plan_incremental(spec: StreamSpec, state: dict, partitions: list[str], *, start_date: datetime | None,
                     lookback: timedelta, updates_lookback: timedelta, sync_start: datetime,
                     configured_stores: set[int] | None, concurrency: int) -> list[_SliceMapping]:
    """The slices of an incremental sync, in reading order: store backfills and the returns of updated
    orders first (the cursor moves only after them), then every partition's windows."""
    slices: list[_SliceMapping] = []
    if spec.stores_from_records and configured_stores is not None:
        slices += store_backfill(state, configured_stores, start_date)
    if spec.reread_returns_of_updated_orders:
        slices += updated_orders(state, partitions, updates_lookback, sync_start)
    windows = [Job(w.partition, st.Window(w.partition, w.start, w.end), w.resume)
               for w in st.plan(state, partitions, start_date, lookback, sync_start)]
    if concurrency > 1 and len({job.partition for job in windows}) > 1:
        return slices + [Jobs(tuple(windows))]
    return slices + windows


def plan_full_refresh(spec: StreamSpec, state_shape: dict, partitions: list[str], *, start_date: datetime | None,
                      sync_start: datetime, concurrency: int) -> list[_SliceMapping]:
    """A full refresh: one window per partition from the start date for cursor streams, else lists."""
    if spec.cursor_field:
        windows = [Job(w.partition, st.Window(w.partition, w.start, w.end))
                   for w in st.plan(state_shape, partitions, start_date, timedelta(0), sync_start)]
    else:
        windows = [Job(partition) for partition in partitions]
    if concurrency > 1 and len(windows) > 1:
        return [Jobs(tuple(windows))]
    return list(windows)


def store_backfill(state: dict, wanted: set[int], start_date: datetime | None) -> list[Job]:
    """For a stream read as one partition: a window [start date, cursor] keeping only the stores
    added to the configuration since the cursor was written (their history before it was filtered
    out then)."""
    entry = state["partitions"].get("all") or {}
    if not entry.get("cursor") or entry.get("stores") is None:
        return []
    added = frozenset(sorted(wanted - set(entry["stores"])))
    if not added:
        return []
    window = st.Window("all", start_date or st.EPOCH, st.parse_time(entry["cursor"]))
    return [Job("all", window, None, only_stores=added)]


def updated_orders(state: dict, partitions: list[str], lookback: timedelta, sync_start: datetime) -> list[UpdatedOrders]:
    """Returns have no updatedAt: besides re-reading ``returns_lookback_days`` of createdAt, re-read
    the returns of orders updated since the cursor (less the updates lookback) — completing or
    changing a return updates its order."""
    out = []
    for partition in partitions:
        entry = state["partitions"].get(partition) or {}
        if entry.get("cursor") and st.parse_time(entry["cursor"]) < sync_start:  # at the sync's start: nothing new
            out.append(UpdatedOrders(partition, st.parse_time(entry["cursor"]) - lookback, sync_start))
    return out


def from_mapping(value: Mapping[str, Any] | None) -> _SliceMapping:
    """A slice back from the CDK (it passes ours through unchanged; a bare mapping means a full list)."""
    if isinstance(value, _SliceMapping):
        return value
    return Job("all")
