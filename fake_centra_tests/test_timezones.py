"""DateTimeTz: Stockholm offsets on output, offset inputs honoured, naive inputs read as Stockholm,
variables and inline literals both parsed, PHP format strings."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from fake_client import Client

from fake_centra.scalars import format_datetime, parse_datetime_input

WINTER = datetime(2025, 1, 15, 9, 30, 0, tzinfo=timezone.utc)
SUMMER = datetime(2025, 7, 15, 9, 30, 0, tzinfo=timezone.utc)


@pytest.fixture
def stamped(big: Client) -> tuple[Client, str, str]:
    orders = list(big.fake.data.orders())
    winter_id, summer_id = orders[0]["id"], orders[1]["id"]
    big.fake.data.set_updated_at([winter_id], WINTER)
    big.fake.data.set_updated_at([summer_id], SUMMER)
    return big, winter_id, summer_id


def _updated(client: Client, order_id: str, fmt: str | None = None) -> str:
    arg = f'(format: "{fmt}")' if fmt else ""
    q = f"query($id: String!) {{ order(id: $id) {{ updatedAt{arg} }} }}"
    return client.data(q, {"id": order_id})["order"]["updatedAt"]


def test_given_winter_and_summer_timestamps_when_rendered_then_plus_one_and_plus_two(stamped) -> None:
    client, winter_id, summer_id = stamped
    assert _updated(client, winter_id) == "2025-01-15T10:30:00+01:00"
    assert _updated(client, summer_id) == "2025-07-15T11:30:00+02:00"


def test_given_php_format_argument_when_rendered_then_formatted(stamped) -> None:
    client, winter_id, summer_id = stamped
    assert _updated(client, winter_id, "Y-m-d") == "2025-01-15"
    assert _updated(client, summer_id, "Y-m-d\\\\TH:i:sO") == "2025-07-15T11:30:00+0200"
    assert _updated(client, winter_id, "d/m/Y H:i T") == "15/01/2025 10:30 CET"


def _window_ids(client: Client, lo: str, hi: str, inline: bool) -> set[str]:
    if inline:
        q = f'{{ orders(where: {{updatedAt: {{from: "{lo}", to: "{hi}"}}}}, limit: 500) {{ id }} }}'
        rows = client.data(q)["orders"]
    else:
        q = ("query($f: DateTimeTz, $t: DateTimeTz) "
             "{ orders(where: {updatedAt: {from: $f, to: $t}}, limit: 500) { id } }")
        rows = client.data(q, {"f": lo, "t": hi})["orders"]
    return {r["id"] for r in rows}


@pytest.mark.parametrize("inline", [False, True], ids=["variables", "inline-literal"])
def test_given_offset_input_when_filtering_then_offset_honoured(stamped, inline: bool) -> None:
    client, _winter_id, summer_id = stamped
    # 09:30Z is 11:30+02:00; a window ending 11:29:59+02:00 must exclude it, 11:30:00+02:00 include it.
    assert summer_id not in _window_ids(client, "2025-07-15T11:00:00+02:00", "2025-07-15T11:29:59+02:00", inline)
    assert summer_id in _window_ids(client, "2025-07-15T11:00:00+02:00", "2025-07-15T11:30:00+02:00", inline)
    assert summer_id in _window_ids(client, "2025-07-15T09:30:00Z", "2025-07-15T09:30:00Z", inline)


@pytest.mark.parametrize("inline", [False, True], ids=["variables", "inline-literal"])
def test_given_naive_input_when_filtering_then_read_as_stockholm(stamped, inline: bool) -> None:
    client, winter_id, summer_id = stamped
    assert winter_id in _window_ids(client, "2025-01-15 10:30:00", "2025-01-15 10:30:00", inline)
    assert winter_id not in _window_ids(client, "2025-01-15 09:30:00", "2025-01-15 09:30:00", inline)
    assert summer_id in _window_ids(client, "2025-07-15 11:30:00", "2025-07-15 11:30:00", inline)


@pytest.mark.parametrize("inline", [False, True], ids=["variables", "inline-literal"])
def test_given_unparseable_datetime_when_filtering_then_graphql_error(gql: Client, inline: bool) -> None:
    if inline:
        body = gql.post('{ orders(where: {updatedAt: {from: "yesterday"}}) { id } }').json()
    else:
        q = "query($f: DateTimeTz) { orders(where: {updatedAt: {from: $f}}) { id } }"
        body = gql.post(q, {"f": "yesterday"}).json()
    assert body.get("data") is None
    assert "DateTimeTz" in body["errors"][0]["message"]


def test_given_dst_transition_when_formatting_then_offset_changes_at_the_switch() -> None:
    # Europe/Stockholm: 2024-03-31 01:00Z clocks go 02:00 -> 03:00; 2024-10-27 01:00Z 03:00 -> 02:00.
    assert format_datetime(datetime(2024, 3, 31, 0, 59, 59, tzinfo=timezone.utc)) == "2024-03-31T01:59:59+01:00"
    assert format_datetime(datetime(2024, 3, 31, 1, 0, 0, tzinfo=timezone.utc)) == "2024-03-31T03:00:00+02:00"
    assert format_datetime(datetime(2024, 10, 27, 0, 59, 59, tzinfo=timezone.utc)) == "2024-10-27T02:59:59+02:00"
    assert format_datetime(datetime(2024, 10, 27, 1, 0, 0, tzinfo=timezone.utc)) == "2024-10-27T02:00:00+01:00"


@pytest.mark.parametrize("text,expected", [
    ("2024-06-01T10:00:00+02:00", datetime(2024, 6, 1, 8, tzinfo=timezone.utc)),
    ("2024-06-01 10:00:00", datetime(2024, 6, 1, 8, tzinfo=timezone.utc)),
    ("2024-01-01 10:00:00", datetime(2024, 1, 1, 9, tzinfo=timezone.utc)),
    ("2024-06-01T08:00:00Z", datetime(2024, 6, 1, 8, tzinfo=timezone.utc)),
    ("2024-06-01T10:00:00+0200", datetime(2024, 6, 1, 8, tzinfo=timezone.utc)),
    ("2024-06-01T08:00:00.250+00:00", datetime(2024, 6, 1, 8, 0, 0, 250000, tzinfo=timezone.utc)),
    ("2024-06-01", datetime(2024, 5, 31, 22, tzinfo=timezone.utc)),
])
def test_given_input_forms_when_parsed_then_utc_instant(text: str, expected: datetime) -> None:
    assert parse_datetime_input(text) == expected


def test_given_order_times_when_rendered_then_match_generator_data_in_utc(gql: Client) -> None:
    rows = gql.data("{ orders(limit: 50) { id createdAt updatedAt orderDate } }")["orders"]
    for r in rows:
        o = gql.fake.data.order(r["id"])
        assert datetime.fromisoformat(r["createdAt"]) == o["created_at"]
        assert datetime.fromisoformat(r["updatedAt"]) == o["updated_at"]
        assert r["createdAt"][-6:] in ("+01:00", "+02:00")
