"""The new entities agree with the orders they come from: customers are the DTC orders' customers,
accounts the wholesale orders' accounts, invoice lines the shipped wholesale order lines, vouchers the
codes orders use, one stock row per size per warehouse and one price per variant per pricelist that
matches what order lines were sold at."""

from __future__ import annotations

from collections import Counter

import pytest
from fake_client import UNLIMITED, Client

from fake_centra import refdata


@pytest.fixture(scope="module")
def client(fake_centra_factory_module) -> Client:
    return Client(fake_centra_factory_module(orders=600, seed=11, **UNLIMITED))


@pytest.fixture(scope="module")
def orders(client: Client) -> list[dict]:
    return list(client.fake.data.orders())


def _all(client: Client, query: str, root: str, limit: int = 200) -> list[dict]:
    rows, page = [], 1
    while True:
        got = client.data(query, {"limit": limit, "page": page})[root]
        rows += got
        if len(got) < limit:
            return rows
        page += 1


def test_given_dtc_orders_when_reading_customers_then_every_order_customer_is_a_customer_row(
        client: Client, orders: list[dict]) -> None:
    customers = {c["id"]: c for c in client.fake.data.customers()}
    api = client.data("""{ orders(limit: 1000) { id store { id }
        ... on DirectToConsumerOrder { customer { id email firstName lastName store { id } } } } }""")["orders"]
    dtc = [o for o in api if "customer" in o]
    assert dtc
    for o in dtc:
        c = o["customer"]
        row = customers[c["id"]]
        assert (c["email"], c["firstName"], c["lastName"]) == (row["email"], row["first_name"], row["last_name"])
        assert c["store"]["id"] == row["store_id"] == o["store"]["id"]  # a customer orders from one store
    for o in orders:
        if o["customer"]:
            assert o["customer"]["id"] in customers


def test_given_customers_then_total_orders_is_their_order_count_and_some_have_none(
        client: Client, orders: list[dict]) -> None:
    counts = Counter(o["customer"]["id"] for o in orders if o["customer"])
    customers = list(client.fake.data.customers())
    assert all(c["total_orders"] == counts.get(c["id"], 0) for c in customers)
    without = [c for c in customers if c["total_orders"] == 0]
    assert without and len(without) < len(customers) // 3
    assert any(c["is_anonymized"] for c in without)
    assert not any(c["is_anonymized"] for c in customers if c["total_orders"])
    api = _all(client, "query($limit: Int, $page: Int) { customers(limit: $limit, page: $page) { id totalOrders } }",
               "customers")
    assert {c["id"]: c["totalOrders"] for c in api} == {c["id"]: c["total_orders"] for c in customers}


def test_given_customers_then_created_before_first_order_and_updated_after_latest(
        client: Client, orders: list[dict]) -> None:
    by_customer: dict[int, list[dict]] = {}
    for o in orders:
        if o["customer"]:
            by_customer.setdefault(o["customer"]["id"], []).append(o)
    for c in client.fake.data.customers():
        mine = by_customer.get(c["id"], [])
        if mine:
            assert c["created_at"] <= min(o["created_at"] for o in mine)
            assert c["updated_at"] >= max(o["created_at"] for o in mine)
            first = min(mine, key=lambda o: o["created_at"])
            assert c["market_id"] == first["market_id"]
            assert c["billing_address"] == max(mine, key=lambda o: o["created_at"])["billing_address"]


def test_given_wholesale_orders_then_every_account_is_an_account_row_with_the_orders_market_and_pricelist(
        client: Client, orders: list[dict]) -> None:
    accounts = {a["id"]: a for a in client.fake.data.accounts()}
    api = client.data("{ orders(limit: 1000) { id market { id } pricelist { id } "
                      "... on WholesaleOrder { account { id name } buyer { id email } } } }")["orders"]
    wholesale = [o for o in api if "account" in o]
    assert wholesale
    for o in wholesale:
        a = accounts[o["account"]["id"]]
        assert o["account"]["name"] == a["name"]
        assert (o["market"]["id"], o["pricelist"]["id"]) == (a["market_id"], a["pricelist_id"])
        assert o["buyer"]["id"] in {b["id"] for b in a["buyers"]}
    used = {o["account"]["id"] for o in wholesale}
    assert set(accounts) > used  # some accounts have no orders
    rows = client.data("{ accounts { id market { id store { id } } pricelist { id } } }")["accounts"]
    assert {r["id"] for r in rows} == set(accounts)
    assert all(r["market"]["store"]["id"] == 3 for r in rows)


