"""privacy.py and the pii_handling option: keep, hash or drop personal fields, nothing raw escapes."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterator

import pytest

from source_centra import privacy
from source_centra.streams import STREAMS_BY_NAME as _BY_NAME
from unit_tests.feeds_builder import records_of

RECORD_FUNCTIONS = {name: spec.to_records for name, spec in _BY_NAME.items()}
PERSONAL = {name: spec.personal for name, spec in _BY_NAME.items() if spec.personal}  # declared on the rows
# record field names that hold personal data wherever they appear (names of things, cities, zip codes: not)
PERSONAL_NAME = re.compile(r"(^|_)(email|first_name|last_name|phone_number|address[12]|birthdate)$")

NODES_DIR = Path(__file__).parent / "fixtures" / "nodes"
PERSONAL_KEYS = {  # in API nodes, wherever they sit (addresses, customers, accounts)
    "email", "firstName", "lastName", "address1", "address2", "phoneNumber", "cellPhoneNumber", "birthdate",
    "accountEmail", "billingEmail", "shippingEmail",
}


def nodes(stream: str) -> dict[str, Any]:
    return json.loads((NODES_DIR / f"{stream}.json").read_text(encoding="utf-8"))


def produced(stream: str, mode: str) -> list[dict[str, Any]]:
    """What the stream emits: record function, then privacy.apply (as CentraStream._records_of does)."""
    return [privacy.apply(record, stream, mode) for node in nodes(stream).values() for record in records_of(stream, node)]


def raw_personal_values() -> set[str]:
    """Every personal value any fixture node holds, wherever it sits in the node."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in PERSONAL_KEYS and isinstance(item, str):
                    found.add(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in NODES_DIR.glob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_given_fixtures_then_they_hold_personal_values_to_protect():
    raw = raw_personal_values()
    assert {"Anna.Lindqvist@Example.se", "anna.lindqvist@example.se", "Götgatan 14", "+46 70 123 45 67"} <= raw
    assert {"Erik.Sundberg@Example.se", "+46 73 987 65 43", "1987-03-21", "Hornsgatan 52"} <= raw  # customers
    assert {"Orders@Nordic-Outfitters.example", "Johanna", "+46 31 700 88 99", "Box 118"} <= raw  # accounts
    kept = {s for stream in RECORD_FUNCTIONS for record in produced(stream, "keep") for s in strings(record)}
    assert raw <= kept  # with keep, every one of them reaches some record: the scan below is not vacuous


@pytest.mark.parametrize("mode", ["hash", "drop"])
def test_given_hash_or_drop_then_no_raw_personal_value_escapes_in_any_stream(mode):
    raw = {value.strip().lower() for value in raw_personal_values()}
    leaks = [(stream, s) for stream in RECORD_FUNCTIONS for record in produced(stream, mode)
             for s in strings(record) if any(value in s.lower() for value in raw)]
    assert leaks == []


def test_given_drop_then_every_personal_field_is_null():
    for stream, fields in PERSONAL.items():
        for record in produced(stream, "drop"):
            assert [record[field] for field in fields] == [None] * len(fields)


def test_given_hash_then_values_are_sha256_hex_of_the_normalised_value():
    (order,) = [r for r in produced("orders", "hash") if r["number"] == 39790]
    assert order["customer_email"] == hashlib.sha256(b"anna.lindqvist@example.se").hexdigest()
    assert order["shipping_phone_number"] == hashlib.sha256("+46 70 123 45 67".encode()).hexdigest()
    assert order["shipping_first_name"] == hashlib.sha256(b"Anna").hexdigest()  # names: trimmed, case kept


def test_given_hash_then_same_email_hashes_alike_across_streams_and_casing():
    """Centra has 'Anna.Lindqvist@Example.se' on the customer and lower case on the address."""
    by_stream = {stream: produced(stream, "hash") for stream in ("orders", "order_items", "returns")}
    order = next(r for r in by_stream["orders"] if r["number"] == 39790)
    items = [r for r in by_stream["order_items"] if r["order_number"] == 39790]
    ret = next(r for r in by_stream["returns"] if r["order_number"] == 39790)
    assert len(items) == 3
    assert {order["customer_email"], order["shipping_email"], ret["customer_email"]} | {
        i["customer_email"] for i in items} == {privacy.pseudonym("customer_email", "anna.lindqvist@example.se")}


def test_given_hash_or_drop_then_reporting_dimensions_and_other_fields_are_untouched():
    keep = produced("orders", "keep")
    for mode in ("hash", "drop"):
        for before, after in zip(keep, produced("orders", mode)):
            personal = set(PERSONAL["orders"])
            assert {k: v for k, v in before.items() if k not in personal} == {
                k: v for k, v in after.items() if k not in personal}
            assert after["shipping_city"] == before["shipping_city"]


@pytest.mark.parametrize("mode", privacy.MODES)
def test_given_record_then_apply_returns_a_new_dict_and_leaves_nulls_null(mode):
    record = {"customer_email": None, "shipping_email": " X@Y.se ", "shipping_city": "Malmö"}
    before = copy.deepcopy(record)
    result = privacy.apply(record, "orders", mode)
    assert record == before and result is not record
    assert result["customer_email"] is None and result["shipping_city"] == "Malmö"
    assert result["shipping_email"] == {"keep": " X@Y.se ", "hash": privacy.pseudonym("shipping_email", "x@y.se"),
                                        "drop": None}[mode]


def test_given_unknown_mode_then_value_error():
    with pytest.raises(ValueError):
        privacy.apply({}, "orders", "mask")


@pytest.mark.parametrize("stream", sorted(PERSONAL))
def test_given_personal_fields_on_a_row_then_they_are_fields_of_its_schema(stream):
    assert set(PERSONAL[stream]) <= set(schema_fields(stream))


@pytest.mark.parametrize("stream", sorted(RECORD_FUNCTIONS))
def test_given_schema_field_named_like_personal_data_then_its_row_declares_it_personal(stream):
    """The class, not a list: any field of any stream whose name says email, name, phone, street address
    or birthdate is declared personal on the stream's row, so a new stream cannot forget one."""
    looks_personal = {field for field in schema_fields(stream) if PERSONAL_NAME.search(field)}
    assert looks_personal <= set(PERSONAL.get(stream, ())), looks_personal - set(PERSONAL.get(stream, ()))


def test_given_personal_name_pattern_then_it_matches_the_personal_fields_and_not_the_dimensions():
    assert all(PERSONAL_NAME.search(field) for fields in PERSONAL.values() for field in fields)
    dimensions = ("shipping_city", "shipping_zip_code", "shipping_country_code", "billing_city", "company_name",
                  "vat_number", "product_name", "name", "store_name", "supplier_name", "variant_name")
    assert not [field for field in dimensions if PERSONAL_NAME.search(field)]


def schema_fields(stream: str) -> dict:
    return json.loads((files("source_centra") / "schemas" / f"{stream}.json").read_text(encoding="utf-8"))["properties"]
