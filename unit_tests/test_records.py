"""records/: API node → record(s), one pure function per stream (fixtures in fixtures/nodes/).

The properties every stream shares, and the Supermetrics streams' behaviour; the streams beyond
Supermetrics have their own files by domain (test_records_<domain>.py)."""

from __future__ import annotations

import copy
import json
import math
from collections import Counter
from importlib.resources import files
from typing import Any, Callable

import pytest

from source_centra.records import returns, sales
from source_centra.convert import base_amount
from source_centra.streams import STREAMS_BY_NAME as _BY_NAME
from unit_tests import contract
from unit_tests.contract import CONTRACT, MISSING
from unit_tests.feeds_builder import records_of

RECORD_FUNCTIONS = {name: spec.to_records for name, spec in _BY_NAME.items()}

Nodes = Callable[[str], dict[str, Any]]

ORDER_ITEMS_REQUIRED = (
    "order_id order_number line_id order_status order_date order_created_at order_updated_at store_id "
    "store_name store_type market_id market_name pricelist_id pricelist_name currency currency_base_rate "
    "shipping_country_code shipping_city shipping_zip_code line_type product_id product_number product_name "
    "variant_id variant_name size sku ean brand quantity cancelled_quantity returned_quantity unit_price "
    "unit_original_price discount_percent tax_percent line_value line_value_ex_tax"
).split()
RETURN_ITEMS_REQUIRED = (
    "return_id return_line_id return_status return_created_at returned_to_stock store_id store_name order_id "
    "order_number order_line_id shipment_line_id market_name shipping_country_code currency currency_base_rate "
    "product_name variant_name size sku ean quantity unit_price line_value line_value_ex_tax"
).split()
STREAMS = sorted(RECORD_FUNCTIONS)
EXTRAS = {"base_currency": "EUR"}  # the fixtures' instance: SEK at 0.0871 and EUR at 1 → base EUR
SCHEMAS = files("source_centra") / "schemas"


def date_fields(stream: str) -> set[str]:
    """Record fields (nested ones by their own name) that hold a calendar date, not a timestamp."""
    found: set[str] = set()

    def walk(properties: dict[str, Any]) -> None:
        for field, prop in properties.items():
            if prop.get("format") == "date":
                found.add(field)
            walk(prop.get("items", {}).get("properties", {}))

    walk(json.loads((SCHEMAS / f"{stream}.json").read_text(encoding="utf-8"))["properties"])
    return found


def one(stream: str, node: dict[str, Any]) -> dict[str, Any]:
    (record,) = RECORD_FUNCTIONS[stream](node, EXTRAS)
    return record


