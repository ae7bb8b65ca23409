"""Permissions and store restrictions on the new entities: a root without its permission is null with
Centra's authorization error; a guarded nested field (Warehouse.stock, Pricelist.prices,
Customer.totalOrders, ...) is nulled alone while the rest of the object is answered."""

from __future__ import annotations

import pytest
from fake_client import UNLIMITED, Client

ROOT_PERMISSIONS = {
    "customers": "Customer:read", "accounts": "Account:read", "invoices": "Invoice:read",
    "vouchers": "Voucher:read", "campaigns": "Campaign:read", "warehouses": "Warehouse:read",
    "pricelists": "Pricelist:read", "brands": "Brand:read", "categories": "Category:read",
    "collections": "Collection:read", "countries": "Country:read",
}


@pytest.fixture(scope="module")
def client(fake_centra_factory_module) -> Client:
    return Client(fake_centra_factory_module(orders=300, seed=7, **UNLIMITED))


@pytest.mark.parametrize("root", sorted(ROOT_PERMISSIONS))
def test_given_token_without_the_roots_permission_then_root_null_with_authorization_error(
        client: Client, root: str) -> None:
    others = [p for p in ROOT_PERMISSIONS.values() if p != ROOT_PERMISSIONS[root]]
    tok = client.fake.create_token(others)
    body = client.post(f"{{ {root}(limit: 1) {{ id }} }}", token=tok).json()
    assert body["data"] == {root: None}
    assert body["errors"][0]["message"] == f"You need {ROOT_PERMISSIONS[root]} permission to access {root}."
    assert body["errors"][0]["extensions"] == {"category": "authorization"}
    assert body["extensions"]["permissionsUsed"] == [ROOT_PERMISSIONS[root]]
    full = client.post(f"{{ {root}(limit: 1) {{ id }} }}", token=client.fake.create_token([ROOT_PERMISSIONS[root]]))
    assert "errors" not in full.json() and full.json()["data"][root]


def test_given_token_without_warehouse_stock_read_then_only_stock_is_null(client: Client) -> None:
    tok = client.fake.create_token(["Warehouse:read"])
    body = client.post("{ warehouses { id name status stock(limit: 5) { freeToAllocateQuantity } } }", token=tok).json()
    rows = body["data"]["warehouses"]
    assert [(r["id"], r["stock"]) for r in rows] == [(w["id"], None) for w in client.fake.data.warehouses()]
    assert all(r["name"] for r in rows)
    assert {e["message"] for e in body["errors"]} == {
        "You need Warehouse.stock:read permission to access stock."}
    assert [e["path"] for e in body["errors"]] == [["warehouses", i, "stock"] for i in range(len(rows))]
    assert body["extensions"]["permissionsUsed"] == ["Warehouse.stock:read", "Warehouse:read"]


def test_given_token_without_price_read_then_only_prices_are_null(client: Client) -> None:
    tok = client.fake.create_token(["Pricelist:read"])
    body = client.post("{ pricelists { id currency { code } prices { id } } }", token=tok).json()
    assert all(p["prices"] is None and p["currency"]["code"] for p in body["data"]["pricelists"])
    assert {e["message"] for e in body["errors"]} == {"You need Price:read permission to access prices."}


@pytest.mark.parametrize("field, permission", [
    ("totalOrders", "Customer.totalOrders:read"),
    ("billingAddress { city }", "Customer.billingAddress:read"),
])
def test_given_token_without_a_customer_field_permission_then_only_that_field_is_null(
        client: Client, field: str, permission: str) -> None:
    tok = client.fake.create_token(["Customer:read"])
    body = client.post(f"{{ customers(limit: 3) {{ id email {field} }} }}", token=tok).json()
    name = field.split()[0]
    assert [(c["id"], c[name]) for c in body["data"]["customers"]] == [(1, None), (2, None), (3, None)]
    assert {e["message"] for e in body["errors"]} == {f"You need {permission} permission to access {name}."}


