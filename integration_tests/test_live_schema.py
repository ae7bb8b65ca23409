"""Any Centra instance: queries adapt to the live schema (plan.py). On the lean profile check succeeds
with warnings, each dropped coordinate is logged once and its fields are null (never a default); a
required element missing fails check naming it, and in read only its stream fails; attributes come in
Centra's shape; unknown enum values and bundle lines are emitted as Centra sends them."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from integration_tests import cli
from integration_tests.expected import dedupe, keys, record_keys

LEAN_DROPPED = [  # what the lean profile lacks that the connector selects, as the warnings name it
    "OrderSort.number_ASC", "Order.discountsApplied", "Query.productConnection", "Query.shipmentConnection",
    "Shipment.store", "ReturnSort.id_ASC", "ReturnTotals.lineValues(includingTax:)", "GiftCertificateOrderLine",
    "AttributeImageElement", "PaymentHistoryEntrySort.id_ASC", "StoreSort.id_ASC",
]


def warnings(result) -> list[str]:
    return [m["log"]["message"] for m in result.of_type("LOG") if m["log"]["level"] == "WARN"]


@pytest.fixture(scope="module")
def lean(fake_centra_factory_module):
    return fake_centra_factory_module(orders=200, seed=11, schema_profile="lean")


@pytest.fixture(scope="module")
def lean_read(lean):
    result = cli.run("read", cli.config_for(lean), cli.catalog(cli.discovered(cli.config_for(lean))))
    assert result.exit_code == 0, result.stderr[-2000:]
    return result


def test_given_lean_instance_then_check_succeeds_and_lists_what_it_lacks_as_warnings(lean):
    result = cli.run("check", cli.config_for(lean), timeout=60)
    status = result.connection_status
    assert status["status"] == "SUCCEEDED", status
    for coordinate in LEAN_DROPPED:
        assert coordinate in status["message"], coordinate
    assert "voucher_codes" in status["message"]  # the record fields that will be null are named
    assert "Traceback" not in result.stdout + result.stderr


def test_given_an_older_instance_without_the_newest_roots_then_check_succeeds_naming_the_streams_left_out(lean):
    """Lean's Query is an older instance's: no vouchers, no campaigns. Before: check and discover
    crashed (``PlanError: a document selects at least one root field``)."""
    check = cli.run("check", cli.config_for(lean), timeout=60)
    message = check.connection_status["message"]
    assert check.connection_status["status"] == "SUCCEEDED"
    for stream in ("vouchers", "campaigns"):
        assert f"Stream {stream} is left out: this Centra instance's API lacks the field Query.{stream}" in message
    discover = cli.run("discover", cli.config_for(lean), timeout=60)
    assert discover.exit_code == 0 and "Traceback" not in discover.stderr
    [catalog] = [m["catalog"] for m in discover.of_type("CATALOG")]
    left_out = set(cli.STREAMS) - {s["name"] for s in catalog["streams"]}
    assert {"vouchers", "campaigns"} <= left_out and not left_out & set(cli.CORE_STREAMS)  # (and the cost module's)
    lines = [m["log"]["message"] for m in discover.of_type("LOG") if "is left out" in m["log"]["message"]]
    assert sorted(line.split(" is left out")[0] for line in lines) == sorted(f"Stream {name}" for name in left_out)


def test_given_an_older_instance_then_the_nine_read_exactly(lean, lean_read):
    for stream in cli.CORE_STREAMS:
        emitted = record_keys(lean_read.records[stream], stream)
        assert len(emitted) == len(set(emitted)) and set(emitted) == keys(lean, stream), stream
    assert not lean_read.records["vouchers"] and not lean_read.records["campaigns"]


def test_given_full_instance_then_check_succeeds_without_warnings(fake_centra):
    status = cli.run("check", cli.config_for(fake_centra), timeout=60).connection_status
    assert status["status"] == "SUCCEEDED" and not status.get("message"), status


def test_given_lean_read_then_each_dropped_coordinate_is_warned_once_per_stream(lean_read):
    logged = warnings(lean_read)
    for coordinate in LEAN_DROPPED:
        mentions = [w for w in logged if coordinate in w]
        assert mentions, coordinate
        assert len(mentions) == len(set(mentions)), (coordinate, mentions)  # once per stream
    assert not [w for w in logged if "Traceback" in w]


def test_given_lean_read_then_dropped_fields_are_null_not_defaults(lean_read):
    # (the CDK's serializer leaves null fields out of RECORD messages: absent = null in the destination)
    orders = lean_read.records["orders"]
    assert orders and all(r.get("voucher_codes") is None for r in orders)  # Order.discountsApplied: null, not []
    assert all(r.get("line_values_ex_tax") is None for r in lean_read.records["returns"])
    assert all(r["line_values"] is not None for r in lean_read.records["returns"])


def test_given_lean_read_then_products_come_through_the_list_query_complete(lean, lean_read):
    assert set(record_keys(lean_read.records["products"], "products")) == keys(lean, "products")
    assert lean.stats()["by_root_field"].get("products", 0) > 0
    assert "productConnection" not in lean.stats()["by_root_field"]


def test_given_products_updated_while_the_list_query_pages_then_none_is_lost(fake_centra_factory):
    """Time paging (updatedAt.from advances, ids deduped) stays correct when rows move to the end."""
    fake = fake_centra_factory(orders=120, seed=5, schema_profile="lean")
    ids = sorted(keys(fake, "products"))
    fake.configure(latency_ms=30)
    fake.start_writer(interval_s=0.01, seed=3)
    result = cli.run("read", cli.config_for(fake, page_size=5), cli.catalog(["products"], mode="full_refresh"))
    fake.stop_writer()
    assert result.exit_code == 0, result.stderr[-2000:]
    emitted = record_keys(result.records["products"], "products")
    assert set(emitted) >= set(ids)


def test_given_required_element_missing_then_check_fails_naming_it_and_only_its_stream_fails(fake_centra_factory):
    fake = fake_centra_factory(orders=80, seed=7, schema_drop=["ReturnLine.quantity"])
    status = cli.run("check", cli.config_for(fake), timeout=60).connection_status
    assert status["status"] == "FAILED"
    message = status["message"]
    assert "ReturnLine.quantity" in message and "return_items (quantity)" in message, message
    assert "Did you mean" not in message
    result = cli.run("read", cli.config_for(fake), cli.catalog(["return_items", "order_items", "returns"]))
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    failed = [e for e in result.errors if e.get("stream_descriptor", {}).get("name") == "return_items"]
    assert failed and failed[0]["failure_type"] == "config_error" and "ReturnLine.quantity" in failed[0]["message"]
    assert set(record_keys(result.records["order_items"], "order_items")) == keys(fake, "order_items")
    assert set(record_keys(result.records["returns"], "returns")) == keys(fake, "returns")
    checkpointed = {s["stream"]["stream_descriptor"]["name"] for s in result.states}
    assert {"order_items", "returns"} <= checkpointed


def test_given_attributes_then_records_carry_centras_shape_equal_to_the_generator(fake_centra_module):
    fake = fake_centra_module
    result = cli.run("read", cli.config_for(fake), cli.catalog(["products", "orders"], mode="full_refresh"))
    assert result.exit_code == 0, result.stderr[-2000:]
    products = dedupe(result.records["products"], "products")
    for product in fake.data.products():
        record = products[product["id"]]
        assert [a["type_name"] for a in record["attributes"]] == [a["type"]["name"] for a in product["attributes"]]
        for emitted, generated in zip(record["attributes"], product["attributes"]):
            assert [e["key"] for e in emitted["elements"]] == [e["key"] for e in generated["elements"]]
            for e_emitted, e_generated in zip(emitted["elements"], generated["elements"]):
                assert e_emitted["kind"] == e_generated["kind"]
                for field in ("value", "selected_value", "selected_value_name", "url", "width", "height", "mime_type"):
                    assert e_emitted[field] == e_generated.get(field), field
        for variant, generated in zip(record["variants"], product["variants"]):
            assert [a["type_name"] for a in variant["attributes"]] == [a["type"]["name"] for a in generated["attributes"]]
    orders = dedupe(result.records["orders"], "orders")
    with_gift = [o for o in fake.data.orders() if o["attributes"]]
    assert with_gift
    for order in with_gift:
        assert [a["type_name"] for a in orders[order["id"]]["attributes"]] == [a["type"]["name"] for a in order["attributes"]]


def test_given_unknown_enum_values_and_bundle_lines_then_emitted_as_sent_with_one_warning_each(fake_centra_factory):
    fake = fake_centra_factory(orders=200, seed=9, unknown_enum=True, bundle_lines=True)
    result = cli.run("read", cli.config_for(fake), cli.catalog(["order_items", "orders", "payment_history"]))
    assert result.exit_code == 0, result.stderr[-2000:]
    unknown = fake.data.unknown_enum_values()
    items = result.records["order_items"]
    assert any(r["order_status"] == unknown["OrderStatus"] for r in items)
    assert any(r["entry_type"] == unknown["PaymentHistoryEntryType"] for r in result.records["payment_history"])
    assert set(record_keys(items, "order_items")) == keys(fake, "order_items")  # nothing dropped
    logged = warnings(result)
    for value in unknown.values():
        assert sum(f"'{value}'" in w for w in logged) == len({s for s in ("order_items", "orders", "payment_history")
                                                             if any(f"'{value}'" in w and f"Stream {s}:" in w for w in logged)})
        assert any(f"'{value}'" in w for w in logged), value
    by_key = dedupe(items, "order_items")
    bundles = 0
    for order in fake.data.orders():
        for line in order["lines"]:
            record = by_key[(order["id"], line["id"])]
            if line["type"] in ("BundleOrderLine", "BundleItemOrderLine"):
                bundles += 1
                assert record["line_type"] == {"BundleOrderLine": "bundle", "BundleItemOrderLine": "bundle_item"}[line["type"]]
                assert record["product_id"] == line["product_id"] and record["sku"] == line["sku"]
    assert bundles
    sums: dict[str, float] = {}
    for record in items:
        sums[record["order_id"]] = round(sums.get(record["order_id"], 0.0) + record["line_value"], 2)
    headers = dedupe(result.records["orders"], "orders")
    assert all(abs(total - headers[oid]["line_values"]) <= 0.011 for oid, total in sums.items())


def test_given_customers_updated_while_read_without_a_time_sort_then_no_unchanged_one_is_skipped(fake_centra_factory):
    """Lean: CustomerSort lacks updatedAt_ASC, so customers are read by page number from the last page
    back (paging.py); rows updated meanwhile leave the window and shift only rows already read."""
    fake = fake_centra_factory(orders=300, seed=5, schema_profile="lean")
    ids = keys(fake, "customers")
    fake.configure(latency_ms=80)
    started = datetime.now(timezone.utc).replace(microsecond=0)
    fake.start_writer(interval_s=0.002, seed=4)
    result = cli.run("read", cli.config_for(fake, page_size=5), cli.catalog(["customers"]))
    fake.stop_writer()
    assert result.exit_code == 0, result.stderr[-2000:]
    # updated during the read (directly, or by a new order of theirs): they left the window, next sync has them
    touched = {c["id"] for c in fake.data.customers() if c["updated_at"] >= started}
    assert touched, "the writer changed no customer during the read"
    emitted = set(record_keys(result.records["customers"], "customers"))
    assert ids - touched <= emitted, sorted(ids - touched - emitted)[:10]
