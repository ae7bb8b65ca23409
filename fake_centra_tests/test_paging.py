"""Both paging styles: list queries (limit + 1-based page) and Relay connections (keyset)."""

from __future__ import annotations

from fake_client import Client

ALL_WINDOW = {"from": "2023-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}


def test_given_limit_and_pages_when_listing_orders_then_every_order_appears_once(big: Client) -> None:
    seen: list[int] = []
    page = 1
    while True:
        rows = big.data("query($p: Int!) { orders(limit: 70, page: $p, sort: [number_ASC]) { number } }",
                        {"p": page})["orders"]
        seen += [r["number"] for r in rows]
        if len(rows) < 70:
            break
        page += 1
    assert page == 5
    assert len(seen) == 300 == len(set(seen))
    assert seen == sorted(seen)
    assert sorted(seen) == sorted(o["number"] for o in big.fake.data.orders())


def test_given_page_past_the_end_when_listing_then_empty_list(big: Client) -> None:
    assert big.data("{ orders(limit: 100, page: 4) { id } }")["orders"] == []


def test_given_zero_limit_when_listing_then_error(big: Client) -> None:
    body = big.post("{ orders(limit: 0) { id } }").json()
    assert body["data"]["orders"] is None
    assert "Limit" in body["errors"][0]["message"]


def _walk_connection(client: Client, where: dict, sort: str, first: int) -> tuple[list[dict], int]:
    q = """query($w: OrderFilter, $s: [OrderSort!], $n: Int, $a: String) {
      orderConnection(where: $w, sort: $s, first: $n, after: $a) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id number updatedAt } } } }"""
    after, nodes, total, pages = None, [], None, 0
    while True:
        conn = client.data(q, {"w": where, "s": [sort], "n": first, "a": after})["orderConnection"]
        pages += 1
        total = conn["totalCount"] if total is None else total
        nodes += [e["node"] for e in conn["edges"]]
        assert conn["pageInfo"]["hasPreviousPage"] == (after is not None)
        if conn["edges"]:
            assert conn["pageInfo"]["endCursor"] == conn["edges"][-1]["cursor"]
            assert conn["pageInfo"]["startCursor"] == conn["edges"][0]["cursor"]
        if not conn["pageInfo"]["hasNextPage"]:
            return nodes, total
        after = conn["pageInfo"]["endCursor"]
        assert pages < 100


def test_given_first_and_after_when_walking_connection_then_every_order_once(big: Client) -> None:
    nodes, total = _walk_connection(big, {}, "number_ASC", 40)
    numbers = [n["number"] for n in nodes]
    assert total == 300 == len(numbers) == len(set(numbers))
    assert numbers == sorted(numbers)


def test_given_cursor_when_decoded_then_base64_of_sort_field_and_value(big: Client) -> None:
    import base64
    conn = big.data("{ orderConnection(first: 1, sort: number_ASC) { edges { cursor node { number } } } }")
    edge = conn["orderConnection"]["edges"][0]
    assert base64.b64decode(edge["cursor"]).decode() == f"number:{edge['node']['number']}"


def test_given_rows_leave_window_mid_paging_when_continuing_after_cursor_then_no_row_skipped(big: Client) -> None:
    q = """query($a: String) { orderConnection(first: 50, after: $a, sort: number_ASC,
             where: {updatedAt: {from: "2023-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z"}}) {
             pageInfo { hasNextPage endCursor } edges { node { id number } } } }"""
    first = big.data(q, {"a": None})["orderConnection"]
    got = [e["node"]["number"] for e in first["edges"]]
    # Move 20 already-read orders out of the window (updated "now", i.e. 2026+): offset paging would
    # now skip 20 rows; keyset paging must not.
    big.fake.data.set_updated_at([e["node"]["id"] for e in first["edges"][:20]], 1_900_000_000)
    after = first["pageInfo"]["endCursor"]
    while after:
        conn = big.data(q, {"a": after})["orderConnection"]
        got += [e["node"]["number"] for e in conn["edges"]]
        after = conn["pageInfo"]["endCursor"] if conn["pageInfo"]["hasNextPage"] else None
    assert len(got) == 300 == len(set(got))


def test_given_offset_paging_when_rows_leave_window_then_rows_are_skipped(big: Client) -> None:
    """Documents why keyset paging matters: offset pages shift when rows leave the filter."""
    q = """query($p: Int!) { orders(limit: 50, page: $p, sort: number_ASC,
             where: {updatedAt: {from: "2023-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z"}}) { id number } }"""
    first = big.data(q, {"p": 1})["orders"]
    big.fake.data.set_updated_at([o["id"] for o in first[:20]], 1_900_000_000)
    second = big.data(q, {"p": 2})["orders"]
    assert second[0]["number"] == first[-1]["number"] + 21  # 20 rows skipped


def test_given_last_and_before_when_paging_backwards_then_previous_rows(big: Client) -> None:
    q = """query($b: String) { orderConnection(last: 5, before: $b, sort: number_ASC) {
             pageInfo { hasPreviousPage hasNextPage startCursor } edges { node { number } } } }"""
    tail = big.data(q, {"b": None})["orderConnection"]
    assert [e["node"]["number"] for e in tail["edges"]] == list(range(100296, 100301))
    assert tail["pageInfo"]["hasPreviousPage"] and not tail["pageInfo"]["hasNextPage"]
    prev = big.data(q, {"b": tail["pageInfo"]["startCursor"]})["orderConnection"]
    assert [e["node"]["number"] for e in prev["edges"]] == list(range(100291, 100296))
    assert prev["pageInfo"]["hasNextPage"]


def test_given_updated_at_sort_with_ties_when_walking_connection_then_complete_and_ordered(big: Client) -> None:
    nodes, total = _walk_connection(big, {"updatedAt": ALL_WINDOW}, "updatedAt_ASC", 7)
    assert total == len(nodes) == len({n["id"] for n in nodes}) == 300
    stamps = [n["updatedAt"] for n in nodes]
    from datetime import datetime
    parsed = [datetime.fromisoformat(s) for s in stamps]
    assert parsed == sorted(parsed)


def test_given_shipment_and_product_connections_when_walking_then_complete(big: Client) -> None:
    data = big.fake.data
    for root, sort, expected in (("shipmentConnection", "id_ASC", sum(1 for _ in data.shipments())),
                                 ("productConnection", "updatedAt_DESC", sum(1 for _ in data.products()))):
        after, ids = None, []
        while True:
            conn = big.data(f"query($a: String) {{ {root}(first: 25, after: $a, sort: {sort}) "
                            "{ totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }",
                            {"a": after})[root]
            ids += [e["node"]["id"] for e in conn["edges"]]
            if not conn["pageInfo"]["hasNextPage"]:
                break
            after = conn["pageInfo"]["endCursor"]
        assert conn["totalCount"] == expected == len(ids) == len(set(ids))


def test_given_garbage_cursor_when_paging_then_error(big: Client) -> None:
    body = big.post('{ orderConnection(first: 5, after: "bm9wZQ==") { edges { cursor } } }').json()
    assert body["data"]["orderConnection"] is None
    assert "Invalid cursor" in body["errors"][0]["message"]
