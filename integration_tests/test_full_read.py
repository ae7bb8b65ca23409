"""A full read of every stream (every row of streams.STREAMS) equals the fake Centra's data, on both
schema profiles: every key, and the contract fields of a sample of records compared with the
generator's own values."""
import random

import pytest

from integration_tests import cli
from integration_tests.expected import STREAM_KEYS, dedupe, keys, record_keys, utc
from source_centra.context import stream_gap
from source_centra.streams import STREAMS_BY_NAME


def left_out(fake) -> set[str]:
    """The optional streams this profile's API cannot serve (lean: an older instance without the newest
    roots, and without the cost module)."""
    return {name for name in cli.STREAMS if stream_gap(STREAMS_BY_NAME[name], fake.schema)}


@pytest.fixture(scope="module", params=["full", "lean"])
def synced(request, fake_centra_factory_module):
    """One full read per schema profile of every stream (a catalog older than the instance names all of
    them): Centra's published schema, and an older/leaner one lacking every selection the public evidence
    leaves unconfirmed, the newest roots and the cost module (fake_centra/profiles.py)."""
    fake = fake_centra_factory_module(orders=300, seed=7, schema_profile=request.param)
    offered = cli.discovered(cli.config_for(fake))
    assert set(STREAM_KEYS) - set(offered) == left_out(fake)
    assert request.param == "full" or {"vouchers", "campaigns"} <= left_out(fake)
    result = cli.run("read", cli.config_for(fake), cli.catalog())
    assert result.exit_code == 0, result.stderr[-2000:]
    return fake, result


@pytest.mark.parametrize("stream", list(STREAM_KEYS))
def test_given_fresh_sync_then_every_key_of_the_fake_arrives_exactly_once(synced, stream):
    fake, result = synced
    if stream_gap(STREAMS_BY_NAME[stream], fake.schema):  # an optional stream this profile cannot serve (lean: costs)
        logs = [m["log"]["message"] for m in result.of_type("LOG")]
        assert not result.records[stream] and len([m for m in logs if f"Stream {stream} is left out" in m]) == 1
        return
    emitted = record_keys(result.records[stream], stream)
    expected = keys(fake, stream)
    assert expected, f"the fake has no {stream}"
    assert len(emitted) == len(set(emitted)), "duplicate primary keys in a single fresh sync"
    assert set(emitted) == expected


def test_given_order_items_then_contract_fields_match_generator(synced):
    fake, result = synced
    by_key = dedupe(result.records["order_items"], "order_items")
    orders = list(fake.data.orders())
    sample = random.Random(3).sample(orders, 40)
    cancelled_seen = False
    for order in sample:
        for line in order["lines"]:
            record = by_key[(order["id"], line["id"])]
            assert record["order_number"] == order["number"]
            assert record["order_status"] == order["status"]
            assert record["store_id"] == order["store_id"]
            assert record["order_updated_at"] == utc(order["updated_at"])
            assert record["order_created_at"] == utc(order["created_at"])
            assert record["order_date"] == utc(order["order_date"])
            assert record["currency"] == order["currency"]
            assert record["currency_base_rate"] == pytest.approx(order["currency_base_rate"])
            assert record["market_id"] == order["market_id"] and record["pricelist_id"] == order["pricelist_id"]
            assert record["shipping_country_code"] == order["shipping_address"]["country_code"]
            assert record["shipping_city"] == order["shipping_address"]["city"]
            assert record["shipping_zip_code"] == order["shipping_address"]["zip_code"]
            for field in ("quantity", "cancelled_quantity", "returned_quantity"):
                assert record[field] == line[field], field
            for field in ("unit_price", "unit_original_price", "line_value", "line_value_ex_tax", "discount_percent", "tax_percent"):
                assert record[field] == pytest.approx(line[field]), field
            if line["type"] == "ProductOrderLine":
                assert (record["sku"], record["ean"], record["size"]) == (line["sku"], line["ean"], line["size"])
                assert record["product_id"] == line["product_id"] and record["variant_id"] == line["variant_id"]
            cancelled_seen |= line["quantity"] == 0 and line["cancelled_quantity"] > 0
        store_type = {s["id"]: s["type"] for s in fake.data.stores()}[order["store_id"]]
        assert {by_key[(order["id"], line["id"])]["store_type"] for line in order["lines"]} == {store_type}


