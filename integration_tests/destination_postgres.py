"""Land a sync of source-centra in Postgres in the shape Airbyte's Postgres destination gives its
final tables (destination-postgres 3.x, "Direct Load"; docs/integrations/destinations/postgres.md >
Schema map), so the dbt package is tested on what an Airbyte platform user has in Postgres:

- one table per stream, named as the stream, in the connection's schema (quoted identifiers);
- the stream's columns, typed from its JSON schema: string → varchar, integer → bigint,
  number → decimal(38, 9) (the destination's default; "Unconstrained Numeric Columns" off),
  boolean → boolean, date → date, date-time with time zone → timestamptz, object and array → jsonb;
- `_airbyte_raw_id` varchar (a UUID), `_airbyte_extracted_at` timestamptz (the record's
  emitted_at), `_airbyte_meta` jsonb (`{"sync_id": ..., "changes": [...]}`), `_airbyte_generation_id`
  bigint;
- a value that does not fit its column is written as null, with a `changes` entry saying so.

The connector runs as the platform runs it: `source-centra discover`, then `read` with a configured
catalog of every stream. Every record read is written (the destination's Append mode), so the dbt
staging models' deduplication runs on Postgres too.

PyAirbyte's Postgres cache is not used: it writes nested fields as `json`, not `jsonb`, and has no
`_airbyte_generation_id` — a shape no Airbyte destination writes (PyAirbyte's DuckDB cache is what
the DuckDB tests use)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import uuid
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import psycopg2
from psycopg2 import sql
from psycopg2.extras import Json, execute_values

SYNC_ID = 1
GENERATION_ID = 0


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):  # records are parsed with Decimal numbers; in jsonb they stay numbers
        return float(value) if value.as_tuple().exponent < 0 else int(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def as_json(value: Any) -> Json:
    return Json(value, dumps=lambda obj: json.dumps(obj, default=_number))


def column_type(prop: dict) -> str:
    """The destination's Postgres type for a JSON schema property (its data type mapping table)."""
    types = prop.get("type", [])
    types = {types} if isinstance(types, str) else set(types)
    types.discard("null")
    if len(types) != 1:
        return "jsonb"  # unions and untyped fields
    [kind] = types
    if kind == "string":
        if prop.get("format") == "date":
            return "date"
        if prop.get("format") == "date-time":
            return "timestamp" if prop.get("airbyte_type") == "timestamp_without_timezone" else "timestamptz"
        return "varchar"
    return {"integer": "bigint", "number": "decimal(38, 9)", "boolean": "boolean",
            "object": "jsonb", "array": "jsonb"}.get(kind, "jsonb")


def typed(value: Any, kind: str) -> Any:
    """``value`` for a column of type ``kind``; ValueError when it does not fit."""
    if value is None:
        return None
    if kind == "jsonb":
        return as_json(value)
    if kind == "varchar":
        if isinstance(value, (dict, list)):
            raise ValueError("not a string")
        return str(value)
    if kind == "bigint" or kind.startswith("decimal"):
        try:
            number = Decimal(str(value))
        except InvalidOperation as error:
            raise ValueError("not a number") from error
        if isinstance(value, (bool, dict, list)) or not number.is_finite():
            raise ValueError("not a number")
        if kind == "bigint":
            if number != number.to_integral_value():
                raise ValueError("not an integer")
            return int(number)
        return number
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError("not a boolean")
        return value
    if kind == "date":
        return dt.date.fromisoformat(str(value))
    if kind in ("timestamptz", "timestamp"):
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if kind == "timestamptz" and parsed.tzinfo is None:
            raise ValueError("no time zone")
        return parsed
    raise ValueError(f"unknown column type {kind}")


def read(executable: Path, config: dict, work: Path) -> tuple[dict[str, dict], dict[str, list[tuple[dict, int]]]]:
    """(json schema per stream, [(record data, emitted_at ms)] per stream) of a full read of every stream."""
    work.mkdir(parents=True, exist_ok=True)
    config_path = work / "config.json"
    config_path.write_text(json.dumps(config))
    discovered = subprocess.run([str(executable), "discover", "--config", str(config_path)],
                                capture_output=True, text=True, timeout=300, check=True)
    streams = [json.loads(line)["catalog"]["streams"] for line in discovered.stdout.splitlines()
               if line.startswith("{") and json.loads(line).get("type") == "CATALOG"][0]
    catalog = {"streams": [{"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "append"}
                           for stream in streams]}
    catalog_path = work / "catalog.json"
    catalog_path.write_text(json.dumps(catalog))
    records: dict[str, list[tuple[dict, int]]] = defaultdict(list)
    errors = []
    with subprocess.Popen([str(executable), "read", "--config", str(config_path), "--catalog", str(catalog_path)],
                          stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            if not line.startswith("{"):
                continue
            message = json.loads(line, parse_float=Decimal)
            if message.get("type") == "RECORD":
                record = message["record"]
                records[record["stream"]].append((record["data"], record["emitted_at"]))
            elif message.get("type") == "TRACE" and message["trace"].get("type") == "ERROR":
                errors.append(message["trace"]["error"].get("message"))
    if process.returncode or errors:
        raise RuntimeError(f"source-centra read failed (exit {process.returncode}): {errors}")
    return {stream["name"]: stream["json_schema"] for stream in streams}, records


def land(dsn: str, schema: str, schemas: dict[str, dict], records: dict[str, list[tuple[dict, int]]]) -> dict[str, int]:
    """Create the destination's final tables in ``schema`` (replacing them) and write the records; rows per table."""
    connection = psycopg2.connect(dsn)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
            return {stream: write_table(cursor, schema, stream, json_schema, records.get(stream, []))
                    for stream, json_schema in schemas.items()}
    finally:
        connection.close()


def write_table(cursor, schema: str, stream: str, json_schema: dict, records: list[tuple[dict, int]]) -> int:
    columns = {name: column_type(prop) for name, prop in json_schema["properties"].items()}
    table = sql.Identifier(schema, stream)
    cursor.execute(sql.SQL("drop table if exists {}").format(table))
    cursor.execute(sql.SQL(
        "create table {} (_airbyte_raw_id varchar not null, _airbyte_extracted_at timestamptz not null, "
        "_airbyte_meta jsonb not null, _airbyte_generation_id bigint, {})").format(
        table, sql.SQL(", ").join(sql.SQL("{} " + kind).format(sql.Identifier(name)) for name, kind in columns.items())))
    rows = []
    for data, emitted_at in records:
        values, changes = [], []
        for name, kind in columns.items():
            try:
                values.append(typed(data.get(name), kind))
            except (ValueError, TypeError, ArithmeticError):
                values.append(None)
                changes.append({"field": name, "change": "NULLED", "reason": "DESTINATION_TYPECAST_ERROR"})
        extracted_at = dt.datetime.fromtimestamp(emitted_at / 1000, tz=dt.timezone.utc)
        rows.append((str(uuid.uuid4()), extracted_at, as_json({"sync_id": SYNC_ID, "changes": changes}), GENERATION_ID,
                     *values))
    if rows:
        execute_values(cursor, sql.SQL("insert into {} values %s").format(table).as_string(cursor), rows, page_size=1000)
    return len(rows)
