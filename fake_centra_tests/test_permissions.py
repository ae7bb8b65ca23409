"""Authentication (401), field-level permissions and store-restricted tokens."""

from __future__ import annotations

from fake_client import Client

UNAUTHORIZED = {"errors": [{"message": "Unauthorized: the access token is invalid, expired or revoked.",
                            "extensions": {"category": "authentication"}}]}


def test_given_unknown_token_when_querying_then_401_with_authentication_error(gql: Client) -> None:
    resp = gql.post("{ rateLimits { type } }", token="not-a-token")
    assert resp.status_code == 401
    assert resp.json() == UNAUTHORIZED
    assert gql.fake.stats()["unauthorized_401"] == 1


def test_given_missing_authorization_header_when_querying_then_401(gql: Client) -> None:
    import requests
    resp = requests.post(gql.fake.url, json={"query": "{ rateLimits { type } }"}, timeout=10)
    assert resp.status_code == 401


def test_given_revoked_token_when_querying_then_401(gql: Client) -> None:
    tok = gql.fake.create_token(name="soon revoked")
    assert gql.post("{ rateLimits { type } }", token=tok).status_code == 200
    gql.fake.revoke_token(tok)
    assert gql.post("{ rateLimits { type } }", token=tok).status_code == 401


def test_given_graphql_access_cookie_when_querying_then_authenticated(gql: Client) -> None:
    import requests
    resp = requests.post(gql.fake.url, json={"query": "{ rateLimits { type } }"},
                         headers={"Cookie": f"graphql-access={gql.fake.token}"}, timeout=10)
    assert resp.status_code == 200


def test_given_token_without_order_read_when_querying_orders_then_authorization_error_and_null(gql: Client) -> None:
    tok = gql.fake.create_token(["Store:read"])
    body = gql.post("query Q {\n  stores { id }\n  orderConnection(first: 5) { totalCount }\n}", token=tok).json()
    assert body["data"] == {"stores": [{"id": 1}, {"id": 2}, {"id": 3}], "orderConnection": None}
    assert body["errors"] == [{"message": "You need Order:read permission to access orderConnection.",
                               "locations": [{"line": 3, "column": 3}], "path": ["orderConnection"],
                               "extensions": {"category": "authorization"}}]
    assert body["extensions"]["permissionsUsed"] == ["Order:read", "Store:read"]
    assert isinstance(body["extensions"]["complexity"], int)


def test_given_token_without_nested_permission_when_querying_then_only_that_field_is_null(gql: Client) -> None:
    tok = gql.fake.create_token(["Order:read"])
    body = gql.post("{ orders(limit: 2) { number shippingAddress { city } } }", token=tok).json()
    assert [o["number"] for o in body["data"]["orders"]] == [100001, 100002]
    assert all(o["shippingAddress"] is None for o in body["data"]["orders"])
    assert {e["message"] for e in body["errors"]} == {
        "You need Order.shippingAddress:read permission to access shippingAddress."}
    assert body["errors"][0]["path"] == ["orders", 0, "shippingAddress"]


def test_given_no_permissions_when_querying_rate_limits_and_introspection_then_allowed(gql: Client) -> None:
    tok = gql.fake.create_token([])
    data = gql.data('{ rateLimits { type } __type(name: "OrderSort") { enumValues { name } } }', token=tok)
    assert len(data["rateLimits"]) == 6
    assert "updatedAt_ASC" in {v["name"] for v in data["__type"]["enumValues"]}


def test_given_permission_revoked_mid_sync_when_querying_then_authorization_error(gql: Client) -> None:
    tok = gql.fake.create_token(["Order:read"])
    assert gql.data("{ orders(limit: 1) { id } }", token=tok)["orders"]
    gql.fake.set_permissions(tok, [])
    body = gql.post("{ orders(limit: 1) { id } }", token=tok).json()
    assert body["data"]["orders"] is None
    assert body["errors"][0]["extensions"]["category"] == "authorization"


def test_given_restricted_token_when_listing_orders_then_only_its_store(big: Client) -> None:
    tok = big.fake.create_token(store_ids=[2])
    rows = big.data("{ orders(limit: 500) { store { id } } }", token=tok)["orders"]
    assert rows and {r["store"]["id"] for r in rows} == {2}
    conn = big.data("{ orderConnection(first: 1) { totalCount } }", token=tok)["orderConnection"]
    assert conn["totalCount"] == sum(1 for o in big.fake.data.orders() if o["store_id"] == 2)
    # asking explicitly for another store returns nothing rather than leaking it
    assert big.data("{ orders(where: {storeId: [1]}) { id } }", token=tok)["orders"] == []


def test_given_restricted_token_when_listing_reference_and_child_data_then_only_its_store(big: Client) -> None:
    shipped = next(o for o in big.fake.data.orders() if o["store_id"] == 3 and o["status"] == "SHIPPED")
    big.fake.data.create_return(shipped["id"])  # make sure store 3 has a return
    tok = big.fake.create_token(store_ids=[3])
    data = big.data("""{ stores { id } markets { store { id } } pricelists { store { id } }
        returns(limit: 500) { store { id } } shipments(limit: 500) { store { id } }
        orderPaymentHistory(limit: 500) { order { store { id } } } }""", token=tok)
    assert data["stores"] == [{"id": 3}]
    for root in ("markets", "pricelists", "returns", "shipments"):
        assert data[root] and {r["store"]["id"] for r in data[root]} == {3}, root
    assert {p["order"]["store"]["id"] for p in data["orderPaymentHistory"]} == {3}


def test_given_restricted_token_when_fetching_other_store_order_by_id_then_null(big: Client) -> None:
    other = next(o for o in big.fake.data.orders() if o["store_id"] == 1)
    tok = big.fake.create_token(store_ids=[2])
    assert big.data("query($id: String!) { order(id: $id) { id } }", {"id": other["id"]}, token=tok)["order"] is None