def test_given_token_without_customer_attributes_read_then_the_null_bubbles_to_the_list(client: Client) -> None:
    # attributes is [Attribute!]! (ObjectWithAttributes), so as on orders the list becomes null
    tok = client.fake.create_token(["Customer:read"])
    body = client.post("{ customers(limit: 2) { id attributes { type { name } } } }", token=tok).json()
    assert body["data"] == {"customers": None}
    assert body["errors"][0]["message"] == "You need Customer.attributes:read permission to access attributes."


def test_given_customer_attributes_then_every_fourth_customer_has_a_loyalty_tier(client: Client) -> None:
    rows = client.data("""{ customers(limit: 8) { id attributes { type { name objectType }
        elements { key kind ... on AttributeStringElement { value } } } } }""")["customers"]
    with_attr = [r["id"] for r in rows if r["attributes"]]
    assert with_attr == [4, 8]
    assert rows[3]["attributes"][0]["type"] == {"name": "loyalty", "objectType": "Customer"}
    assert rows[3]["attributes"] == [
        {"type": {"name": "loyalty", "objectType": "Customer"}, "elements": [
            {"key": "tier", "kind": "INPUT", "value": client.fake.data.customer(4)["attributes"][0]["elements"][0][
                "value"]}]}]


def test_given_token_without_order_and_shipment_read_then_invoice_orders_and_lines_links_are_null(
        client: Client) -> None:
    tok = client.fake.create_token(["Invoice:read", "Account:read"])
    body = client.post("""{ invoices(limit: 2) { id account { id } orders { id } shipments { id }
        lines { id orderLine { id } shipmentLine { id } } } }""", token=tok).json()
    inv = body["data"]["invoices"]
    assert all(i["orders"] is None and i["shipments"] is None and i["account"]["id"] for i in inv)
    assert all(ln["orderLine"] is None and ln["shipmentLine"] is None for i in inv for ln in i["lines"])
    assert {e["message"].split(" permission")[0] for e in body["errors"]} == {
        "You need Order:read", "You need Shipment:read"}


def test_given_token_without_buyer_read_then_account_buyers_null_and_account_answered(client: Client) -> None:
    tok = client.fake.create_token(["Account:read"])
    body = client.post("{ accounts(limit: 2) { id name buyers { id } } }", token=tok).json()
    assert [(a["id"], a["buyers"]) for a in body["data"]["accounts"]] == [(1, None), (2, None)]


def test_given_store_restricted_token_then_entities_of_other_stores_are_hidden(client: Client) -> None:
    tok = client.fake.create_token(store_ids=[2])
    d = client.data("""{ customers(limit: 1000) { store { id } } accounts { id } invoices { id }
        vouchers { store { id } } campaigns { id } categories { store { id } } pricelists { store { id } }
        warehouses { id } brands { id } }""", token=tok)
    assert d["customers"] and {c["store"]["id"] for c in d["customers"]} == {2}
    assert d["accounts"] == [] and d["invoices"] == []
    assert {v["store"]["id"] for v in d["vouchers"]} == {2}
    assert [c["id"] for c in d["campaigns"]] == [3]
    assert {c["store"]["id"] for c in d["categories"]} == {2}
    assert {p["store"]["id"] for p in d["pricelists"]} == {2}
    assert len(d["warehouses"]) == len(client.fake.data.warehouses()) and d["brands"]  # not per store


def test_given_wholesale_token_then_accounts_and_invoices_are_visible(client: Client) -> None:
    tok = client.fake.create_token(store_ids=[3])
    d = client.data("{ accounts { id } invoices(limit: 1000) { id } customers { id } }", token=tok)
    assert len(d["accounts"]) == len(client.fake.data.accounts())
    assert len(d["invoices"]) == client.fake.data.count_invoices() and d["customers"] == []


def test_given_applied_voucher_without_voucher_read_then_only_the_voucher_link_is_null(client: Client) -> None:
    tok = client.fake.create_token(["Order:read"])
    body = client.post("{ orders(limit: 300) { discountsApplied { ... on AppliedVoucher { code voucher { id } } } } }",
                       token=tok).json()
    discounts = [d for o in body["data"]["orders"] for d in o["discountsApplied"]]
    assert discounts and all(d["voucher"] is None for d in discounts)
    assert {e["message"] for e in body["errors"]} == {"You need Voucher:read permission to access voucher."}