def test_given_invoices_then_lines_are_the_shipped_lines_of_the_invoiced_orders(client: Client) -> None:
    data = client.fake.data
    invoices = list(data.invoices())
    assert invoices
    shipped_wholesale = [s for s in data.shipments() if s["store_type"] == "WHOLESALE" and s["is_shipped"]]
    assert sorted(sid for i in invoices for sid in i["shipment_ids"]) == sorted(s["id"] for s in shipped_wholesale)
    for inv in invoices:
        order = data.order(inv["order_ids"][0])
        assert order["store_type"] == "WHOLESALE" and inv["account_id"] == order["account_id"]
        assert inv["currency"] == order["currency"] and inv["purchase_order_number"] == order["purchase_order_number"]
        lines = {ln["id"]: ln for ln in order["lines"]}
        (shipment,) = [s for s in data.shipments_of(order["id"]) if s["id"] == inv["shipment_ids"][0]]
        assert [(ln["order_line_id"], ln["quantity"]) for ln in inv["lines"]] == \
            [(sl["order_line_id"], sl["quantity"]) for sl in shipment["lines"]]
        for ln in inv["lines"]:
            ol = lines[ln["order_line_id"]]
            assert ln["product_number"] == ol["product_number"] and ln["quantity"] <= ol["quantity"]
            assert ln["line_value_incl_tax"] == round(ol["unit_price"] * ln["quantity"], 2)
            assert ln["cogs"] is None or 0 <= ln["cogs"] < ln["line_value"] or ln["line_value"] == 0
        assert inv["grand_total"] == round(sum(ln["line_value_incl_tax"] for ln in inv["lines"]), 2)
        assert inv["order_date"] == order["created_at"].date() and inv["due_date"] > inv["created_at"].date()
    statuses = Counter(i["status"] for i in invoices)
    assert statuses["PAID"] and statuses["UNPAID"]
    assert any(i["is_overdue"] for i in invoices)
    for inv in invoices:
        paid = round(sum(p["value"] for p in inv["payments"]), 2)
        assert (inv["status"] == "PAID") == (paid == inv["grand_total"])
        assert not (inv["is_overdue"] and inv["status"] == "PAID")


def test_given_invoice_lines_when_queried_then_order_lines_belong_to_the_invoice_orders(client: Client) -> None:
    rows = client.data("""{ invoices(limit: 30) { id orders { id lines { id } } shipments { id }
        lines { id quantity orderLine { id } shipmentLine { id quantity } lineValue { value } cogs { value } }
        payments { id value { value } } } }""")["invoices"]
    assert rows
    for inv in rows:
        order_lines = {ln["id"] for o in inv["orders"] for ln in o["lines"]}
        for ln in inv["lines"]:
            assert ln["orderLine"]["id"] in order_lines
            assert ln["shipmentLine"]["quantity"] == ln["quantity"]
            assert ln["cogs"]["value"] < ln["lineValue"]["value"]


def test_given_orders_using_vouchers_then_every_code_is_a_voucher_and_usages_count_the_orders(
        client: Client, orders: list[dict]) -> None:
    api = client.data("""{ orders(limit: 1000) { id store { id } discountsApplied {
        ... on AppliedVoucher { code voucherMethod voucherName voucher { id code store { id } } } } } }""")["orders"]
    vouchers = {v["id"]: v for v in client.fake.data.vouchers()}
    codes = {v["code"] for v in vouchers.values() if v["code"]}
    used: Counter = Counter()
    for o in api:
        for d in o["discountsApplied"]:
            v = vouchers[d["voucher"]["id"]]
            assert d["code"] == v["code"] and d["voucherName"] == v["name"] and d["voucherMethod"] == v["method"]
            assert d["code"] is None or d["code"] in codes
            assert v["store_id"] == o["store"]["id"]
            used[v["id"]] += 1
    assert {v["code"] for v in vouchers.values() if used[v["id"]]} >= {"WELCOME10", "HELLO10"}
    assert any(v["code"] is None and v["method"] == "AUTO" for v in vouchers.values())
    assert all(v["successful_usages"] == used[v["id"]] for v in vouchers.values())
    rows = client.data("{ vouchers { id successfulUsages } }")["vouchers"]
    assert {r["id"]: r["successfulUsages"] for r in rows} == {k: used[k] for k in vouchers}


