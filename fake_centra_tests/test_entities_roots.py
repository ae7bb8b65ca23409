"""Every new root answers, filters (updatedAt, storeId and the others the fake supports), sorts and
pages like the order roots; unsupported filter fields are errors, not silently ignored."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from fake_client import UNLIMITED, Client

ROOTS = {  # root: (a field list, fake.data rows)
    "customers": ("id email updatedAt", lambda d: list(d.customers())),
    "accounts": ("id name updatedAt", lambda d: d.accounts()),
    "invoices": ("id number updatedAt", lambda d: list(d.invoices())),
    "vouchers": ("id code updatedAt", lambda d: d.vouchers()),
    "campaigns": ("id name updatedAt", lambda d: d.campaigns()),
    "warehouses": ("id name status", lambda d: d.warehouses()),
    "pricelists": ("id name updatedAt", lambda d: d.pricelists()),
    "brands": ("id name uri", lambda d: d.brands()),
    "categories": ("id name uri", lambda d: d.categories()),
    "collections": ("id name uri", lambda d: d.collections()),
    "countries": ("id code name", lambda d: d.countries()),
}


@pytest.fixture(scope="module")
def client(fake_centra_factory_module) -> Client:
    return Client(fake_centra_factory_module(orders=400, seed=7, **UNLIMITED))


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat()


@pytest.mark.parametrize("root", sorted(ROOTS))
def test_given_root_without_arguments_then_every_row_in_default_order(client: Client, root: str) -> None:
    fields, rows_of = ROOTS[root]
    got = client.data(f"{{ {root}(limit: 1000) {{ {fields} }} }}")[root]
    expected = rows_of(client.fake.data)
    key = "code" if root == "countries" else "id"
    assert sorted(r[key] for r in got) == sorted(r[key] for r in expected)
    if root == "countries":
        assert [r["name"] for r in got] == sorted(r["name"] for r in got)
    else:
        assert [r["id"] for r in got] == sorted(r["id"] for r in got)


@pytest.mark.parametrize("root", ["customers", "invoices", "accounts", "vouchers", "campaigns"])
def test_given_updated_at_window_when_filtering_then_exactly_the_rows_inside_it(client: Client, root: str) -> None:
    rows = ROOTS[root][1](client.fake.data)
    times = sorted(r["updated_at"] for r in rows)
    lo, hi = times[len(times) // 4], times[(3 * len(times)) // 4]
    got = client.data(f"query($f: DateTimeTz, $t: DateTimeTz) {{ {root}(limit: 1000, "
                      f"where: {{updatedAt: {{from: $f, to: $t}}}}) {{ id updatedAt }} }}",
                      {"f": _iso(lo), "t": _iso(hi)})[root]
    assert {r["id"] for r in got} == {r["id"] for r in rows if lo <= r["updated_at"] <= hi}
    assert got


@pytest.mark.parametrize("root, store", [("customers", 2), ("invoices", 3), ("vouchers", 2), ("campaigns", 2),
                                         ("categories", 2), ("pricelists", 3)])
def test_given_store_id_filter_then_only_that_stores_rows(client: Client, root: str, store: int) -> None:
    rows = ROOTS[root][1](client.fake.data)
    got = client.data(f"{{ {root}(limit: 1000, where: {{storeId: [{store}]}}) {{ id }} }}")[root]
    assert got and {r["id"] for r in got} == {r["id"] for r in rows if r["store_id"] == store}


def test_given_customers_when_paging_by_limit_and_page_then_pages_partition_the_rows(client: Client) -> None:
    total = client.fake.data.count_customers()
    ids, page = [], 1
    while True:
        rows = client.data("query($p: Int) { customers(limit: 37, page: $p) { id } }", {"p": page})["customers"]
        ids += [r["id"] for r in rows]
        if len(rows) < 37:
            break
        page += 1
    assert ids == list(range(1, total + 1))


def test_given_customer_filters_then_they_select_what_the_data_says(client: Client) -> None:
    data = list(client.fake.data.customers())
    one = next(c for c in data if c["total_orders"] >= 2 and c["store_id"] == 1)

    def ids(where: str, variables: dict | None = None) -> set[int]:
        head = "query($e: String)" if variables else "query"
        q = f"{head} {{ customers(limit: 1000, where: {where}) {{ id }} }}"
        return {r["id"] for r in client.data(q, variables or {})["customers"]}

    assert ids("{email: {equals: $e}}", {"e": one["email"]}) == {one["id"]}
    assert ids("{id: [%d, 2]}" % one["id"]) == {one["id"], 2}
    assert ids("{marketId: [6]}") == {c["id"] for c in data if c["market_id"] == 6}
    assert ids("{status: [INACTIVE]}") == {c["id"] for c in data if c["status"] == "INACTIVE"}
    assert ids("{isAnonymized: true}") == {c["id"] for c in data if c["is_anonymized"]}
    assert ids("{totalOrders: {from: 3}}") == {c["id"] for c in data if c["total_orders"] >= 3}
    assert ids("{storeId: [1], negate: [\"storeId\"]}") == {c["id"] for c in data if c["store_id"] != 1}
    assert ids("{notNull: [\"lastLoginAt\"]}") == {c["id"] for c in data if c["last_login_at"]}
    assert ids("{lastName: {startsWith: \"Ni\"}}") == {c["id"] for c in data if (c["last_name"] or "").startswith("Ni")}
    assert ids("{gender: [FEMALE]}") == {c["id"] for c in data if c["gender"] == "FEMALE"}


def test_given_customers_sorted_by_updated_at_desc_then_newest_first(client: Client) -> None:
    rows = client.data("{ customers(limit: 50, sort: [updatedAt_DESC]) { id } }")["customers"]
    data = sorted(client.fake.data.customers(), key=lambda c: (-c["updated_at"].timestamp(), c["id"]))
    assert [r["id"] for r in rows] == [c["id"] for c in data[:50]]


def test_given_invoice_filters_then_they_select_what_the_data_says(client: Client) -> None:
    data = list(client.fake.data.invoices())

    def ids(where: str) -> set[int]:
        return {r["id"] for r in client.data(f"{{ invoices(limit: 1000, where: {where}) {{ id }} }}")["invoices"]}

    assert ids("{isOverdue: true}") == {i["id"] for i in data if i["is_overdue"]} != set()
    assert ids("{status: [PAID]}") == {i["id"] for i in data if i["status"] == "PAID"}
    assert ids("{accountId: [2, 3]}") == {i["id"] for i in data if i["account_id"] in (2, 3)}
    assert ids("{number: [%d]}" % data[3]["number"]) == {data[3]["id"]}
    assert ids("{type: INVOICE}") == {i["id"] for i in data}
    assert ids("{dueDate: {from: \"2025-01-01\", to: \"2025-06-30T23:59:59Z\"}}") == {
        i["id"] for i in data if "2025-01-01" <= i["due_date"].isoformat() <= "2025-06-30"}


def test_given_small_list_filters_then_they_select_what_the_data_says(client: Client) -> None:
    d = client.data("""{
      auto: vouchers(where: {method: [AUTO]}) { id code }
      coded: vouchers(where: {notNull: ["code"]}) { code }
      nordics: accounts(where: {marketId: [7]}) { id }
      tops: categories(where: {isTopCategory: true, storeId: [1]}) { id }
      kids: categories(where: {parentId: [1]}) { id }
      eu: countries(where: {isEU: true}) { code }
      active: warehouses(where: {status: [ACTIVE]}) { id }
      summer: campaigns(where: {name: {contains: "summer"}}) { id }
      us: campaigns(where: {marketId: [6]}) { id }
    }""")
    data = client.fake.data
    assert d["auto"] and all(v["code"] is None for v in d["auto"])
    assert {v["code"] for v in d["coded"]} == {v["code"] for v in data.vouchers() if v["code"]}
    assert {a["id"] for a in d["nordics"]} == {a["id"] for a in data.accounts() if a["market_id"] == 7}
    assert {c["id"] for c in d["tops"]} == {1, 2, 3, 10}
    assert {c["id"] for c in d["kids"]} == {4, 5}
    assert {c["code"] for c in d["eu"]} == {c["code"] for c in data.countries() if c["is_eu"]}
    assert {w["id"] for w in d["active"]} == {w["id"] for w in data.warehouses() if w["status"] == "ACTIVE"}
    assert [c["id"] for c in d["summer"]] == [1] and [c["id"] for c in d["us"]] == [3]


def test_given_stock_and_price_filters_and_sorts_then_rows_follow_them(client: Client) -> None:
    data = client.fake.data
    d = client.data("""{
      warehouses(where: {id: [1]}) {
        out: stock(limit: 200, where: {freeToAllocateQuantity: {to: 0}}) { freeToAllocateQuantity productSize { id } }
        one: stock(where: {productId: [3]}) { product { id } productSize { id } }
        desc: stock(limit: 5, sort: [productId_DESC, productVariantId_ASC, productSizeSort_ASC]) { product { id } }
      }
      pricelists(where: {id: [7]}) {
        cheap: prices(limit: 200, where: {price: {to: 200}}) { price { value } }
        p2: prices(where: {productId: [2]}) { id productVariant { id } }
      }
    }""")
    w = d["warehouses"][0]
    rows = data.stock_of(1)
    assert {r["productSize"]["id"] for r in w["out"]} == \
        {r["size_id"] for r in rows if r["free_to_allocate_quantity"] == 0}
    assert [r["productSize"]["id"] for r in w["one"]] == [r["size_id"] for r in rows if r["product_id"] == 3]
    top = max(r["product_id"] for r in rows)
    assert w["desc"][0]["product"]["id"] == top
    pl = d["pricelists"][0]
    assert len(pl["cheap"]) == min(200, sum(1 for r in data.prices_of(7) if r["price"] <= 200))
    assert [r["productVariant"]["id"] for r in pl["p2"]] == [r["variant_id"] for r in data.prices_of(7)
                                                              if r["product_id"] == 2]


@pytest.mark.parametrize("query", [
    "{ customers(where: {countryId: [1]}) { id } }",
    "{ invoices(where: {grandTotalIncludingTax: {from: 1}}) { id } }",
    "{ accounts(where: {paymentTermsId: [1]}) { id } }",
])
def test_given_filter_field_the_fake_does_not_support_then_validation_error(client: Client, query: str) -> None:
    body = client.post(query).json()
    assert body["errors"][0]["extensions"]["category"] == "validation"
    assert "not supported by the fake" in body["errors"][0]["message"]


@pytest.mark.parametrize("limit", [0, 201])
def test_given_nested_limit_outside_1_to_200_then_centras_error(client: Client, limit: int) -> None:
    body = client.post(f"{{ pricelists(limit: 1) {{ id prices(limit: {limit}) {{ id }} }} }}").json()
    assert body["errors"][0]["message"] == "Limit must be in range 1 - 200"
    assert body["data"]["pricelists"] == [{"id": 1, "prices": None}]


def test_given_stock_quantities_then_complexity_charges_the_costly_ones(client: Client) -> None:
    def cost(fields: str) -> int:
        return client.post(f"{{ warehouses(limit: 1) {{ stock(limit: 100) {{ {fields} }} }} }}").json()[
            "extensions"]["complexity"]
    fta = cost("freeToAllocateQuantity")
    assert fta == 1 + 100 * 1
    assert cost("freeToAllocateQuantity physicalQuantity allocatedQuantity") == fta + 2 * 100
    assert client.post("{ warehouses(limit: 1) { stock { freeToAllocateQuantity } } }").json()[
        "extensions"]["complexity"] == 1 + 20  # the SDL default limit 20


def test_given_lean_profile_then_the_new_roots_of_an_older_instance_answer_without_the_unknown_sorts(
        fake_centra_factory_module) -> None:
    lean = Client(fake_centra_factory_module(orders=200, seed=7, schema_profile="lean", **UNLIMITED))
    d = lean.data("""{ customers(limit: 2, where: {updatedAt: {from: "2024-01-01"}}) { id email phoneNumber }
      accounts(limit: 2) { id } invoices(limit: 2) { id lines { cogs { value } } }
      warehouses { stock(limit: 2) { freeToAllocateQuantity productSize { id productVariant { id product { id } } } } }
      pricelists { prices(limit: 2) { id } } brands { id } categories { id } collections { id } countries { code } }""")
    assert all(d[k] for k in d)
    for query in ("{ customers(sort: [updatedAt_ASC]) { id } }", "{ invoices(sort: [updatedAt_DESC]) { id } }",
                  "{ customers { cellPhoneNumber } }", "{ customers { lastLoginAt } }",
                  "{ warehouses { stock { product { id } } } }",
                  "{ vouchers { id } }", "{ campaigns { id } }"):  # an older instance's Query lacks the newest roots
        assert lean.post(query).json()["errors"][0]["extensions"]["category"] == "graphql", query
