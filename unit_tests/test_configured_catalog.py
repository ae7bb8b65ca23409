"""integration_tests/configured_catalog.json lists every stream as the stream table declares it
(incremental where the row has a cursor, append-dedup by its primary key). ``UPDATE_CATALOG=1`` rewrites it."""
from __future__ import annotations

import json
import os
from pathlib import Path

from source_centra.streams import STREAMS

CATALOG = Path(__file__).parents[1] / "integration_tests" / "configured_catalog.json"


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


def test_configured_catalog_lists_every_stream_as_the_table_declares_it() -> None:
    if os.environ.get("UPDATE_CATALOG"):
        CATALOG.write_text(json.dumps(expected(), indent=2) + "\n", encoding="utf-8")
    assert json.loads(CATALOG.read_text(encoding="utf-8")) == expected()
