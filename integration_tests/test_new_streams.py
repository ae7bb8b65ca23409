"""The streams beyond Supermetrics (rows with ``optional=True``): every key of the fake arrives, a second
sync brings exactly what changed, a restart mid-snapshot re-reads at most one page per parent, a
token without their permissions passes check and discover leaves them out, and under pii_handling
hash/drop no raw personal value leaves the connector from any stream."""
from __future__ import annotations

import json

import pytest

from integration_tests import cli
from integration_tests.expected import keys, record_keys
from source_centra.streams import STREAMS

NEW = [spec.name for spec in STREAMS if spec.optional]
INCREMENTAL_NEW = [spec.name for spec in STREAMS if spec.optional and spec.cursor_field]
SNAPSHOTS = [spec.name for spec in STREAMS if spec.snapshot]

pytestmark = pytest.mark.skipif(not NEW, reason="no optional streams declared yet")


@pytest.fixture(scope="module")
def fake(fake_centra_factory_module):
    return fake_centra_factory_module(orders=150, seed=17)


@pytest.fixture(scope="module")
def first_sync(fake):
    result = cli.run("read", cli.config_for(fake), cli.catalog(NEW))
    assert result.exit_code == 0, result.stderr[-2000:]
    return result


@pytest.mark.parametrize("stream", NEW)
def test_given_fresh_sync_then_every_key_of_the_fake_arrives_exactly_once(fake, first_sync, stream):
    emitted = record_keys(first_sync.records[stream], stream)
    expected = keys(fake, stream)
    assert expected, f"the fake has no {stream}"
    assert len(emitted) == len(set(emitted)) and set(emitted) == expected


@pytest.mark.parametrize("stream", SNAPSHOTS)
def test_given_snapshot_then_every_record_carries_when_it_was_read(first_sync, stream):
    stamps = {r["synced_at"] for r in first_sync.records[stream]}
    assert len(stamps) == 1 and next(iter(stamps)).endswith("+00:00")


def test_given_changes_between_syncs_then_the_second_sync_brings_exactly_the_changed_rows(fake_centra_factory):
    fake = fake_centra_factory(orders=150, seed=23)
    config = cli.config_for(fake, lookback_window_days=0)
    catalog = cli.catalog(INCREMENTAL_NEW)
    first = cli.run("read", config, catalog)
    assert first.exit_code == 0, first.stderr[-2000:]
    changed = fake.data.touch_new_entities() if hasattr(fake.data, "touch_new_entities") else _touch(fake)
    second = cli.run("read", config, catalog, state=first.last_state_messages())
    assert second.exit_code == 0, second.stderr[-2000:]
    for stream in INCREMENTAL_NEW:
        got = set(record_keys(second.records[stream], stream))
        assert got == changed[stream], (stream, sorted(got)[:5], sorted(changed[stream])[:5])


def _touch(fake) -> dict[str, set]:
    """Change a few rows of every incremental new stream through the fake's mutation for it: by the fake
    entity's convention ``update_<stream without its plural s>(id)`` (update_customer, update_invoice, …)."""
    data = fake.data
    changed: dict[str, set] = {stream: set() for stream in INCREMENTAL_NEW}
    for stream in INCREMENTAL_NEW:
        touch = getattr(data, f"touch_{stream}", None)  # rows that change otherwise (the stock ledger grows)
        if touch is not None:
            for name, keys in touch().items():
                changed[name] |= keys
            continue
        mutation = getattr(data, "update_" + stream.removesuffix("s"), None)
        assert mutation is not None, f"the fake has no update_{stream.removesuffix('s')}(id) for {stream}"
        ids = [row["id"] for row in getattr(data, stream)()][:3]
        for ident in ids:
            mutation(ident)
        changed[stream] |= set(ids)
    return changed


@pytest.mark.parametrize("stream", SNAPSHOTS)
def test_given_restart_mid_snapshot_then_at_most_one_page_per_parent_is_read_again(fake_centra_factory, stream):
    fake = fake_centra_factory(orders=60, seed=29, latency_ms=20)
    catalog = cli.catalog([stream])
    killed = cli.run("read", cli.config_for(fake), catalog, kill_after_records=450)
    states = killed.last_state_messages()
    assert states, "no checkpoint before the kill"
    position = states[-1]["stream"]["stream_state"]
    assert position.get("parent") is not None and "__ab_full_refresh_sync_complete" not in position, position
    resumed = cli.run("read", cli.config_for(fake), catalog, state=states)
    assert resumed.exit_code == 0, resumed.stderr[-2000:]
    before = record_keys(killed.records[stream], stream)
    after = record_keys(resumed.records[stream], stream)
    assert set(before) | set(after) == keys(fake, stream)
    # the state points at the next page to read: a restart re-reads at most the page being emitted
    assert len(set(before) & set(after)) <= 200, len(set(before) & set(after))
    final = resumed.last_state_messages()[-1]["stream"]["stream_state"]
    assert final == {"__ab_full_refresh_sync_complete": True}


def test_given_token_without_stock_and_price_permissions_then_check_passes_and_discover_leaves_them_out(fake):
    everything = [p for spec in STREAMS for p in spec.permissions] + [
        "Order.attributes:read", "Product.attributes:read", "ProductVariant.attributes:read", "Customer:read",
        "Currency:read", "Customer.totalOrders:read", "Customer.billingAddress:read", "Buyer:read"]
    token = fake.create_token(permissions=[p for p in set(everything) if p not in ("Warehouse.stock:read", "Price:read")])
    config = {**cli.config_for(fake), "api_token": token}
    status = cli.run("check", config, timeout=60).connection_status
    assert status["status"] == "SUCCEEDED", status
    assert "Stream stock is left out" in status["message"] and "Stream prices is left out" in status["message"]
    discovered = cli.run("discover", config, timeout=60)
    names = {s["name"] for s in discovered.of_type("CATALOG")[0]["catalog"]["streams"]}
    assert "stock" not in names and "prices" not in names and {"warehouses", "pricelists", "orders"} <= names
    lines = [m["log"]["message"] for m in discovered.of_type("LOG") if "is left out" in m["log"]["message"]]
    assert len([l for l in lines if l.startswith("Stream stock ")]) == 1
    assert len([l for l in lines if l.startswith("Stream prices ")]) == 1


def _personal_values(fake) -> set[str]:
    data = fake.data
    values: set[str] = set()
    for customer in data.customers():
        for key in ("email", "first_name", "last_name", "phone_number", "cell_phone_number"):
            if customer.get(key):
                values.add(str(customer[key]))
    for account in data.accounts():
        for key in ("account_email", "billing_email", "shipping_email"):
            if account.get(key):
                values.add(str(account[key]))
    for order in data.orders():
        address = order.get("shipping_address") or {}
        for key in ("first_name", "last_name", "address1", "email", "phone_number"):
            if address.get(key):
                values.add(str(address[key]))
    return {v for v in values if len(v) > 3}


@pytest.mark.parametrize("mode", ["hash", "drop"])
def test_given_hash_or_drop_then_no_raw_personal_value_in_any_record_of_any_stream(fake, mode):
    result = cli.run("read", cli.config_for(fake, pii_handling=mode), cli.catalog(mode="full_refresh"))
    assert result.exit_code == 0, result.stderr[-2000:]
    personal = _personal_values(fake)
    assert personal
    leaks = []
    for stream, records in result.records.items():
        for record in records:
            text = json.dumps(record, ensure_ascii=False)
            leaks += [(stream, value) for value in personal if value in text]
    assert not leaks, leaks[:10]
