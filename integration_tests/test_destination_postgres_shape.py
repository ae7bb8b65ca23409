"""The Postgres landing of the dbt tests (destination_postgres.py) types columns as Airbyte's Postgres
destination documents (docs/integrations/destinations/postgres.md > Final Tables Data type mapping) and
nulls a value that does not fit, as the destination does."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("psycopg2")
from integration_tests.destination_postgres import column_type, typed  # noqa: E402

SCHEMAS = sorted((Path(__file__).resolve().parent.parent / "source_centra" / "schemas").glob("*.json"))
DOCUMENTED = {"varchar", "decimal(38, 9)", "bigint", "boolean", "jsonb", "timestamptz", "timestamp", "date"}


@pytest.mark.parametrize("prop, kind", [
    ({"type": ["null", "string"]}, "varchar"),
    ({"type": ["null", "number"]}, "decimal(38, 9)"),
    ({"type": ["null", "integer"]}, "bigint"),
    ({"type": ["null", "boolean"]}, "boolean"),
    ({"type": ["null", "object"]}, "jsonb"),
    ({"type": ["null", "array"], "items": {"type": "string"}}, "jsonb"),
    ({"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"}, "timestamptz"),
    ({"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_without_timezone"}, "timestamp"),
    ({"type": ["null", "string"], "format": "date"}, "date"),
    ({"type": ["null", "string", "integer"]}, "jsonb"),
])
def test_given_json_schema_type_then_the_destinations_postgres_type(prop, kind):
    assert column_type(prop) == kind


def test_given_every_stream_schema_then_every_column_has_a_documented_type():
    kinds = {column_type(prop) for path in SCHEMAS for prop in json.loads(path.read_text())["properties"].values()}
    assert len(SCHEMAS) >= 22 and kinds <= DOCUMENTED and {"jsonb", "timestamptz", "decimal(38, 9)"} <= kinds


@pytest.mark.parametrize("value, kind", [
    ("x", "bigint"), (1.5, "bigint"), (True, "bigint"), ("nan", "decimal(38, 9)"), ({"a": 1}, "varchar"),
    (1, "boolean"), ("2024-01-01T10:00:00", "timestamptz"), ("yesterday", "date"),
])
def test_given_value_that_does_not_fit_then_error_so_the_row_gets_null_and_a_change(value, kind):
    with pytest.raises(ValueError):
        typed(value, kind)


def test_given_fitting_values_then_typed_exactly():
    assert typed(Decimal("12.50"), "decimal(38, 9)") == Decimal("12.50")
    assert typed(Decimal("3"), "bigint") == 3
    assert typed("2024-01-01T10:00:00+02:00", "timestamptz").utcoffset().total_seconds() == 7200
    assert typed(None, "bigint") is None