def by_line(order_node: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {record["line_id"]: record for record in sales.order_items(order_node)}


# ---------------------------------------------------------------- the stream table


@pytest.mark.skipif(not CONTRACT.is_file(), reason=MISSING)
def test_given_stream_rows_then_names_keys_and_cursors_are_the_contracts() -> None:
    """The rows are the one statement of keys and cursors in the repo; the contract is the oracle. The
    Supermetrics streams are exactly the required ones; a later contract table may list streams not built yet."""
    promised = contract.streams()
    assert {name: (spec.primary_key, spec.cursor_field) for name, spec in _BY_NAME.items()} == {
        name: (promised[name].primary_key, promised[name].cursor) for name in _BY_NAME if name in promised}
    assert set(_BY_NAME) <= set(promised), set(_BY_NAME) - set(promised)
    assert {name for name, spec in _BY_NAME.items() if not spec.optional} == contract.supermetrics_streams()


@pytest.mark.parametrize("stream", STREAMS)
def test_given_stream_row_then_key_and_cursor_are_fields_of_its_schema(stream: str) -> None:
    spec = _BY_NAME[stream]
    fields = set(json.loads((SCHEMAS / f"{stream}.json").read_text(encoding="utf-8"))["properties"])
    assert set(spec.primary_key) | {spec.cursor_field} - {None} <= fields
    assert (spec.cursor_field is None) is (spec.filter_field is None)  # a cursor needs a window filter


def test_given_any_fixture_node_then_record_function_does_not_mutate_it(fixture_node) -> None:
    stream, _case, node = fixture_node
    before = copy.deepcopy(node)
    records_of(stream, node)
    assert node == before


def test_given_any_fixture_node_then_records_share_no_mutable_object_with_it(fixture_node) -> None:
    stream, _case, node = fixture_node

    def containers(value: Any) -> set[int]:
        if isinstance(value, dict):
            return {id(value)}.union(*(containers(v) for v in value.values()))
        if isinstance(value, list):
            return {id(value)}.union(*(containers(v) for v in value))
        return set()

    produced = records_of(stream, node)
    assert containers(node).isdisjoint(containers(produced))


def test_given_any_fixture_node_then_primary_key_and_cursor_are_set(fixture_node) -> None:
    stream, _case, node = fixture_node
    for record in records_of(stream, node):
        spec = _BY_NAME[stream]
        assert all(record[key] is not None for key in spec.primary_key)
        if spec.cursor_field:
            assert record[spec.cursor_field] is not None


def test_given_any_fixture_node_then_store_scoped_records_carry_store_id(fixture_node) -> None:
    """Streams read per store get the store partition (extras); the others carry their own store, or
    (products, warehouses, stock, brands, …: shared by all stores) none, as their schema says."""
    stream, _case, node = fixture_node
    spec = _BY_NAME[stream]
    store_scoped = "store_id" in json.loads((SCHEMAS / f"{stream}.json").read_text(encoding="utf-8"))["properties"]
    assert store_scoped or not (spec.by_store or spec.stores_from_records)  # kept by store: needs its store_id
    for record in records_of(stream, node):
        if store_scoped:
            assert isinstance(record["store_id"], int)
        else:
            assert "store_id" not in record


def test_given_any_fixture_node_then_every_timestamp_is_utc(fixture_node) -> None:
    stream, _case, node = fixture_node
    dates = date_fields(stream)  # Centra's Date (due_date): a calendar date, no time of day to convert

    def timestamps(record: dict[str, Any]):
        for key, value in record.items():
            if key.endswith(("_at", "_date")) and key not in dates and value is not None:
                yield key, value
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        yield from timestamps(item)

    for record in records_of(stream, node):
        for key, value in timestamps(record):
            assert value.endswith("+00:00"), (key, value)


def test_given_all_fixtures_then_primary_keys_are_unique_per_stream(nodes: Nodes) -> None:
    for stream, spec in _BY_NAME.items():
        keys = spec.primary_key
        produced = [record for node in nodes(stream).values() for record in records_of(stream, node)]
        counts = Counter(tuple(record[key] for key in keys) for record in produced)
        assert max(counts.values()) == 1, stream


# ---------------------------------------------------------------- order_items


def test_given_order_then_one_record_per_line_including_fully_cancelled(nodes: Nodes) -> None:
    node = nodes("order_items")["dtc_summer_with_gift_and_cancelled_line"]
    assert [record["line_id"] for record in sales.order_items(node)] == [101, 102, 103]


def test_given_fully_cancelled_line_then_line_kept_with_zero_quantity(nodes: Nodes) -> None:
    line = by_line(nodes("order_items")["dtc_summer_with_gift_and_cancelled_line"])[103]
    assert line["quantity"] == 0
    assert line["cancelled_quantity"] == 1
    assert line["original_quantity"] == 1
    assert line["line_value"] == 0.0 and line["line_value_ex_tax"] == 0.0
    assert line["discount_value"] == 0.0 and line["tax_value"] == 0.0
    assert line["sku"] == "CT200WHT03"


def test_given_order_items_then_contract_required_fields_are_present(nodes: Nodes) -> None:
    for node in nodes("order_items").values():
        for record in sales.order_items(node):
            assert set(ORDER_ITEMS_REQUIRED) <= set(record)


def test_given_dtc_product_line_then_dimensions_prices_and_derived_values(nodes: Nodes) -> None:
    line = by_line(nodes("order_items")["dtc_summer_with_gift_and_cancelled_line"])[101]
    assert line == {
        **line,
        "order_id": "1497ccf644db871e1e4026d101bde6f3",
        "order_number": 39790,
        "order_status": "SHIPPED",
        "order_date": "2024-06-01T08:00:00+00:00",
        "order_updated_at": "2024-06-10T14:45:12+00:00",
        "store_id": 1, "store_name": "Retail", "store_type": "DIRECT_TO_CONSUMER",
        "market_id": 1, "market_name": "Sweden", "pricelist_id": 19, "pricelist_name": "SEK Retail",
        "currency": "SEK", "currency_base_rate": 0.0871,
        "shipping_country_code": "SE", "shipping_city": "Stockholm", "shipping_zip_code": "114 53",
        "line_type": "product", "product_id": 17, "product_number": "WS100", "product_name": "Wool Sweater",
        "variant_id": 55, "variant_name": "Navy", "size": "M", "sku": "WS100NAVY02", "ean": "7350012300111",
        "brand": "Nordic Knit",
        "quantity": 2, "cancelled_quantity": 0, "original_quantity": 2, "returned_quantity": 1,
        "unit_price": 399.2, "unit_original_price": 499.0, "discount_percent": 20.0, "tax_percent": 25.0,
        "line_value": 798.4, "line_value_ex_tax": 638.72,
        "discount_value": 199.6,  # (499.00 − 399.20) × 2
        "tax_value": 159.68,  # 798.40 − 638.72
    }


def test_given_sek_order_with_base_rate_then_base_amounts_are_known_values(nodes: Nodes) -> None:
    line = by_line(nodes("order_items")["dtc_summer_with_gift_and_cancelled_line"])[101]
    assert line["unit_price_base"] == 34.77  # 399.20 × 0.0871 = 34.77032
    assert line["unit_original_price_base"] == 43.46  # 499.00 × 0.0871 = 43.4629
    assert line["line_value_base"] == 69.54  # 798.40 × 0.0871 = 69.54064
    assert line["line_value_ex_tax_base"] == 55.63  # 638.72 × 0.0871 = 55.632512
    assert line["discount_value_base"] == 17.39  # 199.60 × 0.0871 = 17.38516
    assert line["tax_value_base"] == 13.91  # 159.68 × 0.0871 = 13.908128


def test_given_order_item_money_fields_then_each_has_a_base_amount(nodes: Nodes) -> None:
    money = ["unit_price", "unit_original_price", "line_value", "line_value_ex_tax", "discount_value", "tax_value"]
    for node in nodes("order_items").values():
        for record in sales.order_items(node):
            assert {f"{field}_base" for field in money} <= set(record)


def test_given_gift_certificate_line_then_line_type_and_its_name_without_product_ids(nodes: Nodes) -> None:
    line = by_line(nodes("order_items")["dtc_summer_with_gift_and_cancelled_line"])[102]
    assert line["line_type"] == "gift_certificate"
    assert line["product_name"] == "Gift card 100"  # productName: GiftCertificateOrderLine has no giftCertificateName
    assert [line[k] for k in ("product_id", "variant_id", "sku", "ean", "brand")] == [None] * 5
    assert line["line_value"] == 500.0 and line["tax_value"] == 0.0


def test_given_wholesale_order_then_items_say_wholesale_and_carry_base_currency_amounts(nodes: Nodes) -> None:
    lines = by_line(nodes("order_items")["wholesale_winter"])
    assert {record["store_type"] for record in lines.values()} == {"WHOLESALE"}
    assert lines[202]["quantity"] == 10 and lines[202]["cancelled_quantity"] == 2
    assert lines[202]["original_quantity"] == 12
    assert lines[202]["discount_value"] == 13.7  # (13.75 − 12.38) × 10
    assert lines[202]["line_value_base"] == lines[202]["line_value"] == 123.8  # EUR order, rate 1
    assert lines[201]["order_date"] == "2024-01-15T13:30:00+00:00"  # winter: +01:00


def test_given_dtc_order_then_items_say_direct_to_consumer(nodes: Nodes) -> None:
    for record in sales.order_items(nodes("order_items")["dst_fall_back"]):
        assert record["store_type"] == "DIRECT_TO_CONSUMER"


def test_given_order_on_dst_spring_forward_then_utc_times_are_one_second_apart(nodes: Nodes) -> None:
    (record,) = sales.order_items(nodes("order_items")["dst_spring_forward"])
    assert record["order_date"] == "2024-03-31T00:59:59+00:00"  # 01:59:59+01:00
    assert record["order_updated_at"] == "2024-03-31T01:00:00+00:00"  # 03:00:00+02:00


def test_given_order_in_repeated_dst_hour_then_utc_times_are_one_hour_apart(nodes: Nodes) -> None:
    (record,) = sales.order_items(nodes("order_items")["dst_fall_back"])
    assert record["order_date"] == "2024-10-27T00:30:00+00:00"  # 02:30+02:00, first pass
    assert record["order_updated_at"] == "2024-10-27T01:30:00+00:00"  # 02:30+01:00, second pass


def test_given_order_without_shipping_address_or_pricelist_then_those_fields_are_null(nodes: Nodes) -> None:
    (record,) = sales.order_items(nodes("order_items")["gift_certificate_only_without_address"])
    assert [record[k] for k in ("shipping_country_code", "shipping_city", "shipping_zip_code")] == [None] * 3
    assert record["pricelist_id"] is None and record["pricelist_name"] is None
    assert record["market_name"] == "Sweden"


# ---------------------------------------------------------------- orders


@pytest.mark.parametrize(
    "case",
    ["dtc_summer_with_gift_and_cancelled_line", "wholesale_winter", "dst_spring_forward", "dst_fall_back",
     "gift_certificate_only_without_address"],
)
def test_given_same_order_then_sum_of_item_line_values_reconciles_with_order_totals(nodes: Nodes, case: str) -> None:
    items = list(sales.order_items(nodes("order_items")[case]))
    order = one("orders", nodes("orders")[case])
    assert math.isclose(sum(i["line_value"] for i in items), order["line_values"], abs_tol=0.005)
    assert "line_values_ex_tax" not in order  # OrderTotals.lineValues takes no includingTax (centra-streams §14)
    assert sum(i["quantity"] for i in items) == order["quantity"]
    assert sum(i["cancelled_quantity"] for i in items) == order["cancelled_quantity"]
    assert sum(i["original_quantity"] for i in items) == order["original_quantity"]
    shared = ("store_id", "store_type", "market_id", "pricelist_id", "currency", "currency_base_rate",
              "shipping_country_code", "order_date")
    assert all(item[key] == order[key] for item in items for key in shared)
    assert {i["order_updated_at"] for i in items} == {order["updated_at"]}


def test_given_dtc_order_then_header_totals_and_voucher_codes(nodes: Nodes) -> None:
    order = one("orders", nodes("orders")["dtc_summer_with_gift_and_cancelled_line"])
    assert order == {
        **order,
        "id": "1497ccf644db871e1e4026d101bde6f3", "number": 39790, "status": "SHIPPED",
        "created_at": "2024-06-01T08:00:00+00:00", "updated_at": "2024-06-10T14:45:12+00:00",
        "store_type": "DIRECT_TO_CONSUMER", "purchase_order_number": None, "is_on_hold": False,
        "voucher_codes": ["SUMMER20"],  # the admin discount has no code
        "grand_total": 1347.4, "grand_total_ex_tax": 1177.92, "shipping": 49.0, "discounts": -199.6,
        "tax_included": 169.48,
        "grand_total_base": 117.36,  # 1347.40 × 0.0871 = 117.35854
        "discounts_base": -17.39,
    }


def test_given_wholesale_order_then_store_type_and_purchase_order_number(nodes: Nodes) -> None:
    order = one("orders", nodes("orders")["wholesale_winter"])
    assert order["store_type"] == "WHOLESALE"
    assert order["purchase_order_number"] == "PO-2024-0042"
    assert order["voucher_codes"] == []


def test_given_url_or_auto_voucher_without_code_then_voucher_codes_skip_it(nodes: Nodes) -> None:
    assert one("orders", nodes("orders")["dst_fall_back"])["voucher_codes"] == []


def test_given_order_money_fields_then_each_has_a_base_amount(nodes: Nodes) -> None:
    order = one("orders", nodes("orders")["dtc_summer_with_gift_and_cancelled_line"])
    money = ["grand_total", "grand_total_ex_tax", "line_values", "shipping", "handling",
             "discounts", "tax_added", "tax_deducted", "tax_included"]
    assert all(order[f"{field}_base"] == base_amount(order[field], 0.0871) for field in money)


# ---------------------------------------------------------------- return_items, returns


def test_given_return_items_then_contract_required_fields_are_present(nodes: Nodes) -> None:
    for node in nodes("return_items").values():
        for record in returns.return_items(node):
            assert set(RETURN_ITEMS_REQUIRED) <= set(record)


def test_given_dtc_return_line_then_return_order_and_product_dimensions(nodes: Nodes) -> None:
    (item,) = returns.return_items(nodes("return_items")["dtc_completed"])
    assert item == {
        **item,
        "return_id": 501, "return_line_id": 9001, "return_status": "COMPLETED",
        "return_created_at": "2024-06-10T14:45:00+00:00", "returned_to_stock": True,
        "store_id": 1, "store_type": "DIRECT_TO_CONSUMER",
        "order_id": "1497ccf644db871e1e4026d101bde6f3", "order_number": 39790,
        "order_date": "2024-06-01T08:00:00+00:00", "order_line_id": 101, "shipment_line_id": 7001,
        "market_name": "Sweden", "shipping_country_code": "SE", "currency": "SEK", "currency_base_rate": 0.0871,
        "line_type": "product", "product_name": "Wool Sweater", "variant_name": "Navy", "size": "M",
        "sku": "WS100NAVY02", "ean": "7350012300111",
        "quantity": 1, "unit_price": 399.2, "line_value": 399.2, "line_value_ex_tax": 319.36, "tax_value": 79.84,
        "line_value_base": 34.77, "tax_value_base": 6.95,
    }


def test_given_return_lines_then_they_match_the_returned_order_lines(nodes: Nodes) -> None:
    order_lines = by_line(nodes("order_items")["dtc_summer_with_gift_and_cancelled_line"])
    for item in returns.return_items(nodes("return_items")["dtc_completed"]):
        sold = order_lines[item["order_line_id"]]
        assert (item["order_id"], item["sku"], item["unit_price"]) == (sold["order_id"], sold["sku"], sold["unit_price"])
        assert item["quantity"] <= sold["returned_quantity"]


def test_given_wholesale_and_dtc_returns_then_store_type_tells_them_apart(nodes: Nodes) -> None:
    cases = nodes("returns")
    assert one("returns", cases["dtc_completed"])["store_type"] == "DIRECT_TO_CONSUMER"
    assert one("returns", cases["wholesale_pending"])["store_type"] == "WHOLESALE"
    items = list(returns.return_items(nodes("return_items")["wholesale_pending"]))
    assert [i["store_type"] for i in items] == ["WHOLESALE", "WHOLESALE"]
    assert [i["return_status"] for i in items] == ["PENDING", "PENDING"]


@pytest.mark.parametrize("case", ["dtc_completed", "wholesale_pending"])
def test_given_same_return_then_sum_of_item_line_values_reconciles_with_return_totals(nodes: Nodes, case: str) -> None:
    items = list(returns.return_items(nodes("return_items")[case]))
    ret = one("returns", nodes("returns")[case])
    assert math.isclose(sum(i["line_value"] for i in items), ret["line_values"], abs_tol=0.005)
    assert math.isclose(sum(i["line_value_ex_tax"] for i in items), ret["line_values_ex_tax"], abs_tol=0.005)
    assert sum(i["quantity"] for i in items) == ret["total_quantity"]
    assert {(i["order_id"], i["return_created_at"], i["store_type"]) for i in items} == {
        (ret["order_id"], ret["created_at"], ret["store_type"])
    }


def test_given_wholesale_return_then_header_totals_and_references(nodes: Nodes) -> None:
    ret = one("returns", nodes("returns")["wholesale_pending"])
    assert ret == {
        **ret,
        "id": 502, "status": "ACTIVE", "return_status": "PENDING", "created_at": "2024-02-05T08:00:00+00:00",
        "returned_to_stock": False, "order_number": 40112, "shipment_id": 3002, "shipment_number": "40112-1",
        "currency": "EUR", "return_cost": 15.0, "return_cost_base": 15.0,
    }


# ---------------------------------------------------------------- shipments, payment_history


def test_given_shipment_then_flags_dates_carrier_and_lines_array(nodes: Nodes) -> None:
    shipment = one("shipments", nodes("shipments")["dtc_shipped"])
    assert shipment == {
        **shipment,
        "id": 3001, "number": "39790-1", "store_type": "DIRECT_TO_CONSUMER", "order_number": 39790,
        "shipped_at": "2024-06-02T13:20:00+00:00", "is_shipped": True, "is_captured": True,
        "carrier_name": "PostNord", "service_name": "MyPack Collect", "currency": "SEK",
        "grand_total": 1347.4, "grand_total_base": 117.36,
    }
    assert shipment["lines"] == [
        {"shipment_line_id": 7001, "order_line_id": 101, "quantity": 2, "returned_quantity": 1, "line_value": 798.4},
        {"shipment_line_id": 7002, "order_line_id": 102, "quantity": 1, "returned_quantity": 0, "line_value": 500.0},
    ]


def test_given_unshipped_wholesale_shipment_then_missing_dates_and_carrier_are_null(nodes: Nodes) -> None:
    shipment = one("shipments", nodes("shipments")["wholesale_not_yet_shipped"])
    assert shipment["store_type"] == "WHOLESALE"
    assert [shipment[k] for k in ("shipped_at", "paid_at", "carrier_name", "service_name", "tracking_number")] == [
        None
    ] * 5


def test_given_payment_entry_then_store_comes_from_its_order(nodes: Nodes) -> None:
    capture = one("payment_history", nodes("payment_history")["capture"])
    assert capture == {
        "id": 8001, "order_id": "1497ccf644db871e1e4026d101bde6f3", "order_number": 39790,
        "store_id": 1, "store_name": "Retail", "return_id": None,
        "created_at": "2024-06-02T13:20:05+00:00", "entry_type": "CAPTURE", "status": "SUCCESS",
        "value": 1347.4, "value_base": 117.36, "currency": "SEK", "currency_base_rate": 0.0871, "base_currency": "EUR",
        "payment_method": "adyen-drop-in", "external_reference": "8815717034612345", "source": "Integration API",
    }


def test_given_refund_entry_then_it_references_its_return(nodes: Nodes) -> None:
    refund = one("payment_history", nodes("payment_history")["refund_of_return"])
    assert (refund["entry_type"], refund["return_id"], refund["value_base"]) == ("REFUND", 501, 34.77)


# ---------------------------------------------------------------- products, markets, stores


def test_given_product_then_variants_and_sizes_nested_with_sku_and_ean(nodes: Nodes) -> None:
    product = one("products", nodes("products")["with_variants_and_sizes"])
    assert (product["id"], product["number"], product["updated_at"]) == (17, "WS100", "2024-05-30T06:00:00+00:00")
    assert [v["variant_id"] for v in product["variants"]] == [55, 56]
    assert product["variants"][0]["sizes"][1] == {
        "size_id": 302, "sku": "WS100NAVY02", "ean": "7350012300111", "upc": None, "description": "M",
        "size_number": "02",
    }


def test_given_product_without_variants_then_variants_is_empty_list(nodes: Nodes) -> None:
    product = one("products", nodes("products")["inactive_without_variants"])
    assert product["variants"] == [] and product["status"] == "INACTIVE"


def test_given_market_then_store_and_country_codes(nodes: Nodes) -> None:
    cases = nodes("markets")
    assert one("markets", cases["wholesale_eu"]) == {
        "id": 7, "name": "Wholesale EU", "store_id": 2, "store_name": "Wholesale", "country_codes": ["DE", "FR", "NL"],
    }
    assert one("markets", cases["without_countries"])["country_codes"] == []


def test_given_store_then_store_id_repeats_id(nodes: Nodes) -> None:
    store = one("stores", nodes("stores")["wholesale"])
    assert store == {"id": 2, "store_id": 2, "name": "Wholesale", "type": "WHOLESALE"}  # no Store.status (§14)


# ---------------------------------------------------------------- base currency (issue 7)

BASE_CURRENCY_STREAMS = [name for name in STREAMS if _BY_NAME[name].base_currency]


def test_given_1000_eur_at_rate_11_4_then_base_amount_is_11400_in_the_sek_base_currency(nodes: Nodes) -> None:
    """Direction pinned: base amount = value × currencyBaseRate (a SEK-based instance selling in EUR)."""
    order = copy.deepcopy(nodes("order_items")["wholesale_winter"])
    order["currencyBaseRate"] = 11.4
    line = order["lines"][0]
    line["quantity"], line["cancelledQuantity"] = 1, 0
    line["unitPrice"] = line["unitOriginalPrice"] = line["lineValue"] = {"value": 1000.0}
    line["lineValueExTax"] = {"value": 800.0}
    (record, *_) = sales.order_items(order, {"base_currency": "SEK"})
    assert (record["currency"], record["line_value"], record["base_currency"]) == ("EUR", 1000.0, "SEK")
    assert record["line_value_base"] == 11400.0
    assert record["line_value_ex_tax_base"] == 9120.0  # 800 × 11.4
    assert record["tax_value_base"] == 2280.0  # (1000 − 800) × 11.4


@pytest.mark.parametrize("stream", BASE_CURRENCY_STREAMS)
def test_given_base_currency_then_every_money_record_names_it_and_without_it_null(nodes: Nodes, stream: str) -> None:
    for node in nodes(stream).values():  # an order without allocations yields no record
        produced = list(RECORD_FUNCTIONS[stream](node, {"base_currency": "SEK"}))
        assert {r["base_currency"] for r in produced} == ({"SEK"} if produced else set())
        assert {r["base_currency"] for r in RECORD_FUNCTIONS[stream](node)} == ({None} if produced else set())


@pytest.mark.parametrize("stream", sorted(set(STREAMS) - set(BASE_CURRENCY_STREAMS)))
def test_given_stream_without_base_amounts_then_no_base_currency_field(nodes: Nodes, stream: str) -> None:
    for node in nodes(stream).values():
        assert all("base_currency" not in r for r in RECORD_FUNCTIONS[stream](node, {"base_currency": "SEK"}))


# ---------------------------------------------------------------- derived line values (issue 7)


def all_order_lines(nodes: Nodes) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(API line, record) for every line of every order_items fixture."""
    pairs = []
    for order in nodes("order_items").values():
        lines = {line["id"]: line for line in order["lines"]}
        pairs.extend((lines[r["line_id"]], r) for r in sales.order_items(order))
    return pairs


def test_given_every_fixture_line_then_discount_value_is_unit_discount_times_quantity(nodes: Nodes) -> None:
    for line, record in all_order_lines(nodes):
        expected = (line["unitOriginalPrice"]["value"] - line["unitPrice"]["value"]) * line["quantity"]
        assert math.isclose(record["discount_value"], round(expected, 2), abs_tol=1e-9), record["line_id"]


def test_given_every_fixture_line_then_tax_value_is_line_value_minus_line_value_ex_tax(nodes: Nodes) -> None:
    for line, record in all_order_lines(nodes):
        expected = line["lineValue"]["value"] - line["lineValueExTax"]["value"]
        assert math.isclose(record["tax_value"], round(expected, 2), abs_tol=1e-9), record["line_id"]


def test_given_every_fixture_line_then_original_quantity_is_quantity_plus_cancelled(nodes: Nodes) -> None:
    for line, record in all_order_lines(nodes):
        assert record["original_quantity"] == line["quantity"] + line["cancelledQuantity"]


def test_given_line_with_price_unknown_then_derived_values_are_null_not_zero(nodes: Nodes) -> None:
    order = copy.deepcopy(nodes("order_items")["wholesale_winter"])
    order["lines"][0]["unitOriginalPrice"] = None
    order["lines"][0]["lineValue"] = None
    order["lines"][0]["lineValueExTax"] = None
    record = next(iter(sales.order_items(order)))
    assert record["discount_value"] is None and record["tax_value"] is None and record["tax_value_base"] is None


# ---------------------------------------------------------------- personal fields and attributes (issue 7)


def test_given_dtc_order_then_customer_email_on_order_items_orders_and_its_return(nodes: Nodes) -> None:
    case = "dtc_summer_with_gift_and_cancelled_line"
    assert {r["customer_email"] for r in sales.order_items(nodes("order_items")[case])} == {"Anna.Lindqvist@Example.se"}
    assert one("orders", nodes("orders")[case])["customer_email"] == "Anna.Lindqvist@Example.se"
    assert one("returns", nodes("returns")["dtc_completed"])["customer_email"] == "Anna.Lindqvist@Example.se"


@pytest.mark.parametrize("stream, case", [
    ("orders", "wholesale_winter"), ("returns", "wholesale_pending"), ("orders", "dst_fall_back"),
], ids=["wholesale-order", "wholesale-return", "dtc-guest-without-customer"])
def test_given_no_customer_then_customer_email_is_null(nodes: Nodes, stream: str, case: str) -> None:
    assert one(stream, nodes(stream)[case])["customer_email"] is None


def test_given_order_then_shipping_contact_fields_come_from_the_shipping_address(nodes: Nodes) -> None:
    order = one("orders", nodes("orders")["dtc_summer_with_gift_and_cancelled_line"])
    assert {k: v for k, v in order.items() if k.startswith("shipping_") and k != "shipping_base"} == {
        "shipping_country_code": "SE", "shipping_city": "Stockholm", "shipping_zip_code": "114 53",
        "shipping_first_name": "Anna", "shipping_last_name": "Lindqvist", "shipping_address1": "Götgatan 14",
        "shipping_address2": "lgh 1102", "shipping_email": "anna.lindqvist@example.se",
        "shipping_phone_number": "+46 70 123 45 67",
    }
    no_address = one("orders", nodes("orders")["gift_certificate_only_without_address"])
    assert [v for k, v in no_address.items() if k.startswith("shipping_") and k != "shipping_base"] == [None] * 9


def test_given_order_items_then_only_customer_email_of_the_personal_fields(nodes: Nodes) -> None:
    for record in sales.order_items(nodes("order_items")["dtc_summer_with_gift_and_cancelled_line"]):
        assert "customer_email" in record and "shipping_email" not in record and "shipping_first_name" not in record


NO_ELEMENT_VALUES = {"value": None, "is_multi": None, "selected_value": None, "selected_value_name": None,
                     "url": None, "width": None, "height": None, "mime_type": None}


def test_given_attributes_then_each_carries_type_description_and_elements_in_centras_order(nodes: Nodes) -> None:
    order = one("orders", nodes("orders")["dtc_summer_with_gift_and_cancelled_line"])
    assert [a["type_name"] for a in order["attributes"]] == ["utm_source", "gift_wrap"]
    assert order["attributes"][0] == {
        "type_name": "utm_source", "is_mapped": False, "description": "Utm Source", "object_type": "Order",
        "elements": [{**NO_ELEMENT_VALUES, "key": "utm_source", "kind": "INPUT", "description": "Utm Source",
                      "value": "newsletter"}]}
    product = one("products", nodes("products")["with_variants_and_sizes"])
    material = product["attributes"][0]
    assert (material["type_name"], material["is_mapped"]) == ("material", True)
    assert material["elements"] == [{**NO_ELEMENT_VALUES, "key": "material", "kind": "SELECT", "description": "Material",
                                     "is_multi": False, "selected_value": "merino",
                                     "selected_value_name": "100% merino wool"}]
    swatch = product["variants"][0]["attributes"][0]["elements"][0]
    assert (swatch["kind"], swatch["width"], swatch["height"], swatch["mime_type"]) == ("IMAGE", 64, 64, "image/jpeg")
    assert one("products", nodes("products")["inactive_without_variants"])["attributes"] == []


def test_given_attributes_the_instance_cannot_return_then_null_not_empty(nodes: Nodes) -> None:
    node = copy.deepcopy(nodes("orders")["wholesale_winter"])
    del node["attributes"]
    assert one("orders", node)["attributes"] is None


@pytest.mark.parametrize("stream, case, field, key", [
    ("orders", "dtc_summer_with_gift_and_cancelled_line", "attributes", "attributes"),
    ("products", "with_variants_and_sizes", "attributes", "attributes"),
    ("orders", "dtc_summer_with_gift_and_cancelled_line", "customer_email", "customer"),
    ("returns", "dtc_completed", "customer_email", "customer"),
], ids=["order-attributes", "product-attributes", "order-customer", "return-customer"])
def test_given_field_pruned_for_a_missing_optional_permission_then_record_value_is_null(
        nodes: Nodes, stream: str, case: str, field: str, key: str) -> None:
    node = nodes(stream)[case]
    del node[key]  # the stream pruned it from the query: later pages do not carry the key at all
    assert one(stream, node)[field] is None
    denied = {**nodes(stream)[case], key: None}  # the page Centra answered with the authorization error
    assert one(stream, denied)[field] is None
