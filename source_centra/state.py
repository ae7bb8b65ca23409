"""Incremental state: its shape, and pure functions to read, plan windows from, and advance it.

State of one stream (JSON, backwards compatible; `state_version` says which shape):

    {"state_version": 1,
     "partitions": {
        "1": {"cursor": "2024-06-01T08:00:00+00:00"},
        "3": {"cursor": "2024-05-01T00:00:00+00:00",
              "window": {"from": "2024-04-28T00:00:00+00:00", "to": "2024-06-01T08:00:00+00:00",
                         "resume": "bnVtYmVyOjE2Ng=="}}}}

A partition is a store id ("1") or "all" for streams Centra cannot filter by store. `cursor` is
the end of the last fully read window: everything with a cursor value up to it has been emitted.
`window` is a window being read; `resume` is the opaque connection cursor (or next page number)
after the last page whose records were all emitted. Streams Centra cannot filter by store
(payment_history) read one "all" partition and keep the configured stores' records; there,
`"stores": [1, 2]` says which stores the cursor covers (absent: all), so a store added later is
backfilled from the start date. Windows are closed at the sync's start and
read with inclusive bounds; each sync starts the next window `lookback` before `cursor`, so late
writes and rows updated while an earlier sync was paging are caught; primary keys dedupe.
Version 0 (before 0.1.0: `{"stores": {"1": {"<cursor field>": "..."}}}` or a flat
`{"<cursor field>": "..."}`) is read as cursors per partition.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from source_centra.errors import ConfigError

STATE_VERSION = 1
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)  # before any Centra data


@dataclass(frozen=True)
class Window:
    partition: str
    start: datetime
    end: datetime
    resume: Any = None

    def as_slice(self) -> dict:
        return {"partition": self.partition, "from": iso(self.start), "to": iso(self.end), "resume": self.resume}

    @classmethod
    def from_slice(cls, stream_slice: Mapping) -> "Window":
        return cls(str(stream_slice["partition"]), parse_time(stream_slice["from"]), parse_time(stream_slice["to"]),
                   stream_slice.get("resume"))


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="seconds")


def parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def normalise(raw: Mapping[str, Any] | None, stream: str, cursor_field: str | None) -> dict:
    """Any accepted state shape → version 1. Raises ConfigError for state this connector never wrote."""
    if not raw:
        return {"state_version": STATE_VERSION, "partitions": {}}
    if not isinstance(raw, Mapping):
        raise _foreign(stream, raw)
    try:
        if "partitions" in raw:
            partitions = {}
            for key, value in dict(raw["partitions"]).items():
                entry: dict[str, Any] = {}
                if value.get("cursor") is not None:
                    entry["cursor"] = iso(parse_time(value["cursor"]))
                if value.get("stores") is not None:
                    entry["stores"] = sorted(int(store) for store in value["stores"])
                if value.get("window"):
                    window = value["window"]
                    entry["window"] = {"from": iso(parse_time(window["from"])), "to": iso(parse_time(window["to"])),
                                       "resume": window.get("resume")}
                partitions[str(key)] = entry
            return {"state_version": STATE_VERSION, "partitions": partitions}
        if "stores" in raw and isinstance(raw["stores"], Mapping):  # version 0, per store
            return {"state_version": STATE_VERSION, "partitions": {
                str(key): {"cursor": iso(parse_time(_legacy_cursor(value, cursor_field)))} for key, value in raw["stores"].items()}}
        if cursor_field and cursor_field in raw:  # version 0, one cursor for all partitions
            return {"state_version": STATE_VERSION, "partitions": {"*": {"cursor": iso(parse_time(raw[cursor_field]))}}}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise _foreign(stream, raw, error) from None
    raise _foreign(stream, raw)


def _legacy_cursor(value: Any, cursor_field: str | None) -> Any:
    if isinstance(value, Mapping):
        return value.get(cursor_field) or value.get("cursor")
    return value


def _foreign(stream: str, raw: Any, error: Exception | None = None) -> ConfigError:
    shown = str(raw)[:200]
    return ConfigError(
        f"The saved state of stream '{stream}' was not written by this Centra connector and cannot be read "
        f"({shown}). Reset (clear) the stream's data in Airbyte so it syncs from the start date, or restore the "
        f"state the connector last emitted.")


def plan(state: dict, partitions: Iterable[str], start: datetime | None, lookback: timedelta, sync_start: datetime) -> list[Window]:
    """The windows to read this sync, per partition: an unfinished window first, then the new one."""
    windows: list[Window] = []
    floor = start or EPOCH
    for partition in partitions:
        entry = state["partitions"].get(partition) or state["partitions"].get("*") or {}
        cursor = parse_time(entry["cursor"]) if entry.get("cursor") else None
        unfinished = entry.get("window")
        if unfinished and partition in state["partitions"]:
            end = parse_time(unfinished["to"])
            windows.append(Window(partition, parse_time(unfinished["from"]), end, unfinished.get("resume")))
            cursor = end
        begin = max(floor, cursor - lookback) if cursor else floor
        if begin <= sync_start:
            windows.append(Window(partition, begin, sync_start))
    return windows


def advance(state: dict, window: Window, resume: Any = None, done: bool = False) -> dict:
    """State after the pages up to `resume` of `window` were emitted (or the whole window if done)."""
    partitions = dict(state["partitions"])
    entry = dict(partitions.get(window.partition) or partitions.get("*") or {})
    if done:
        entry.pop("window", None)
        previous = parse_time(entry["cursor"]) if entry.get("cursor") else None
        entry["cursor"] = iso(max(window.end, previous) if previous else window.end)
    else:
        entry["window"] = {"from": iso(window.start), "to": iso(window.end), "resume": resume}
    partitions[window.partition] = entry
    return {"state_version": STATE_VERSION, "partitions": partitions}


def expand_legacy(state: dict, partitions: Iterable[str]) -> dict:
    """Give each current partition its own copy of a version-0 flat cursor ("*") and drop "*", so a
    store added later starts from the start date instead of inheriting the old flat cursor."""
    if "*" not in state["partitions"]:
        return state
    flat = state["partitions"]["*"]
    expanded = {key: value for key, value in state["partitions"].items() if key != "*"}
    for partition in partitions:
        expanded.setdefault(partition, dict(flat))
    return {"state_version": STATE_VERSION, "partitions": expanded}


def carry_over(state: dict, partitions: Iterable[str], stores: Iterable[int] | None = None) -> dict:
    """When a stream's partitions change between syncs (an instance gains or loses the store filter,
    or the token starts or stops listing stores), each partition without an entry starts from what
    the other layout already covered, so nothing is re-read needlessly and nothing is skipped:

    - a store partition inherits the ``"all"`` cursor when ``"all"`` covered that store (its
      ``"stores"`` absent or naming it), or keeps its own cursor if that is later;
    - an ``"all"`` partition (``stores``: the stores it must cover) starts from the earliest cursor
      those stores reached, and records which of them that covers; the others are backfilled from
      the start date (``"stores"``, see ``slices.store_backfill``).
    """
    partitions = list(partitions)
    entries = dict(state["partitions"])
    whole = entries.get("all") or {}

    def covered_by_all(store: str) -> datetime | None:
        if not whole.get("cursor"):
            return None
        if whole.get("stores") is not None and int(store) not in whole["stores"]:
            return None
        return parse_time(whole["cursor"])

    changed = False
    if partitions == ["all"]:
        if "all" in entries or stores is None:
            return state
        reached = {}
        for store in stores:
            own = entries.get(str(store)) or {}
            if own.get("cursor"):
                reached[int(store)] = parse_time(own["cursor"])
        if reached:
            entries["all"] = {"cursor": iso(min(reached.values())), "stores": sorted(reached)}
            changed = True
    else:
        for partition in partitions:
            if partition == "all" or not partition.isdigit():
                continue
            inherited = covered_by_all(partition)
            if inherited is None:
                continue
            own = dict(entries.get(partition) or {})
            if own.get("window"):
                continue  # a window being read: finish it first
            if not own.get("cursor") or parse_time(own["cursor"]) < inherited:
                own["cursor"] = iso(inherited)
                entries[partition] = own
                changed = True
    if not changed:
        return state
    return {"state_version": STATE_VERSION, "partitions": entries}


def cover_stores(state: dict, partition: str, stores: Iterable[int] | None = None, added: Iterable[int] | None = None) -> dict:
    """Record which stores a store-filtered partition's cursor covers: `stores` after a normal
    window (None = all stores), or `added` ones after their backfill window."""
    partitions = dict(state["partitions"])
    entry = dict(partitions.get(partition) or {})
    if added is not None:
        if entry.get("stores") is not None:
            entry["stores"] = sorted(set(entry["stores"]) | {int(store) for store in added})
    elif stores:
        entry["stores"] = sorted(int(store) for store in stores)
    else:
        entry.pop("stores", None)
    partitions[partition] = entry
    return {"state_version": STATE_VERSION, "partitions": partitions}