def test_given_catalog_then_stock_rows_are_sizes_times_warehouses(client: Client) -> None:
    data = client.fake.data
    sizes = [(s["id"], v["id"], p["id"], s["sku"], s["ean"])
             for p in data.products() for v in p["variants"] for s in v["sizes"]]
    warehouses = data.warehouses()
    assert 3 <= len(warehouses) <= 4
    assert data.count_stock() == len(sizes) * len(warehouses)
    for w in warehouses:
        rows = data.stock_of(w["id"])
        assert [(r["size_id"], r["variant_id"], r["product_id"], r["sku"], r["ean"]) for r in rows] == sizes
    rows = list(data.stock())
    assert len({(r["warehouse_id"], r["size_id"]) for r in rows}) == len(rows) == data.count_stock()
    assert any(r["free_to_allocate_quantity"] == 0 for r in rows)  # stock-outs
    for r in rows:
        assert r["free_to_allocate_quantity"] == r["physical_quantity"] - r["allocated_quantity"] >= 0
        assert r["incoming_quantity"] == r["linked_incoming_quantity"] + r["unlinked_incoming_quantity"]


def test_given_warehouse_when_paging_stock_then_all_rows_in_default_order(client: Client) -> None:
    data = client.fake.data
    expected = data.stock_of(2)
    got, page = [], 1
    q = """query($page: Int) { warehouses(where: {id: [2]}) { stock(limit: 200, page: $page) {
        freeToAllocateQuantity physicalQuantity productSize { id SKU EAN } productVariant { id } product { id }
        warehouse { id } } } }"""
    while True:
        rows = client.data(q, {"page": page})["warehouses"][0]["stock"]
        got += rows
        if len(rows) < 200:
            break
        page += 1
    assert [(r["productSize"]["id"], r["productVariant"]["id"], r["product"]["id"], r["freeToAllocateQuantity"],
             r["physicalQuantity"], r["productSize"]["SKU"]) for r in got] == \
        [(r["size_id"], r["variant_id"], r["product_id"], r["free_to_allocate_quantity"], r["physical_quantity"],
          r["sku"]) for r in expected]
    assert {r["warehouse"]["id"] for r in got} == {2}


def test_given_pricelists_then_one_price_per_variant_matching_the_order_lines(client: Client,
                                                                              orders: list[dict]) -> None:
    data = client.fake.data
    variants = [(v["id"], p["id"]) for p in data.products() for v in p["variants"]]
    assert data.count_prices() == len(variants) * len(data.pricelists())
    prices = {}
    for pl in data.pricelists():
        rows = data.prices_of(pl["id"])
        assert [(r["variant_id"], r["product_id"]) for r in rows] == variants
        wholesale = refdata.STORE_BY_ID[pl["store_id"]]["type"] == "WHOLESALE"
        for r in rows:
            assert r["currency"] == pl["currency"] and r["price"] is not None
            assert (r["recommended_retail_price"] is not None) == wholesale
            prices[(pl["id"], r["variant_id"])] = r["price"]
    assert len({r["id"] for r in data.prices()}) == data.count_prices()
    checked = 0
    for o in orders:
        for ln in o["lines"]:
            if ln["type"] == "ProductOrderLine":
                assert prices[(o["pricelist_id"], ln["variant_id"])] == ln["unit_original_price"], (o["id"], ln["id"])
                checked += 1
    assert checked > 500


def test_given_brands_categories_collections_countries_then_they_cover_the_data(client: Client,
                                                                                orders: list[dict]) -> None:
    data = client.fake.data
    brand_names = {b["name"] for b in data.brands()}
    assert {p["brand"] for p in data.products()} <= brand_names
    assert {ln["brand"] for o in orders for ln in o["lines"] if ln.get("brand")} <= brand_names
    codes = {c["code"] for c in data.countries()}
    used = {o["shipping_address"]["country_code"] for o in orders} | \
        {o["billing_address"]["country_code"] for o in orders} | \
        {c for m in data.markets() for c in m["countries"]} | {w["country"] for w in data.warehouses()} | \
        {a["billing_address"]["country_code"] for a in data.accounts()}
    assert used <= codes
    cats = {c["id"]: c for c in data.categories()}
    for c in cats.values():
        assert c["is_top_category"] == (c["parent_id"] is None)
        assert all(cats[k]["parent_id"] == c["id"] for k in c["child_ids"])
    api = client.data("{ categories { id parent { id } childCategories { id } } countries { code name isEU } }")
    assert {c["id"]: (c["parent"] or {}).get("id") for c in api["categories"]} == \
        {k: c["parent_id"] for k, c in cats.items()}
    assert {c["code"] for c in api["countries"]} == codes
    assert [c["name"] for c in api["countries"]] == sorted(c["name"] for c in api["countries"])  # name_ASC
    assert data.collections() and all(set(c) == {"id", "name", "uri", "status"} for c in data.collections())
