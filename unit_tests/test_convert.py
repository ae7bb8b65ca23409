"""convert.py: the leaf rules (UTC, money, base amounts, references, types)."""

from __future__ import annotations

import math

import pytest

from source_centra import convert

# ---------------------------------------------------------------- to_utc


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        ("2024-06-01T10:00:00+02:00", "2024-06-01T08:00:00+00:00"),
        ("2024-01-15T14:30:00+01:00", "2024-01-15T13:30:00+00:00"),
        ("2022-01-03T11:43:56+0100", "2022-01-03T10:43:56+00:00"),
        ("2024-06-01T10:00:00Z", "2024-06-01T10:00:00+00:00"),
        ("2024-06-01T10:00:00+00:00", "2024-06-01T10:00:00+00:00"),
        ("2024-06-01T03:00:00-05:00", "2024-06-01T08:00:00+00:00"),
        ("2024-06-01T10:00:00+05:30", "2024-06-01T04:30:00+00:00"),
        ("2024-06-01 10:00:00+02:00", "2024-06-01T08:00:00+00:00"),
        ("2024-06-01T10:00+02", "2024-06-01T08:00:00+00:00"),
        ("2024-06-01T10:00:00.250+02:00", "2024-06-01T08:00:00.250000+00:00"),
        ("2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00+00:00"),
    ],
    ids=[
        "summer_offset", "winter_offset", "compact_offset", "zulu", "utc", "negative_offset",
        "half_hour_offset", "space_separator", "hour_only_offset", "fractional_seconds",
        "crosses_year_boundary",
    ],
)
def test_given_offset_datetime_then_to_utc_returns_same_instant_in_utc(local: str, utc: str) -> None:
    assert convert.to_utc(local) == utc


def test_given_dst_spring_forward_then_last_winter_and_first_summer_second_are_one_second_apart() -> None:
    # Europe/Stockholm 2024-03-31: 02:00 +01:00 jumps to 03:00 +02:00.
    assert convert.to_utc("2024-03-31T01:59:59+01:00") == "2024-03-31T00:59:59+00:00"
    assert convert.to_utc("2024-03-31T03:00:00+02:00") == "2024-03-31T01:00:00+00:00"


def test_given_dst_fall_back_then_the_repeated_local_hour_maps_to_two_utc_hours() -> None:
    # Europe/Stockholm 2024-10-27: 02:30 happens twice; only the offset tells them apart.
    assert convert.to_utc("2024-10-27T02:30:00+02:00") == "2024-10-27T00:30:00+00:00"
    assert convert.to_utc("2024-10-27T02:30:00+01:00") == "2024-10-27T01:30:00+00:00"


def test_given_none_then_to_utc_returns_none() -> None:
    assert convert.to_utc(None) is None


@pytest.mark.parametrize(
    "value",
    ["2024-06-01T10:00:00", "2024-06-01 10:00:00", "2024-06-01", "", "yesterday", "2024-06-01T10:00:00+25:00"],
    ids=["naive_t", "naive_space", "date_only", "empty", "words", "impossible_offset"],
)
def test_given_value_without_usable_offset_then_to_utc_raises(value: str) -> None:
    with pytest.raises(ValueError, match="offset"):
        convert.to_utc(value)


# ---------------------------------------------------------------- money


def test_given_monetary_value_then_money_is_its_value_as_float() -> None:
    amount = convert.money({"value": 700, "currency": {"code": "SEK"}})
    assert amount == 700.0 and isinstance(amount, float)


@pytest.mark.parametrize("mv", [None, {}, {"value": None}], ids=["null", "empty", "null_value"])
def test_given_missing_monetary_value_then_money_is_none(mv: dict | None) -> None:
    assert convert.money(mv) is None


def test_given_monetary_value_with_currency_then_currency_code_is_iso_code() -> None:
    assert convert.currency_code({"value": 1, "currency": {"code": "EUR"}}) == "EUR"
    assert convert.currency_code({"value": 1}) is None
    assert convert.currency_code(None) is None


@pytest.mark.parametrize(
    ("value", "rate", "expected"),
    [
        (1250.0, 0.0871, 108.88),  # 108.875 exactly: half-up, not float 108.87499…
        (1347.4, 0.0871, 117.36),  # 117.35854
        (798.4, 0.0871, 69.54),  # 69.54064
        (-199.6, 0.0871, -17.39),  # -17.38516: refunds/discounts keep their sign
        (1623.8, 1.0, 1623.8),  # order already in the base currency
        (100, 11.4234, 1142.34),  # EUR order, SEK base
        (0.005, 1, 0.01),
        (0.0, 0.0871, 0.0),
    ],
    ids=["half_up", "grand_total", "line_value", "negative", "rate_one", "rate_above_one", "half_cent", "zero"],
)
def test_given_amount_and_rate_then_base_amount_is_product_rounded_to_cents(
    value: float, rate: float, expected: float
) -> None:
    assert convert.base_amount(value, rate) == expected


