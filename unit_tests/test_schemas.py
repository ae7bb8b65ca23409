"""schemas/*.json: every emitted field is in the stream's schema, typed right, and every schema
field is emitted (and non-null) by some fixture record."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from jsonschema import Draft7Validator

from source_centra import queries
from source_centra.streams import STREAMS_BY_NAME as _BY_NAME
from unit_tests.feeds_builder import records_of

RECORD_FUNCTIONS = {name: spec.to_records for name, spec in _BY_NAME.items()}

SCHEMAS_DIR = files("source_centra") / "schemas"
NODES_DIR = Path(__file__).parent / "fixtures" / "nodes"
STREAMS = sorted(RECORD_FUNCTIONS)
TIMESTAMP = {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"}
DATE = {"type": ["null", "string"], "format": "date"}  # Centra's Date (Y-m-d): a calendar date, no time zone


def schema(stream: str) -> dict[str, Any]:
    return json.loads((SCHEMAS_DIR / f"{stream}.json").read_text(encoding="utf-8"))


def properties(node_schema: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(dotted path, property schema) for every property, nested array items included as ``a[].b``."""
    for name, prop in node_schema.get("properties", {}).items():
        yield prefix + name, prop
        items = prop.get("items", {})
        if "properties" in items:
            yield from properties(items, f"{prefix}{name}[].")


def values(record: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) for every field of a record, nested array items included as ``a[].b``."""
    for name, value in record.items():
        yield prefix + name, value
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    yield from values(item, f"{prefix}{name}[].")


def all_records(nodes: Callable[[str], dict[str, Any]], stream: str) -> list[dict[str, Any]]:
    """Every record of the stream's fixtures, with the extras the stream machinery passes (feeds_builder)."""
    return [record for node in nodes(stream).values() for record in records_of(stream, node)]


# ---------------------------------------------------------------- one place per stream


def test_every_stream_has_a_schema_a_query_and_fixtures_and_nothing_else_does() -> None:
    schema_files = {entry.name.removesuffix(".json") for entry in SCHEMAS_DIR.iterdir() if entry.name.endswith(".json")}
    assert schema_files == set(STREAMS)
    assert set(queries.names()) == set(STREAMS)
    assert {path.stem for path in NODES_DIR.glob("*.json")} == set(STREAMS)


# ---------------------------------------------------------------- the schemas themselves


@pytest.mark.parametrize("stream", STREAMS)
def test_given_schema_then_it_is_draft7_object_with_nullable_properties(stream: str) -> None:
    stream_schema = schema(stream)
    Draft7Validator.check_schema(stream_schema)
    assert stream_schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert stream_schema["type"] == "object" and stream_schema["additionalProperties"] is True
    for path, prop in properties(stream_schema):
        assert "null" in prop["type"], path


@pytest.mark.parametrize("stream", STREAMS)
def test_given_schema_then_timestamp_fields_and_only_they_are_typed_timestamp_with_timezone(stream: str) -> None:
    """``*_at`` are timestamps; ``*_date`` too, unless Centra's type is a Date (``due_date``)."""
    for path, prop in properties(schema(stream)):
        is_date = prop.get("format") == "date"
        is_timestamp = path.endswith("_at") or (path.endswith("_date") and not is_date)
        described = {key: prop[key] for key in TIMESTAMP if key in prop}
        assert (described == TIMESTAMP) is is_timestamp, path
        if is_date:
            assert {key: prop[key] for key in ("type", "format")} == DATE and "airbyte_type" not in prop, path
            assert not path.endswith("_at"), path


@pytest.mark.parametrize("stream", STREAMS)
def test_given_all_fixtures_then_integer_fields_get_ints_and_number_fields_get_floats(nodes, stream: str) -> None:
    """jsonschema accepts an int for "number"; this catches a count or id declared as number."""
    seen: dict[str, set[type]] = {}
    for record in all_records(nodes, stream):
        for path, value in values(record):
            if value is not None:
                seen.setdefault(path, set()).add(type(value))
    for path, prop in properties(schema(stream)):
        if prop["type"] == ["null", "integer"]:
            assert seen[path] == {int}, path
        elif prop["type"] == ["null", "number"]:
            assert seen[path] == {float}, path


# ---------------------------------------------------------------- records against schemas


def test_given_fixture_record_then_its_fields_are_exactly_the_schema_properties_and_valid(fixture_node) -> None:
    stream, _case, node = fixture_node
    stream_schema = schema(stream)
    declared = {path for path, _ in properties(stream_schema)}
    validator = Draft7Validator(stream_schema)
    for record in records_of(stream, node):
        assert set(record) == set(stream_schema["properties"])
        assert {path for path, _ in values(record)} <= declared
        errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)]
        assert errors == []


def test_given_fixture_record_then_every_date_time_value_is_utc_iso8601(fixture_node) -> None:
    stream, _case, node = fixture_node
    timestamps = {path for path, prop in properties(schema(stream)) if prop.get("format") == "date-time"}
    for record in records_of(stream, node):
        for path, value in values(record):
            if path in timestamps and value is not None:
                assert datetime.fromisoformat(value).utcoffset() == timezone.utc.utcoffset(None), (path, value)


def test_given_fixture_record_then_every_date_value_is_a_calendar_date(fixture_node) -> None:
    stream, _case, node = fixture_node
    dates = {path for path, prop in properties(schema(stream)) if prop.get("format") == "date"}
    for record in records_of(stream, node):
        for path, value in values(record):
            if path in dates and value is not None:
                assert date.fromisoformat(value).isoformat() == value, (path, value)


def test_given_nested_array_items_then_each_item_has_exactly_the_declared_fields(nodes) -> None:
    for stream in STREAMS:
        nested = {path: prop for path, prop in properties(schema(stream)) if "properties" in prop.get("items", {})}
        for record in all_records(nodes, stream):
            for path, value in values(record):
                if path in nested:
                    for item in value:
                        assert set(item) == set(nested[path]["items"]["properties"]), (stream, path)


@pytest.mark.parametrize("stream", STREAMS)
def test_given_all_fixtures_then_every_schema_field_is_emitted_non_null_by_some_record(nodes, stream: str) -> None:
    declared = {path for path, _ in properties(schema(stream))}
    seen = {path for record in all_records(nodes, stream) for path, value in values(record) if value not in (None, [])}
    assert declared - seen == set()
