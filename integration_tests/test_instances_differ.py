"""Instances that differ from fake_centra/schema.graphql in one plausible way, one test per kind of
difference (the in-process mutation suite, unit_tests/test_schema_mutations.py, covers every element;
these run the real connector end to end on the fake): check → discover → a read of every stream
discover offers, records compared with the generator's own data. And a stream's state stays valid
when the instance gains the filter it lacked (an upgrade between two syncs)."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from integration_tests import cli
from integration_tests.expected import dedupe, keys, record_keys, utc

ORDERS = 60
FAST = {"quota_requests": 100_000, "quota_requests_hour": 10**7, "quota_complexity": 10**9}  # no pacing waits

def warnings(result) -> list[str]:
    return [m["log"]["message"] for m in result.of_type("LOG") if m["log"]["level"] == "WARN"]


def logged(result) -> list[str]:
    return [m["log"]["message"] for m in result.of_type("LOG")]


def check_discover_read(fake, **config):
    """(check status, {stream: sync modes} discover offers, discover's run, the read of all of them)."""
    status = cli.run("check", cli.config_for(fake, **config), timeout=120).connection_status
    discovered = cli.run("discover", cli.config_for(fake, **config), timeout=120)
    assert discovered.exit_code == 0, discovered.stderr[-2000:]
    [catalog] = [m["catalog"] for m in discovered.of_type("CATALOG")]
    offered = {s["name"]: s["supported_sync_modes"] for s in catalog["streams"]}
    result = cli.run("read", cli.config_for(fake, **config), cli.catalog(list(offered)))
    assert result.exit_code == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr + discovered.stderr
    return status, offered, discovered, result


def assert_every_offered_stream_exact(fake, offered, result) -> None:
    for stream in offered:
        emitted = record_keys(result.records[stream], stream)
        assert set(emitted) == keys(fake, stream), stream


def test_given_an_optional_root_gone_then_check_succeeds_naming_the_stream_left_out(fake_centra_factory):
    fake = fake_centra_factory(orders=ORDERS, seed=7, **FAST, schema_drop=["Query.customers"])
    status, offered, discovered, result = check_discover_read(fake)
    assert status["status"] == "SUCCEEDED", status
    assert "Stream customers is left out" in status["message"] and "Query.customers" in status["message"]
    assert "customers" not in offered and len(offered) == len(cli.STREAMS) - 1
    lines = [line for line in logged(discovered) if "Stream customers is left out" in line]
    assert len(lines) == 1 and "Query.customers" in lines[0]
    assert_every_offered_stream_exact(fake, offered, result)


def test_given_a_partition_filter_gone_then_the_stream_is_read_instance_wide_with_the_store_from_each_record(
        fake_centra_factory):
    """Before: check failed for the whole connection (``CategoryFilter.storeId … cannot do without``)."""
    fake = fake_centra_factory(orders=ORDERS, seed=7,
                               schema_drop=["CustomerFilter.storeId", "CategoryFilter.storeId", "CampaignFilter.storeId"])
    status, offered, _, result = check_discover_read(fake)
    assert status["status"] == "SUCCEEDED", status
    for stream, filter_field in (("customers", "CustomerFilter.storeId"), ("categories", "CategoryFilter.storeId"),
                                 ("campaigns", "CampaignFilter.storeId")):
        assert f"Stream {stream} is read instance-wide" in status["message"] and filter_field in status["message"]
        assert stream in offered
    assert_every_offered_stream_exact(fake, offered, result)
    customers = dedupe(result.records["customers"], "customers")
    assert all(customers[c["id"]]["store_id"] == c["store_id"] for c in fake.data.customers())
    categories = dedupe(result.records["categories"], "categories")
    assert all(categories[c["id"]]["store_id"] == c["store_id"] for c in fake.data.categories())
    assert all(record.get("store_id") is None for record in result.records["campaigns"])  # Campaign has no store
    states = {s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"] for s in result.last_state_messages()}
    assert set(states["customers"]["partitions"]) == {"all"}


def test_given_a_cursor_gone_then_the_stream_is_offered_as_full_refresh_only_and_still_exact(fake_centra_factory):
    fake = fake_centra_factory(orders=ORDERS, seed=7, **FAST, schema_drop=["CampaignFilter.updatedAt", "Invoice.updatedAt",
                                                                   "WholesaleInvoice.updatedAt"])
    status, offered, _, result = check_discover_read(fake)  # (the catalog still asks campaigns incrementally)
    assert status["status"] == "SUCCEEDED", status
    assert offered["campaigns"] == ["full_refresh"] and offered["invoices"] == ["full_refresh"]
    assert "incremental" in offered["customers"]
    assert "Stream campaigns is read as full refresh only" in status["message"]
    assert_every_offered_stream_exact(fake, offered, result)
    campaigns = dedupe(result.records["campaigns"], "campaigns")
    assert all(campaigns[c["id"]]["updated_at"] == utc(c["updated_at"]) for c in fake.data.campaigns())
    assert all(record.get("updated_at") is None for record in result.records["invoices"])  # the instance has none


def test_given_a_nested_snapshot_path_gone_then_its_stream_is_left_out_and_its_parents_still_read(fake_centra_factory):
    fake = fake_centra_factory(orders=ORDERS, seed=7, **FAST, schema_drop=["Warehouse.stock", "PricelistFilter.id"])
    status, offered, discovered, result = check_discover_read(fake)
    assert status["status"] == "SUCCEEDED", status
    assert "stock" not in offered and "prices" not in offered
    assert {"warehouses", "pricelists"} <= set(offered)
    for stream, coordinate in (("stock", "Warehouse.stock"), ("prices", "PricelistFilter.id")):
        lines = [line for line in logged(discovered) if f"Stream {stream} is left out" in line]
        assert len(lines) == 1 and coordinate in lines[0], lines
    assert_every_offered_stream_exact(fake, offered, result)


def test_given_an_optional_field_of_a_core_stream_gone_then_it_is_null_with_one_warning(fake_centra_factory):
    lines = ["OrderLine", "ProductOrderLine", "GiftCertificateOrderLine", "BundleOrderLine", "BundleItemOrderLine"]
    fake = fake_centra_factory(orders=ORDERS, seed=7, **FAST, schema_drop=[f"{line}.hasAnyDiscount" for line in lines])
    status, offered, _, result = check_discover_read(fake)
    assert status["status"] == "SUCCEEDED" and "hasAnyDiscount" in status["message"], status
    assert set(cli.STREAMS) == set(offered)
    assert_every_offered_stream_exact(fake, offered, result)
    items = dedupe(result.records["order_items"], "order_items")
    assert all(record.get("has_any_discount") is None for record in items.values())
    for order in fake.data.orders():
        for line in order["lines"]:
            record = items[(order["id"], line["id"])]
            assert record["line_value"] == pytest.approx(line["line_value"]) and record["quantity"] == line["quantity"]
    told = [w for w in warnings(result) if "hasAnyDiscount" in w and "Stream order_items" in w]
    assert len(told) == 1, told


def test_given_line_types_declaring_a_shared_field_with_other_nullability_then_the_main_streams_read_exactly(
        fake_centra_factory):
    """Before: order_items and return_items failed with graphql-core's text (overlapping fields)."""
    fake = fake_centra_factory(orders=ORDERS, seed=7, **FAST, schema_retype={"GiftCertificateOrderLine.productNumber": "String",
                                                                     "BundleOrderLine.productName": "String!"})
    status, offered, _, result = check_discover_read(fake)
    assert status["status"] == "SUCCEEDED", status
    assert set(cli.STREAMS) == set(offered)
    assert_every_offered_stream_exact(fake, offered, result)
    items = dedupe(result.records["order_items"], "order_items")
    gift = 0
    for order in fake.data.orders():
        for line in order["lines"]:
            record = items[(order["id"], line["id"])]
            assert (record["product_number"], record["product_name"]) == (line.get("product_number"),
                                                                          line.get("product_name")), line
            gift += line["type"] == "GiftCertificateOrderLine"
    assert gift, "the fake made no gift-certificate line"
    assert not [w for w in warnings(result) if "productNumber" in w or "conflict" in w]


def test_given_bundle_lines_whose_fields_are_aliased_per_type_then_their_follow_ups_are_restored_exactly(
        fake_centra_factory):
    """Bundle lines' fields are left out of the order page and asked by id in a follow-up (sparse.py); with
    a field declared differently on the bundle line type the plan aliases it per type, so the follow-up's
    answer carries the alias too and must be renamed back like the page's (stream.py page_of: the full
    plan's restore). Without that the bundle lines' product name was null."""
    fake = fake_centra_factory(orders=ORDERS, seed=7, **FAST, bundle_lines=True,
                               schema_retype={"BundleOrderLine.productName": "String!"})
    status, offered, _, result = check_discover_read(fake)
    assert status["status"] == "SUCCEEDED", status
    assert_every_offered_stream_exact(fake, offered, result)
    items = dedupe(result.records["order_items"], "order_items")
    bundles = 0
    for order in fake.data.orders():
        for line in order["lines"]:
            record = items[(order["id"], line["id"])]
            assert record["product_name"] == line.get("product_name"), line
            bundles += line["type"] == "BundleOrderLine"
    assert bundles, "the fake made no bundle line"


def test_given_an_instance_gaining_its_store_filter_between_syncs_then_no_record_is_lost(fake_centra_factory):
    """A sync under the drop (customers read instance-wide: state partition "all"), customers updated,
    the instance upgraded, a sync from the saved state: partitioned again, every update arrives."""
    fake = fake_centra_factory(orders=ORDERS, seed=7, **FAST, schema_drop=["CustomerFilter.storeId"])
    config = cli.config_for(fake, lookback_window_days=0)
    first = cli.run("read", config, cli.catalog(["customers"]))
    assert first.exit_code == 0, first.stderr[-2000:]
    [state] = first.last_state_messages()
    assert set(state["stream"]["stream_state"]["partitions"]) == {"all"}
    later = datetime.now(timezone.utc) + timedelta(seconds=2)
    changed = sorted(keys(fake, "customers"))[::7]
    for customer_id in changed:
        fake.data.update_customer(customer_id, at=later)
    fake.change_schema(schema_drop=())
    time.sleep(max(0.0, (later - datetime.now(timezone.utc)).total_seconds()) + 1.1)  # the next window holds them
    second = cli.run("read", config, cli.catalog(["customers"]), state=[state])
    assert second.exit_code == 0, second.stderr[-2000:]
    [after] = second.last_state_messages()
    partitions = after["stream"]["stream_state"]["partitions"]
    assert {str(s["id"]) for s in fake.data.stores()} <= set(partitions)
    emitted = {r["id"]: r for r in first.records["customers"]}
    emitted.update({r["id"]: r for r in second.records["customers"]})
    assert set(emitted) == keys(fake, "customers")  # nothing lost across the change
    again = {r["id"] for r in second.records["customers"]}
    assert set(changed) <= again  # the updates arrived
    assert len(again) < len(emitted)  # and the second sync started from the saved cursor, not from scratch
    truth = {c["id"]: c for c in fake.data.customers()}
    assert all(emitted[i]["updated_at"] == utc(truth[i]["updated_at"]) for i in changed)
