"""The generated test inputs list every stream as the stream table declares it: ``configured_catalog.json``
(incremental where the row has a cursor, append-dedup by its primary key) and ``abnormal_state.json`` (a
future cursor for every incremental stream, per store of the fake where the row reads by store).
``UPDATE_CATALOG=1`` rewrites both (scripts/regenerate.sh)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from source_centra.streams import STREAMS

INTEGRATION = Path(__file__).parents[1] / "integration_tests"
CATALOG = INTEGRATION / "configured_catalog.json"
FUTURE_STATE = INTEGRATION / "abnormal_state.json"
FAKE_STORES = ("1", "2", "3")  # the fake Centra's stores (acceptance-test-config.yml points at it)
FUTURE = "2099-01-01T00:00:00+00:00"


def expected() -> dict:
    streams = []
    for spec in STREAMS:
        key = [[k] for k in spec.primary_key]
        stream = {"name": spec.name, "json_schema": {},
                  "supported_sync_modes": ["full_refresh", "incremental"] if spec.cursor_field else ["full_refresh"],
                  "source_defined_cursor": True, "source_defined_primary_key": key}
        entry = {"stream": stream, "primary_key": key}
        if spec.cursor_field:
            stream["default_cursor_field"] = [spec.cursor_field]
            entry.update(sync_mode="incremental", destination_sync_mode="append_dedup", cursor_field=[spec.cursor_field])
        else:
            entry.update(sync_mode="full_refresh", destination_sync_mode="overwrite")
        streams.append(entry)
    return {"streams": streams}


def expected_future_state() -> list[dict]:
    return [{"type": "STREAM", "stream": {
        "stream_descriptor": {"name": spec.name},
        "stream_state": {"state_version": 1, "partitions": {
            partition: {"cursor": FUTURE} for partition in (FAKE_STORES if spec.by_store else ("all",))}}}}
        for spec in STREAMS if spec.cursor_field]


@pytest.mark.parametrize("path, build", [(CATALOG, expected), (FUTURE_STATE, expected_future_state)],
                         ids=["configured_catalog", "abnormal_state"])
def test_generated_file_lists_every_stream_as_the_table_declares_it(path: Path, build) -> None:
    if os.environ.get("UPDATE_CATALOG"):
        path.write_text(json.dumps(build(), indent=2) + "\n", encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == build(), f"{path.name} is stale: run scripts/regenerate.sh"
