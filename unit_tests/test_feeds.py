"""Required vs optional is declared once, by ``@required`` markers in ``queries/*.graphql``; these
tests check the markers against the contract and keep ``queries/feeds.json`` (what each selection
feeds) current. ``UPDATE_FEEDS=1 pytest unit_tests/test_feeds.py`` rewrites the map."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from source_centra import documents, queries
from source_centra.streams import STREAMS
from unit_tests import feeds_builder

from unit_tests.contract import CONTRACT  # noqa: E402


def contract_fields(stream: str) -> set[str]:
    """The fields connector-contract.md says a stream "must carry at least" (empty if it lists none).

    In the list of the streams beyond Supermetrics (``- `a`, `b`: `x`, `y` (+ `z` for b); `c`: …``) a
    parenthesis after a field names its nested fields (``lines`` (``order_line_id``, …) →
    ``lines[].order_line_id``, as feeds.json names them), or says when it is null (``total_orders``
    (null without …): not needed); ``(+ `z` for b)`` adds ``z`` for ``b`` only.
    """
    if not CONTRACT.is_file():
        return set()
    text = CONTRACT.read_text(encoding="utf-8")
    match = re.search(rf"`{stream}` must carry at least:(.*?)(?:\n\n|\n- `|\Z)", text, re.S)
    if match is not None:
        return {name for name in re.findall(r"`([a-z_]+)`", match.group(1)) if name != stream}
    section = text.split("Fields each must carry at least", 1)[-1] if "Fields each must carry at least" in text else ""
    for item in re.findall(r"^- (.*?)(?=\n- |\n\n|\Z)", section, re.S | re.M):
        for group in re.split(r";\s+", item):  # "`brands`, `categories`: …; `countries`: …"
            head, _, body = group.partition(": ")
            if stream in re.findall(r"`([a-z_]+)`", head) and body:
                return _listed_fields(re.split(r"\.\s", body)[0], stream)  # the list, not the sentence after it
    return set()


def _listed_fields(body: str, stream: str) -> set[str]:
    fields: set[str] = set()
    for name, note in re.findall(r"`([a-z_]+)`(?:\s*\(([^)]*)\))?", re.sub(r"\([^)]*\)", lambda m: m.group(0).replace("`", "\x00"), body)):
        note = note.replace("\x00", "`")
        inner = re.findall(r"`([a-z_]+)`", note)
        if note.startswith("null without"):
            continue
        if note.startswith("+"):
            fields.add(name)
            if re.search(rf"\bfor {stream}\b", note):
                fields |= set(inner)
        elif inner:
            fields |= {name} | {f"{name}[].{field}" for field in inner}
        else:
            fields.add(name)
    return fields


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
    marked = documents.required_paths(document)
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
    """Paths the planner treats as required (``fitting.Editor.requires``): marked, or holding a marked selection."""
    marked = documents.required_paths(document)
    out = set()
    for path in documents.selection_paths(document):
        if any(m == path or m.startswith(path + ".") for m in marked):
            out.add(path)
    return out


def test_feeds_map_is_current() -> None:
    built = feeds_builder.build()
    if os.environ.get("UPDATE_FEEDS"):
        feeds_builder.write()
    assert json.loads(feeds_builder.FEEDS.read_text(encoding="utf-8")) == built, (
        "queries/feeds.json is stale: run scripts/regenerate.sh")


def test_contract_is_readable_here() -> None:
    if not CONTRACT.is_file():
        pytest.skip("../shared/connector-contract.md is not beside this checkout")
    assert "line_value_ex_tax" in contract_fields("order_items")
    assert "shipment_line_id" in contract_fields("return_items")


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.name)
def test_given_selection_feeding_a_needed_field_then_it_is_marked_required(spec) -> None:
    document = queries.load(spec.query)
    node = documents.node_prefix(document)
    feeds = json.loads(feeds_builder.FEEDS.read_text(encoding="utf-8"))[spec.name]
    required = required_by_planner(document)
    wanted = needed(spec)
    unmarked = sorted(key for key, fields in feeds.items()
                      if ("*" in fields or set(fields) & wanted) and documents.document_path(key, node) not in required
                      and not key.split(".")[-1].startswith("on:")
                      and not optional_type(document, documents.document_path(key, node)))
    assert not unmarked, f"{spec.name}: selections feeding {sorted(wanted)} without @required: {unmarked}"


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.name)
def test_given_required_marker_then_it_feeds_a_needed_field(spec) -> None:
    if not CONTRACT.is_file():
        pytest.skip("../shared/connector-contract.md is not beside this checkout: markers cannot be checked against it")
    """A marker in a shared fragment is justified by any stream whose document holds the same path."""
    document = queries.load(spec.query)
    node = documents.node_prefix(document)
    table = json.loads(feeds_builder.FEEDS.read_text(encoding="utf-8"))

    def justified(relative: str) -> bool:
        return any(({"*"} | needed(other)) & set(fields)
                   for other in STREAMS for path, fields in table[other.name].items()
                   if path == relative or (_suffix(path) == _suffix(relative) and "on:" in relative))

    fed = [path for path in documents.required_paths(document)  # the node's selections, and a nested stream's parent's
           if path.startswith(node + ".") or (spec.paging == "nested" and path.startswith("result.") and path != node)]
    over = sorted(path for path in fed if not justified(documents.feeds_key(path, node)))
    assert not over, f"{spec.name}: @required selections that feed no needed field: {over}"


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.name)
def test_given_needed_field_then_it_never_rests_on_optional_selections_alone(spec) -> None:
    document = queries.load(spec.query)
    node = documents.node_prefix(document)
    feeds = json.loads(feeds_builder.FEEDS.read_text(encoding="utf-8"))[spec.name]
    required = {documents.feeds_key(p, node) for p in required_by_planner(document)}
    by_required = {field for key, fields in feeds.items() if key in required for field in fields}
    by_optional = {field for key, fields in feeds.items()
                   if key not in required and not optional_type(document, documents.document_path(key, node))
                   for field in fields}
    derived = {"store_id", "store_name", "store_type"} if spec.by_store else set()  # from the store partition
    missing = sorted((needed(spec) & by_optional) - by_required - derived)
    assert not missing, f"{spec.name}: needed fields fed only by optional selections: {missing}"