def test_given_order_items_then_line_values_reconcile_with_order_totals(synced):
    fake, result = synced
    sums: dict[str, float] = {}
    for record in result.records["order_items"]:
        sums[record["order_id"]] = sums.get(record["order_id"], 0.0) + record["line_value"]
    headers = dedupe(result.records["orders"], "orders")
    mismatched = [oid for oid, total in sums.items() if abs(total - headers[oid]["line_values"]) > 0.011]
    assert not mismatched, mismatched[:5]


def test_given_returns_and_other_streams_then_fields_match_generator(synced):
    fake, result = synced
    returns = dedupe(result.records["returns"], "returns")
    for ret in fake.data.returns():
        record = returns[ret["id"]]
        assert record["created_at"] == utc(ret["created_at"])
        assert record["return_status"] == ret["return_status"]
        assert record["store_id"] == ret["store_id"] and record["order_id"] == ret["order_id"]
    items = dedupe(result.records["return_items"], "return_items")
    for ret in fake.data.returns():
        for line in ret["lines"]:
            record = items[(ret["id"], line["id"])]
            assert record["quantity"] == line["quantity"]
            assert record["order_line_id"] == line["order_line_id"]
            assert record["shipment_line_id"] == line["shipment_line_id"]
            assert record["line_value"] == pytest.approx(line["line_value"])
    shipments = dedupe(result.records["shipments"], "shipments")
    for shipment in fake.data.shipments():
        assert shipments[shipment["id"]]["updated_at"] == utc(shipment["updated_at"])
        assert shipments[shipment["id"]]["order_id"] == shipment["order_id"]
        assert shipments[shipment["id"]]["store_id"] == shipment["store_id"]  # lean: from the store partition
    payments = dedupe(result.records["payment_history"], "payment_history")
    for payment in fake.data.payments():
        record = payments[payment["id"]]
        assert (record["entry_type"], record["order_id"], record["created_at"]) == (
            payment["entry_type"], payment["order_id"], utc(payment["created_at"]))
        assert record["value"] == pytest.approx(payment["value"])
    products = dedupe(result.records["products"], "products")
    for product in fake.data.products():
        skus = {size["sku"] for variant in products[product["id"]]["variants"] for size in variant["sizes"]}
        assert skus == {size["sku"] for variant in product["variants"] for size in variant["sizes"]}


def test_given_sync_then_timestamps_are_utc_with_offset(synced):
    _, result = synced
    for stream, field in [("order_items", "order_updated_at"), ("returns", "created_at"), ("shipments", "updated_at"),
                          ("payment_history", "created_at"), ("products", "updated_at")]:
        assert all(r[field].endswith("+00:00") for r in result.records[stream]), stream


def test_given_sync_then_state_per_store_partition_and_progress_traces(synced):
    fake, result = synced
    [state] = [s for s in result.last_state_messages() if s["stream"]["stream_descriptor"]["name"] == "order_items"]
    partitions = state["stream"]["stream_state"]["partitions"]
    assert set(partitions) == {str(s["id"]) for s in fake.data.stores()}
    assert all("cursor" in p and "window" not in p for p in partitions.values())
    estimates = [t for t in result.traces if t.get("type") == "ESTIMATE"]
    # totals come from connections: on the lean profile shipments and products are read through list queries
    counted = {"order_items", "orders"} | ({"shipments", "products"} if fake.schema_profile == "full" else set())
    assert {e["estimate"]["name"] for e in estimates} >= counted
    statuses = [t["stream_status"]["status"] for t in result.traces if t.get("type") == "STREAM_STATUS"]
    assert statuses.count("COMPLETE") == len(cli.STREAMS)  # (a stream left out completes with no records)


def test_given_store_ids_then_only_those_stores(fake_centra_module):
    fake = fake_centra_module
    result = cli.run("read", cli.config_for(fake, store_ids=[3]), cli.catalog(["order_items", "payment_history", "stores", "markets", "products"]))
    assert result.exit_code == 0, result.stderr[-2000:]
    for stream in ("order_items", "payment_history", "stores", "markets"):
        assert set(record_keys(result.records[stream], stream)) == keys(fake, stream, {3}), stream
    assert {r["store_type"] for r in result.records["order_items"]} == {"WHOLESALE"}
    assert set(record_keys(result.records["products"], "products")) == keys(fake, "products")  # instance-wide
