"""Required vs optional is declared once, by ``@required`` markers in ``queries/*.graphql``; these
tests check the markers against the contract and keep ``queries/feeds.json`` (what each selection
feeds) current. ``UPDATE_FEEDS=1 pytest unit_tests/test_feeds.py`` rewrites the map."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from source_centra import plan, queries
from source_centra.streams import STREAMS
from unit_tests import feeds_builder

CONTRACT = Path(__file__).parents[2] / "shared" / "connector-contract.md"


def contract_fields(stream: str) -> set[str]:
    """The fields connector-contract.md says a stream "must carry at least" (empty if it lists none)."""
    if not CONTRACT.is_file():
        return set()
    text = CONTRACT.read_text(encoding="utf-8")
    match = re.search(rf"`{stream}` must carry at least:(.*?)(?:\n\n|\n- `|\Z)", text, re.S)
    if match is None:
        match = re.search(rf"^- `{stream}`: (.*?)(?=\n- |\n\n|\Z)", text, re.S | re.M)
    if match is None:
        return set()
    return {name for name in re.findall(r"`([a-z_]+)`", match.group(1)) if name != stream}


def needed(spec) -> set[str]:
    """Record fields a stream cannot do without: the contract's, its keys and cursor, and store_id
    where the stream keeps the configured stores by it."""
    fields = contract_fields(spec.name) | set(spec.primary_key) | ({spec.cursor_field} if spec.cursor_field else set())
    if spec.stores_from_records:
        fields.add("store_id")
    return fields


def optional_type(document: str, path: str) -> bool:
    """Under a type condition none of whose selections is marked: a type an instance may not have
    (bundle, gift certificate lines), so its fields are optional by declaration."""
    marked = plan.required_paths(document)
    parts = path.split(".")
    for index, part in enumerate(parts):
        if part.startswith("on:"):
            fragment = ".".join(parts[: index + 1])
            if not any(m.startswith(fragment + ".") for m in marked):
                return True
    return False


def _suffix(path: str) -> str:
    """The part of a path from its first type condition on: the same in every use of a fragment."""
    parts = path.split(".")
    first = next((i for i, part in enumerate(parts) if part.startswith("on:")), None)
    return ".".join(parts[first:]) if first is not None else path


def required_by_planner(document: str) -> set[str]:
    """Paths plan.py treats as required: marked, or holding a marked selection."""
    marked = plan.required_paths(document)
    out = set()
    for path in plan.selection_paths(document):
        if any(m == path or m.startswith(path + ".") for m in marked):
            out.add(path)
    return out


def test_feeds_map_is_current() -> None:
    built = feeds_builder.build()
    if os.environ.get("UPDATE_FEEDS"):
        feeds_builder.write()
    assert json.loads(feeds_builder.FEEDS.read_text(encoding="utf-8")) == built, (
        "queries/feeds.json is stale: run UPDATE_FEEDS=1 .venv/bin/python -m pytest unit_tests/test_feeds.py")


def test_contract_is_readable_here() -> None:
    if not CONTRACT.is_file():
        pytest.skip("../shared/connector-contract.md is not beside this checkout")
    assert "line_value_ex_tax" in contract_fields("order_items")
    assert "shipment_line_id" in contract_fields("return_items")


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.name)
def test_given_selection_feeding_a_needed_field_then_it_is_marked_required(spec) -> None:
    document = queries.load(spec.query)
    prefix = plan.node_prefix(document) + "."
    feeds = json.loads(feeds_builder.FEEDS.read_text(encoding="utf-8"))[spec.name]
    required = required_by_planner(document)
    wanted = needed(spec)
    unmarked = sorted(path for path, fields in feeds.items()
                      if ("*" in fields or set(fields) & wanted) and prefix + path not in required
                      and not path.split(".")[-1].startswith("on:") and not optional_type(document, prefix + path))
    assert not unmarked, f"{spec.name}: selections feeding {sorted(wanted)} without @required: {unmarked}"


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.name)
def test_given_required_marker_then_it_feeds_a_needed_field(spec) -> None:
    """A marker in a shared fragment is justified by any stream whose document holds the same path."""
    document = queries.load(spec.query)
    prefix = plan.node_prefix(document) + "."
    table = json.loads(feeds_builder.FEEDS.read_text(encoding="utf-8"))

    def justified(relative: str) -> bool:
        return any(({"*"} | needed(other)) & set(fields)
                   for other in STREAMS for path, fields in table[other.name].items()
                   if path == relative or (_suffix(path) == _suffix(relative) and "on:" in relative))

    over = sorted(path for path in plan.required_paths(document)
                  if path.startswith(prefix) and not justified(path[len(prefix):]))
    assert not over, f"{spec.name}: @required selections that feed no needed field: {over}"


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.name)
def test_given_needed_field_then_it_never_rests_on_optional_selections_alone(spec) -> None:
    document = queries.load(spec.query)
    prefix = plan.node_prefix(document) + "."
    feeds = json.loads(feeds_builder.FEEDS.read_text(encoding="utf-8"))[spec.name]
    required = {p[len(prefix):] for p in required_by_planner(document) if p.startswith(prefix)}
    by_required = {field for path, fields in feeds.items() if path in required for field in fields}
    by_optional = {field for path, fields in feeds.items()
                   if path not in required and not optional_type(document, prefix + path) for field in fields}
    derived = {"store_id", "store_name", "store_type"} if spec.by_store else set()  # from the store partition
    missing = sorted((needed(spec) & by_optional) - by_required - derived)
    assert not missing, f"{spec.name}: needed fields fed only by optional selections: {missing}"
