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

State from elsewhere is checked before use, and every refusal says how to reset the stream: a
`state_version` this version does not know, a cursor or window that is not a timestamp, a resume
point of a shape no paging kind writes. A cursor before 2000 reads as 2000 (nothing in Centra is
older). A cursor later than the sync's start (a clock that ran ahead, an edited state) is clamped to
the sync's start with a warning (`clamp_future`), never kept: kept, it would skip every row updated
until then. That sync reads nothing new for it; the next one reads from it, less the lookback.
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
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError(f"not a timestamp: {str(value)[:40]!r}")
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
    version = raw.get("state_version", STATE_VERSION)
    if "state_version" in raw and (isinstance(version, bool) or version != STATE_VERSION):
        raise ConfigError(
            f"The saved state of stream '{stream}' has state_version {str(version)[:20]!r}; this connector version "
            f"writes and reads state_version {STATE_VERSION}. If a newer connector version wrote it, upgrade the "
            f"connector again; otherwise {RESET_HINT}")
    try:
        if "partitions" in raw:
            partitions = {}
            for key, value in dict(raw["partitions"]).items():
                entry: dict[str, Any] = {}
                if value.get("cursor") is not None:
                    entry["cursor"] = iso(max(parse_time(value["cursor"]), EPOCH))
                if value.get("stores") is not None:
                    entry["stores"] = sorted(_store_id(store) for store in value["stores"])
                if value.get("window"):
                    window = value["window"]
                    if parse_time(window["from"]) > parse_time(window["to"]):
                        raise ValueError("a window that ends before it starts")
                    entry["window"] = {"from": iso(max(parse_time(window["from"]), EPOCH)),
                                       "to": iso(max(parse_time(window["to"]), EPOCH)),
                                       "resume": _resume(window.get("resume"), stream, key)}
                partitions[_partition(key)] = entry
            return {"state_version": STATE_VERSION, "partitions": partitions}
        if "stores" in raw and isinstance(raw["stores"], Mapping):  # version 0, per store
            return {"state_version": STATE_VERSION, "partitions": {
                _partition(key): {"cursor": iso(max(parse_time(_legacy_cursor(value, cursor_field)), EPOCH))}
                for key, value in raw["stores"].items()}}
        if cursor_field and cursor_field in raw:  # version 0, one cursor for all partitions
            return {"state_version": STATE_VERSION, "partitions": {"*": {"cursor": iso(max(parse_time(raw[cursor_field]), EPOCH))}}}
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
        raise _foreign(stream, raw, error) from None
    raise _foreign(stream, raw)


RESET_HINT = ("reset (clear) the stream's data in Airbyte (Connection → Settings → Clear data) so it syncs from the "
              "start date, or restore the state the connector last emitted.")
MAX_RESUME_LENGTH = 4096


def _partition(key: Any) -> str:
    """A partition key: a store id, "all", or "*" (version 0)."""
    text = str(key)
    if text in ("all", "*") or (text.isdigit() and 0 < int(text) < 2**31):
        return text
    raise ValueError(f"not a partition: {text[:40]!r}")


def _store_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("not a store id")
    number = int(value)
    if not 0 < number < 2**31:
        raise ValueError("not a store id")
    return number


def _resume(value: Any, stream: str, partition: Any) -> Any:
    """A window's resume point as one of the paging kinds writes it (paging.py): a connection cursor (a
    string), a page number, or a time-paging token ``{"from", "page", "seen"}``."""
    if value is None:
        return None
    fine = False
    if isinstance(value, int) and not isinstance(value, bool):
        fine = 0 < value < 2**31
    elif isinstance(value, str):
        fine = 0 < len(value) <= MAX_RESUME_LENGTH and all(0x21 <= ord(c) <= 0x7E for c in value)
    elif isinstance(value, Mapping) and set(value) <= {"from", "page", "seen"} and "from" in value:
        try:
            parse_time(value["from"])
            page = value.get("page", 1)
            seen = value.get("seen") or []
            fine = (isinstance(page, int) and not isinstance(page, bool) and 0 < page < 2**31 and isinstance(seen, list)
                    and all(isinstance(item, (int, str)) and not isinstance(item, bool) for item in seen))
        except (TypeError, ValueError, OverflowError):
            fine = False
    if fine:
        return value
    raise ConfigError(
        f"The saved state of stream '{stream}' (partition {str(partition)[:20]}) has a resume point this connector "
        f"never writes ({str(value)[:80]!r}), so it cannot continue that window. To read it again, "
        + RESET_HINT)


def bad_resume(stream: str, partition: str, error: Exception) -> ConfigError:
    """Centra refused the page a saved resume point asked for: say so, and how to reset."""
    said = getattr(error, "message", None) or type(error).__name__
    return ConfigError(
        f"Stream '{stream}' (partition {partition}) could not continue from the resume point saved in its state: "
        f"{said} If the state was edited, copied from another connection or is very old, {RESET_HINT}")


def clamp_future(state: dict, sync_start: datetime) -> tuple[dict, list[str]]:
    """State with every cursor and window end later than ``sync_start`` set to ``sync_start``, and one
    warning per partition that had one (a cursor is a promise that everything up to it was read: one
    in the future would skip every row updated until then, for good). A cursor at the sync's start
    reads nothing new in this sync (``plan``), as Airbyte expects of a state with abnormally large
    values; the next sync reads from it, less the lookback."""
    partitions: dict[str, Any] = {}
    warnings: list[str] = []
    for key, entry in state["partitions"].items():
        entry = dict(entry)
        late = []
        if entry.get("cursor") and parse_time(entry["cursor"]) > sync_start:
            late.append(entry["cursor"])
            entry["cursor"] = iso(sync_start)
        window = entry.get("window")
        if window and parse_time(window["to"]) > sync_start:
            late.append(window["to"])
            start = min(parse_time(window["from"]), sync_start)
            entry["window"] = {"from": iso(start), "to": iso(sync_start), "resume": None}
        if late:
            warnings.append(f"partition {key}: saved position {max(late)} is later than this sync's start "
                            f"{iso(sync_start)}; read as {iso(sync_start)}")
        partitions[key] = entry
    return {**state, "partitions": partitions}, warnings


def normalise_snapshot(raw: Any, stream: str) -> dict:
    """A snapshot stream's position ``{"synced_at", "parent", "page"}`` (or {} to start over)."""
    if not raw:
        return {}
    try:
        if not isinstance(raw, Mapping):
            raise ValueError("not an object")
        parent, page = raw.get("parent"), raw.get("page", 1)
        if parent is not None:
            _store_id(parent)  # a parent id: a positive whole number
        if isinstance(page, bool) or not isinstance(page, int) or not 0 < page < 2**31:
            raise ValueError("not a page")
        synced_at = iso(parse_time(raw["synced_at"]))
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
        raise _foreign(stream, raw, error) from None
    return {"synced_at": synced_at, "parent": None if parent is None else str(parent), "page": page}


def _legacy_cursor(value: Any, cursor_field: str | None) -> Any:
    if isinstance(value, Mapping):
        return value.get(cursor_field) or value.get("cursor")
    return value


def _foreign(stream: str, raw: Any, error: Exception | None = None) -> ConfigError:
    shown = str(raw)[:200]
    return ConfigError(
        f"The saved state of stream '{stream}' was not written by this Centra connector and cannot be read "
        f"({shown}). Reset (clear) the stream's data in Airbyte (Connection → Settings → Clear data) so it syncs "
        f"from the start date, or restore the state the connector last emitted.")


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
        if begin <= sync_start and not (cursor and cursor >= sync_start):  # at the sync's start: nothing new yet
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