@pytest.mark.parametrize(("value", "rate"), [(None, 0.5), (10.0, None), (None, None)], ids=["value", "rate", "both"])
def test_given_missing_value_or_rate_then_base_amount_is_none(value: float | None, rate: float | None) -> None:
    assert convert.base_amount(value, rate) is None


def test_given_float_prices_then_difference_and_times_are_exact_to_the_cent() -> None:
    assert 499.0 - 399.2 != 99.8  # the float artefact the rule avoids
    assert convert.difference(499.0, 399.2) == 99.8
    assert convert.times(convert.difference(499.0, 399.2), 2) == 199.6
    assert convert.difference(None, 1.0) is None and convert.times(1.0, None) is None


def test_given_amounts_then_money_sum_is_exact_to_the_cent_and_unknown_if_any_is_unknown() -> None:
    assert 0.1 + 0.2 != 0.3 and convert.money_sum([0.1, 0.2]) == 0.3
    assert convert.money_sum([1000.0, 200.5]) == 1200.5 and convert.money_sum([]) == 0.0
    assert convert.money_sum([1.0, None]) is None and convert.money_sum(None) is None


def test_given_negative_zero_then_round_money_returns_positive_zero() -> None:
    zero = convert.times(-3.5, 0)
    assert zero == 0.0 and math.copysign(1, zero) == 1.0


# ---------------------------------------------------------------- references and types


def test_given_reference_then_ref_id_code_and_name_read_it_and_null_reads_none() -> None:
    assert convert.ref_id({"id": 7, "name": "Wholesale EU"}) == 7
    assert convert.name({"id": 7, "name": "Wholesale EU"}) == "Wholesale EU"
    assert convert.code({"code": "SE"}) == "SE"
    assert convert.ref_id(None) is None and convert.code(None) is None and convert.name(None) is None


def test_given_nested_path_with_null_step_then_dig_returns_none() -> None:
    order = {"shippingAddress": {"country": {"code": "SE"}}, "market": None}
    assert convert.dig(order, "shippingAddress", "country", "code") == "SE"
    assert convert.dig(order, "market", "name") is None
    assert convert.dig(order, "billingAddress", "city") is None


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        ({"__typename": "WholesaleOrder", "store": {"type": "WHOLESALE"}}, "WHOLESALE"),
        ({"__typename": "DirectToConsumerReturn", "store": {"id": 1}}, "DIRECT_TO_CONSUMER"),
        ({"__typename": "WholesaleShipment"}, "WHOLESALE"),
        ({"store": {"type": "DIRECT_TO_CONSUMER"}}, "DIRECT_TO_CONSUMER"),
        ({"__typename": "PaymentHistoryEntry"}, None),
    ],
    ids=["store_type_field", "dtc_typename", "wholesale_typename", "no_typename", "not_store_scoped"],
)
def test_given_order_return_or_shipment_then_store_type_says_dtc_or_wholesale(node: dict, expected: str | None) -> None:
    assert convert.store_type(node) == expected


@pytest.mark.parametrize(
    ("typename", "expected"),
    [
        ("ProductOrderLine", "product"),
        ("GiftCertificateOrderLine", "gift_certificate"),
        ("BundleItemOrderLine", "bundle_item"),
        (None, None),
    ],
    ids=["product", "gift_certificate", "bundle_item", "none"],
)
def test_given_order_line_typename_then_line_type_is_snake_case_kind(typename: str | None, expected: str | None) -> None:
    assert convert.line_type(typename) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("currencyBaseRate", "currency_base_rate"), ("SKU", "sku"), ("EAN", "ean"), ("lineValueExTax", "line_value_ex_tax"),
     ("GiftCertificate", "gift_certificate"), ("id", "id")],
)
def test_given_camel_case_then_snake_case(name: str, expected: str) -> None:
    assert convert.snake_case(name) == expected


def test_given_graphql_float_sent_as_json_integer_then_number_returns_float() -> None:
    assert convert.number(20) == 20.0 and isinstance(convert.number(20), float)
    assert convert.number(None) is None
