"""Mutations of the new entities: each moves updated_at (so an incremental read picks it up), stock
and prices change in place (snapshots), and the admin route and background writer reach them."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
import requests
from fake_client import UNLIMITED, Client

AT = datetime(2026, 1, 15, 12, 0, 0, tzinfo=timezone.utc)
SINCE = "2026-01-15T11:00:00Z"


@pytest.fixture
def client(fake_centra_factory) -> Client:
    return Client(fake_centra_factory(orders=300, seed=7, **UNLIMITED))


def _updated_since(client: Client, root: str) -> list[dict]:
    return client.data(f'{{ {root}(where: {{updatedAt: {{from: "{SINCE}"}}}}) {{ id updatedAt }} }}')[root]


@pytest.mark.parametrize("root, mutate, key", [
    ("customers", lambda d: d.update_customer(5, at=AT), 5),
    ("accounts", lambda d: d.update_account(3, at=AT), 3),
    ("invoices", lambda d: d.update_invoice(4, at=AT), 4),
    ("vouchers", lambda d: d.update_voucher(2, at=AT), 2),
    ("campaigns", lambda d: d.update_campaign(1, status="ACTIVE", at=AT), 1),
])
def test_given_update_mutation_when_reading_updated_since_then_exactly_that_row(client: Client, root, mutate,
                                                                                key) -> None:
    assert _updated_since(client, root) == []
    mutate(client.fake.data)
    assert _updated_since(client, root) == [{"id": key, "updatedAt": "2026-01-15T13:00:00+01:00"}]


def test_given_create_customer_then_a_new_customer_without_orders(client: Client) -> None:
    data = client.fake.data
    before = data.count_customers()
    cid = data.create_customer(2, at=AT)
    assert cid == before + 1 and data.count_customers() == before + 1
    c = data.customer(cid)
    assert (c["store_id"], c["total_orders"], c["updated_at"]) == (2, 0, AT)
    assert _updated_since(client, "customers") == [{"id": cid, "updatedAt": "2026-01-15T13:00:00+01:00"}]
    with pytest.raises(ValueError):
        data.create_customer(3)


def test_given_new_dtc_order_then_its_customer_counts_it_and_moves_updated_at(client: Client) -> None:
    data = client.fake.data
    oid = data.create_order(store_id=1, at=AT)
    cid = data.order(oid)["customer"]["id"]
    before = [c for c in data.customers() if c["id"] == cid][0]
    assert before["total_orders"] == sum(1 for o in data.orders() if o["customer"] and o["customer"]["id"] == cid)
    assert before["updated_at"] == AT and before["store_id"] == 1
    row = client.data("{ customers(where: {id: [%d]}) { totalOrders } }" % cid)["customers"][0]
    assert row["totalOrders"] == before["total_orders"]


def test_given_unpaid_invoice_when_marked_paid_then_a_payment_is_added_and_it_is_no_longer_overdue(
        client: Client) -> None:
    data = client.fake.data
    inv = next(i for i in data.invoices() if i["is_overdue"])
    data.update_invoice(inv["id"], mark_paid=True, at=AT)
    after = data.invoice(inv["id"])
    assert after["status"] == "PAID" and not after["is_overdue"] and after["updated_at"] == AT
    assert len(after["payments"]) == len(inv["payments"]) + 1
    assert round(sum(p["value"] for p in after["payments"]), 2) == after["grand_total"]
    assert after["payments"][-1]["created_at"] == AT and after["payments"][-1]["payment_date"].isoformat() == "2026-01-15"
    with pytest.raises(ValueError):
        data.update_invoice(inv["id"], mark_paid=True)
    got = client.data('{ invoices(where: {id: [%d]}) { status isOverdue payments { id type } } }' % inv["id"])
    assert got["invoices"][0]["status"] == "PAID" and got["invoices"][0]["payments"][-1]["type"] == "PAYMENT"


def test_given_newly_shipped_wholesale_order_when_invoicing_then_the_invoice_has_its_shipment_lines(
        client: Client) -> None:
    data = client.fake.data
    oid = data.create_order(store_id=3, at=AT)
    with pytest.raises(ValueError):
        data.create_invoice(oid)  # nothing shipped yet
    sid = data.create_shipment(oid, at=AT)
    iid = data.create_invoice(oid, at=AT)
    inv = data.invoice(iid)
    assert inv["shipment_ids"] == [sid] and inv["order_ids"] == [oid] and inv["status"] == "UNPAID"
    assert [ln["order_line_id"] for ln in inv["lines"]] == [ln["id"] for ln in data.order(oid)["lines"]
                                                            if ln["quantity"] > 0]
    assert inv["account_id"] == data.order(oid)["account_id"] and inv["created_at"] == AT
    with pytest.raises(ValueError):
        data.create_invoice(oid)  # already invoiced
    with pytest.raises(ValueError):
        data.create_invoice(next(o["id"] for o in data.orders() if o["store_type"] != "WHOLESALE"))
    assert [r["id"] for r in _updated_since(client, "invoices")] == [iid]


def test_given_set_stock_then_the_row_changes_and_others_stay(client: Client) -> None:
    data = client.fake.data
    before, other = data.stock_of(3), data.stock_of(1)
    target = before[5]
    row = data.set_stock(3, target["size_id"], free_to_allocate_quantity=0, physical_quantity=7)
    assert (row["free_to_allocate_quantity"], row["physical_quantity"]) == (0, 7)
    after = data.stock_of(3)
    assert [r for i, r in enumerate(after) if i != 5] == [r for i, r in enumerate(before) if i != 5]
    got = client.data("{ warehouses(where: {id: [3]}) { stock(where: {productSizeId: [%d]}) "
                      "{ freeToAllocateQuantity physicalQuantity } } }" % target["size_id"])
    assert got["warehouses"][0]["stock"] == [{"freeToAllocateQuantity": 0, "physicalQuantity": 7}]
    assert data.stock_of(1) == other  # other warehouses untouched
    with pytest.raises(ValueError):
        data.set_stock(3, target["size_id"], shelf_quantity=1)
    with pytest.raises(KeyError):
        data.set_stock(3, 1, physical_quantity=1)


def test_given_set_price_then_the_price_changes_or_becomes_null(client: Client) -> None:
    data = client.fake.data
    variant = data.prices_of(2)[0]["variant_id"]
    assert data.set_price(2, variant, 99.5)["price"] == 99.5
    got = client.data("{ pricelists(where: {id: [2]}) { prices(where: {productVariantId: [%d]}) "
                      "{ price { value currency { code } } } } }" % variant)
    assert got["pricelists"][0]["prices"] == [{"price": {"value": 99.5, "currency": {"code": "EUR"}}}]
    data.set_price(2, variant, None)
    got = client.data("{ pricelists(where: {id: [2]}) { prices(limit: 200, where: {notNull: [\"price\"]}) { id } } }")
    assert variant * 10 + 2 not in {p["id"] for p in got["pricelists"][0]["prices"]}
    assert data.prices_of(1)[0]["price"] is not None


def test_given_admin_route_then_entity_mutations_are_reachable(client: Client) -> None:
    fake = client.fake
    url = fake.url.replace("/graphql", "/admin/")
    h = {"X-Admin-Secret": fake.admin_secret}
    r = requests.post(url + "update_customer", json={"customer_id": 2, "at": int(AT.timestamp())}, headers=h, timeout=10)
    assert r.status_code == 200 and fake.data.customer(2)["updated_at"] == AT
    r = requests.post(url + "set_stock", json={"warehouse_id": 1, "size_id": 111, "physical_quantity": 3},
                      headers=h, timeout=10)
    assert r.status_code == 200 and r.json()["result"]["physical_quantity"] == 3
    r = requests.post(url + "create_customer", json={"store_id": 1}, headers=h, timeout=10)
    assert r.json()["result"] == fake.data.count_customers()
    for action, kwargs in (("update_account", {"account_id": 1}), ("update_invoice", {"invoice_id": 1}),
                           ("update_voucher", {"voucher_id": 1}), ("update_campaign", {"campaign_id": 1}),
                           ("set_price", {"pricelist_id": 1, "variant_id": 11, "price": 1.0})):
        assert requests.post(url + action, json=kwargs, headers=h, timeout=10).status_code == 200, action
    assert requests.post(url + "update_voucher", json={"voucher_id": 99}, headers=h, timeout=10).status_code == 400


def test_given_background_writer_then_it_also_changes_the_other_entities(fake_centra_factory) -> None:
    fake = fake_centra_factory(orders=300, seed=7, **UNLIMITED)
    fake.start_writer(interval_s=0.005, seed=5)
    time.sleep(0.8)
    events = fake.stop_writer()
    kinds = {e["action"] for e in events}
    assert {"create_order", "update_order"} <= kinds
    assert kinds & {"update_customer", "create_customer", "update_account", "update_invoice", "update_voucher",
                    "update_campaign"}
    for e in events:
        if e["action"] == "update_customer":
            assert fake.data.customer(e["customer_id"])["updated_at"].timestamp() >= e["at"]
        if e["action"] == "update_invoice":
            assert fake.data.invoice(e["invoice_id"])["updated_at"].timestamp() >= e["at"]
