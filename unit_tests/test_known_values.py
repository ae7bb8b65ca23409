"""known_values.py: the watched fields exist in their streams, and the fixtures' values are known ones."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from source_centra.known_values import WATCHED, unknown_values
from source_centra.streams import STREAMS_BY_NAME
from unit_tests.feeds_builder import records_of

NEW_STREAMS = sorted(name for name, spec in STREAMS_BY_NAME.items() if spec.optional)


@pytest.mark.parametrize("stream", sorted(WATCHED))
def test_given_watched_field_then_its_stream_emits_it(stream: str) -> None:
    schema = json.loads((files("source_centra") / "schemas" / f"{stream}.json").read_text(encoding="utf-8"))
    assert stream in STREAMS_BY_NAME and set(WATCHED[stream]) <= set(schema["properties"])


@pytest.mark.parametrize("stream", [s for s in NEW_STREAMS if s in WATCHED])
def test_given_fixture_records_of_the_new_streams_then_their_enum_values_are_known(nodes, stream: str) -> None:
    found = [item for node in nodes(stream).values() for record in records_of(stream, node)
             for item in unknown_values(stream, record)]
    assert found == []


def test_given_unknown_invoice_status_then_it_is_reported_and_kept() -> None:
    record = {"status": "WRITTEN_OFF", "type": "INVOICE"}
    assert unknown_values("invoices", record) == [("status", "InvoiceStatus", "WRITTEN_OFF")]
    assert record["status"] == "WRITTEN_OFF"
