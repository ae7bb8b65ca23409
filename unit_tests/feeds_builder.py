"""Builds ``source_centra/queries/feeds.json``: for every selection of every stream document, the
record fields that become null when an instance cannot answer it.

Derived from behaviour, not kept by hand: each selection path is deleted from the stream's fixture
nodes (``fixtures/nodes/<stream>.json``) and the stream's record function is run again; record fields
that were filled and are now null (or missing) are what the selection feeds. A deletion that makes
the record function fail feeds ``"*"`` (the record cannot be built without it). The planner (``plan.py``) reads the
map to name those fields in its warnings and failures; ``test_feeds.py`` checks that it is current
(``UPDATE_FEEDS=1`` rewrites it) and that ``@required`` markers match the contract.

Nested streams (``stock``, ``prices``): a fixture node is one child item with its parent under
``_parent``, which ``extras_for`` passes as ``extras["parent"]``; the parent's selections are keyed
``_parent.<path>`` (``documents.feeds_key``).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Iterator

from graphql import build_schema, is_abstract_type

from source_centra import documents, queries
from source_centra.streams import STREAMS, Paging
from source_centra.streams import STREAMS_BY_NAME as _BY_NAME

RECORD_FUNCTIONS = {name: spec.to_records for name, spec in _BY_NAME.items()}

ROOT = Path(__file__).parents[1]
NODES = Path(__file__).parent / "fixtures" / "nodes"
FEEDS = ROOT / "source_centra" / "queries" / "feeds.json"
EXTRAS = {"base_currency": "EUR"}  # what SyncContext.base_currency() passes; the fixtures' base is EUR
PARTITION_STORE = {"id": 999, "name": "Partition store", "type": "DIRECT_TO_CONSUMER"}
SYNCED_AT = "2024-06-03T04:00:00+00:00"  # when the fixtures' snapshots were read


def possible_types() -> dict[str, set[str]]:
    schema = build_schema((ROOT / "fake_centra" / "schema.graphql").read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}
    for name, type_ in schema.type_map.items():
        if is_abstract_type(type_):
            out[name] = {t.name for t in schema.get_possible_types(type_)}
    return out


def extras_for(stream: str, node: dict | None = None, *, store: dict | None = PARTITION_STORE) -> dict[str, Any]:
    """What the stream machinery passes a record function beside ``node``: ``base_currency``; the store
    partition (``store``) for streams read per store; for nested streams the parent, a fixture node's
    ``_parent``; for snapshots ``synced_at``. The one place tests build extras for fixture nodes."""
    spec = _BY_NAME[stream]
    extras: dict[str, Any] = dict(EXTRAS)
    if spec.by_store and store is not None:
        extras["store"] = store
    if spec.paging is Paging.NESTED:
        extras["parent"] = (node or {}).get(documents.PARENT)
    if spec.snapshot:
        extras["synced_at"] = SYNCED_AT
    return extras


def records_of(stream: str, node: dict, **options: Any) -> list[dict]:
    """The records of one fixture node, with the extras ``extras_for`` gives it."""
    return list(RECORD_FUNCTIONS[stream](node, extras_for(stream, node, **options)))


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for item in value:
            yield from flatten(item, f"{prefix}[]")
    else:
        yield prefix, value


def filled(record: dict) -> set[str]:
    return {path for path, value in flatten(record) if value is not None and value != []}


def lost_fields(stream: str, nodes: list, changed: list) -> set[str]:
    """Fields filled in some record of ``nodes`` and null in the same record of ``changed``."""
    lost: set[str] = set()
    for before, after in zip(nodes, changed):
        old = [filled(r) for r in records_of(stream, before)]
        new = [filled(r) for r in records_of(stream, after)]
        for index, fields in enumerate(old):
            lost |= fields - (new[index] if index < len(new) else set())
    return lost


def delete(node: Any, steps: list[str], types: dict[str, set[str]], null: bool = False) -> None:
    """Remove (or, with ``null``, set to null) the value at ``steps`` wherever it occurs."""
    if isinstance(node, list):
        for item in node:
            delete(item, steps, types, null)
        return
    if not isinstance(node, dict) or not steps:
        return
    step, rest = steps[0], steps[1:]
    if step.startswith("on:"):
        condition = step[3:]
        if node.get("__typename") not in types.get(condition, {condition}):
            return
        delete(node, rest, types, null)
        return
    if not rest:
        if step in node:
            if null:
                node[step] = None
            else:
                del node[step]
        return
    delete(node.get(step), rest, types, null)


def fragment_children(paths: list[str], fragment: str) -> list[str]:
    depth = fragment.count(".") + 1
    return [p for p in paths if p.startswith(fragment + ".") and p.count(".") == depth]


def build() -> dict[str, dict[str, list[str]]]:
    types = possible_types()
    table: dict[str, dict[str, list[str]]] = {}
    for spec in STREAMS:
        document = queries.load(spec.query)
        node_path = documents.node_prefix(document)
        prefix = node_path + "."
        nested = spec.paging is Paging.NESTED
        paths = [p for p in documents.selection_paths(document)
                 if p.startswith(prefix) or (nested and p.startswith("result.") and p != node_path)]
        nodes = list(json.loads((NODES / f"{spec.name}.json").read_text(encoding="utf-8")).values())
        feeds: dict[str, list[str]] = {}
        for path in paths:
            relative = documents.feeds_key(path, node_path)
            targets = fragment_children(paths, path) if path.rsplit(".", 1)[-1].startswith("on:") else [path]
            fields: set[str] = set()
            for null in (False, True):
                changed = [copy.deepcopy(node) for node in nodes]
                for target in targets:
                    for node in changed:
                        delete(node, documents.feeds_key(target, node_path).split("."), types, null)
                try:
                    fields |= lost_fields(spec.name, nodes, changed)
                except (KeyError, TypeError, ValueError, AttributeError):
                    fields.add("*")  # the record cannot be built without it
            if fields:
                feeds[relative] = sorted(fields)
        table[spec.name] = dict(sorted(feeds.items()))
    return table


def write() -> None:
    FEEDS.write_text(json.dumps(build(), indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
