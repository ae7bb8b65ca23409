"""known_values.py and the rows' ``watched`` fields: watched fields exist in their streams, the fixtures'
values are known ones, and an unknown value is reported and kept."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from source_centra import known_values
from source_centra.known_values import Known, unknown_values
from source_centra.streams import STREAMS_BY_NAME
from unit_tests.feeds_builder import records_of

WATCHING = sorted(name for name, spec in STREAMS_BY_NAME.items() if spec.watched)


@pytest.mark.parametrize("stream", WATCHING)
def test_given_watched_field_then_its_stream_emits_it_and_names_a_known_set(stream: str) -> None:
    schema = json.loads((files("source_centra") / "schemas" / f"{stream}.json").read_text(encoding="utf-8"))
    watched = STREAMS_BY_NAME[stream].watched
    assert set(watched) <= set(schema["properties"])
    assert all(isinstance(known, Known) and known.values for known in watched.values())


@pytest.mark.parametrize("stream", WATCHING)
def test_given_fixture_records_then_their_enum_values_are_known(nodes, stream: str) -> None:
    """The fixtures hold Centra's real values; a test case about an unknown value names it here."""
    found = [item for node in nodes(stream).values() for record in records_of(stream, node)
             for item in unknown_values(stream, record)]
    deliberate = {("order_status", "OrderStatus", "AWAITING_REVIEW"), ("line_type", "order line type", "subscription")}
    assert set(found) <= deliberate  # order_items' cases of a status and a line type Centra added later


def test_every_known_set_is_watched_by_some_stream() -> None:
    sets = {name for name, value in vars(known_values).items() if isinstance(value, Known)}
    used = {known for spec in STREAMS_BY_NAME.values() for known in spec.watched.values()}
    assert {name for name in sets if getattr(known_values, name) not in used} == set()


def test_given_unknown_invoice_status_then_it_is_reported_and_kept() -> None:
    record = {"status": "WRITTEN_OFF", "type": "INVOICE"}
    assert unknown_values("invoices", record) == [("status", "InvoiceStatus", "WRITTEN_OFF")]
    assert record["status"] == "WRITTEN_OFF"
