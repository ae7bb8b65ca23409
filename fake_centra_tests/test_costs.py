"""The cost ledger (costs.py) tells one consistent story: purchase orders → deliveries → DELIVERY stock
changes → stock levels equal to the stock snapshot; order lines allocated oldest lot first per warehouse;
completed returns booked back at their allocation's cost; unit costs varying per delivery and currency;
every mutation moves allocations and stock the way Centra would; permissions, complexity and the lean
profile. Each expectation is recomputed here from the plain views (never from the ledger's own sums)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone

import pytest
from fake_client import UNLIMITED, Client

from fake_centra import FakeCentra
from fake_centra.costs import ALLOCATING, MARKET_WAREHOUSE, SUPPLIERS

AT = datetime(2026, 1, 15, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def fake(fake_centra_factory_module) -> FakeCentra:
    return fake_centra_factory_module(orders=600, seed=11, **UNLIMITED)


@pytest.fixture
def fresh(fake_centra_factory) -> FakeCentra:
    return fake_centra_factory(orders=300, seed=7, **UNLIMITED)


def recomputed_stock(data) -> dict[tuple[int, int], dict[str, int]]:
    """Physical, allocated and incoming units per (warehouse, size) from the ledger's rows."""
    out: dict = defaultdict(lambda: {"physical": 0, "allocated": 0, "incoming": 0})
    for change in data.stock_changes():
        for line in change["lines"]:
            out[(line["warehouse_id"], line["size_id"])]["physical"] += line["delivered_quantity"]
    lot_of = {line["id"]: line for line in data.stock_change_lines()}
    for alloc in data.allocations():
        lot = lot_of[alloc["stock_change_line_id"]]
        key = (lot["warehouse_id"], lot["size_id"])
        out[key]["physical"] -= alloc["shipped_quantity"]
        out[key]["allocated"] += alloc["quantity"] - alloc["shipped_quantity"]
    for delivery in data.purchase_order_deliveries():
        if delivery["status"] != "ACCEPTED":
            for line in delivery["lines"]:
                out[(delivery["warehouse_id"], line["size_id"])]["incoming"] += line["quantity"]
    return out


def assert_stock_matches_ledger(data) -> None:
    expected = recomputed_stock(data)
    moving = 0
    for row in data.stock():
        want = expected.get((row["warehouse_id"], row["size_id"]), {"physical": 0, "allocated": 0, "incoming": 0})
        assert (row["physical_quantity"], row["allocated_quantity"], row["incoming_quantity"]) == (
            want["physical"], want["allocated"], want["incoming"]), row
        assert row["free_to_allocate_quantity"] == row["physical_quantity"] - row["allocated_quantity"] >= 0
        moving += row["physical_quantity"] > 0
    assert moving > 20


def test_given_purchase_orders_then_accepted_deliveries_are_stock_changes_and_open_ones_are_incoming(fake) -> None:
    data = fake.data
    changes = {c["id"]: c for c in data.stock_changes()}
    pos = {p["id"]: p for p in data.purchase_orders()}
    deliveries = data.purchase_order_deliveries()
    assert {d["status"] for d in deliveries} == {"ACCEPTED", "INSERTED"}
    for delivery in deliveries:
        po = pos[delivery["purchase_order_id"]]
        assert delivery["id"] in po["delivery_ids"]
        assert (delivery["supplier_id"], delivery["warehouse_id"]) == (po["supplier_id"], po["warehouse_id"])
        assert delivery["created_at"] <= delivery["eta"]
        if delivery["status"] == "INSERTED":
            assert delivery["stock_change_id"] is None and delivery["eta"].year == 2026
            continue
        change = changes[delivery["stock_change_id"]]
        assert (change["type"], change["warehouse_id"], change["created_at"]) == ("DELIVERY", delivery["warehouse_id"],
                                                                                 delivery["eta"])
        assert [(ln["size_id"], ln["delivered_quantity"], ln["unit_cost"], ln["currency"]) for ln in change["lines"]] == \
            [(ln["size_id"], ln["quantity"], ln["unit_cost"], delivery["currency"]) for ln in delivery["lines"]]
        assert po["updated_at"] >= change["created_at"]
    for po in pos.values():
        states = {next(d for d in deliveries if d["id"] == i)["status"] for i in po["delivery_ids"]}
        assert po["status"] == {"ACCEPTED": "DELIVERED", "INSERTED": "CONFIRMED"}.get(
            states.pop() if len(states) == 1 else None, "PARTIALLY_DELIVERED")
    assert [c["id"] for c in sorted(changes.values(), key=lambda c: (c["created_at"], c["id"]))] == sorted(changes)


def test_given_the_ledger_then_the_stock_snapshot_is_its_balance(fake) -> None:
    assert_stock_matches_ledger(fake.data)


def test_given_orders_then_allocating_statuses_are_allocated_first_in_first_out_per_warehouse(fake) -> None:
    data = fake.data
    lots = {line["id"]: line for line in data.stock_change_lines()}
    by_line = defaultdict(list)
    for alloc in data.allocations():
        by_line[alloc["order_line_id"]].append(alloc)
    consumed = defaultdict(list)  # (warehouse, size) -> lot ids in order of the orders' creation
    pending = 0
    for order in sorted(data.orders(), key=lambda o: (o["created_at"], o["number"])):
        warehouse = MARKET_WAREHOUSE[order["market_id"]]
        for line in order["lines"]:
            allocs = by_line.get(line["id"], [])
            if line["type"] in ("GiftCertificateOrderLine", "BundleOrderLine") or not line["quantity"]:
                assert not allocs
                continue
            if order["status"] not in ALLOCATING:
                pending += 1
                assert not allocs, order["status"]
                continue
            assert sum(a["quantity"] for a in allocs) == line["quantity"]
            for alloc in allocs:
                lot = lots[alloc["stock_change_line_id"]]
                assert (alloc["warehouse_id"], lot["warehouse_id"], lot["size_id"]) == (warehouse, warehouse, line["size_id"])
                assert alloc["unit_cost"] == lot["unit_cost"] and alloc["currency"] == lot["currency"]
                consumed[(warehouse, line["size_id"])].append(lot["id"])
    assert pending > 5
    # oldest lot first: a later order never takes from an older delivery lot than an earlier order did,
    # except from returns booked back in between (those are newer lots that FIFO reaches later)
    for key, taken in consumed.items():
        deliveries = [lot for lot in taken if lots[lot]["created_from_shipment_line_id"] is None]
        assert deliveries == sorted(deliveries), key


def test_given_deliveries_then_unit_costs_vary_per_delivery_and_currency(fake) -> None:
    data = fake.data
    lines = data.stock_change_lines()
    assert {ln["currency"] for ln in lines} == {s[2] for s in SUPPLIERS}
    per_product = defaultdict(set)
    for ln in lines:
        per_product[ln["product_id"]].add(ln["unit_cost"])
        assert ln["unit_cost"] > 0 and ln["currency_base_rate"] > 0
        if ln["currency"] == "SEK":
            assert ln["currency_base_rate"] == 1.0
    assert sum(len(costs) > 1 for costs in per_product.values()) > len(per_product) / 2
    for delivery in data.purchase_order_deliveries():
        for line in delivery["lines"]:
            percent = line["customs_percent"]
            assert line["customs_value"] == round(line["unit_cost"] * percent / 100, 2)
            assert line["landed_cost"] >= line["unit_cost"] + line["customs_value"] - 0.01


def test_given_completed_returns_then_their_units_are_booked_back_at_their_allocation_cost(fake) -> None:
    data = fake.data
    returned = {}
    for ret in data.returns():
        if ret["return_status"] == "COMPLETED":
            for line in ret["lines"]:
                returned[line["shipment_line_id"]] = (ret["id"], line["order_line_id"], line["quantity"])
    assert returned
    booked = defaultdict(int)
    costs_of_line = defaultdict(set)
    for alloc in data.allocations():
        costs_of_line[alloc["order_line_id"]].add((alloc["unit_cost"], alloc["currency"]))
    for change in data.stock_changes():
        if change["type"] != "RETURN":
            continue
        for line in change["lines"]:
            return_id, order_line_id, _units = returned[line["created_from_shipment_line_id"]]
            assert change["comment"] == f"Return {return_id}"
            assert (line["unit_cost"], line["currency"]) in costs_of_line[order_line_id]
            booked[line["created_from_shipment_line_id"]] += line["delivered_quantity"]
    assert booked == {sl: units for sl, (_r, _ol, units) in returned.items()}


def test_given_order_mutations_then_allocations_and_stock_follow(fresh) -> None:
    data = fresh.data
    order_id = data.create_order(store_id=1, at=AT)
    order = data.order(order_id)
    stocked = [ln for ln in order["lines"] if ln["type"] == "ProductOrderLine" and ln["quantity"]]
    assert stocked and not any(data.allocations_of_line(ln["id"]) for ln in stocked)  # PENDING: not allocated
    data.update_order(order_id, status="CONFIRMED", at=AT)
    assert_stock_matches_ledger(data)
    line = stocked[0]
    allocated = sum(a["quantity"] for a in data.allocations_of_line(line["id"]))
    if line["quantity"] >= 1 and allocated:
        data.cancel_line(order_id, line["id"], 1, at=AT)
        assert sum(a["quantity"] for a in data.allocations_of_line(line["id"])) == allocated - 1
    data.create_shipment(order_id, at=AT)
    assert_stock_matches_ledger(data)
    shipped = [a for ln in stocked for a in data.allocations_of_line(ln["id"])]
    assert all(a["shipped_quantity"] == a["quantity"] for a in shipped)
    return_id = data.create_return(order_id, at=AT)
    before = len(data.stock_changes())
    data.complete_return(return_id, at=AT)
    changes = data.stock_changes()
    assert len(changes) == before + 1 and changes[-1]["type"] == "RETURN"
    data.uncomplete_return(return_id, at=AT)
    assert data.stock_changes()[-1]["type"] == "MANUAL"
    assert all(ln["delivered_quantity"] < 0 for ln in data.stock_changes()[-1]["lines"])
    assert_stock_matches_ledger(data)


def test_given_an_open_delivery_when_received_then_stock_moves_from_incoming_to_physical(fresh) -> None:
    data = fresh.data
    delivery = next(d for d in data.purchase_order_deliveries() if d["status"] == "INSERTED")
    size = delivery["lines"][0]["size_id"]
    row = next(r for r in data.stock_of(delivery["warehouse_id"]) if r["size_id"] == size)
    received = data.receive_delivery(delivery["id"], at=AT)
    assert received["status"] == "ACCEPTED" and received["stock_change_id"]
    after = next(r for r in data.stock_of(delivery["warehouse_id"]) if r["size_id"] == size)
    units = sum(ln["quantity"] for ln in delivery["lines"] if ln["size_id"] == size)
    assert after["physical_quantity"] == row["physical_quantity"] + units
    assert after["incoming_quantity"] == row["incoming_quantity"] - units
    assert data.purchase_order(delivery["purchase_order_id"])["updated_at"] == AT
    with pytest.raises(ValueError):
        data.receive_delivery(delivery["id"], at=AT)
    assert_stock_matches_ledger(data)


def test_given_mutations_before_the_ledger_is_built_then_it_equals_one_built_first(fake_centra_factory) -> None:
    def story(fake: FakeCentra, build_first: bool):
        data = fake.data
        if build_first:
            data.ledger()
        oid = data.create_order(store_id=2, at=AT)
        data.update_order(oid, status="CONFIRMED", at=AT)
        data.create_shipment(oid, at=AT)
        rid = data.create_return(oid, at=AT)
        data.complete_return(rid, at=AT)
        return data.allocations(), data.stock_changes(), list(data.stock_of(3))

    assert story(fake_centra_factory(orders=120, seed=5), True) == story(fake_centra_factory(orders=120, seed=5), False)


def test_given_api_then_it_serves_the_ledger_with_permissions_and_complexity(fake) -> None:
    client = Client(fake)
    data = fake.data
    q = """query($after: String) { stockChangeConnection(first: 50, after: $after, sort: [id_ASC]) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { id type lines(limit: 200) { id deliveredQuantity unitCost { value currency { code } } } } } } }"""
    seen, after = [], None
    while True:
        page = client.data(q, {"after": after})["stockChangeConnection"]
        seen += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [(n["id"], n["type"], [ln["id"] for ln in n["lines"]]) for n in seen] == \
        [(c["id"], c["type"], [ln["id"] for ln in c["lines"]]) for c in data.stock_changes()]
    body = client.post("{ stockChangeConnection(first: 10) { edges { node { lines(limit: 50) { id } } } } }").json()
    assert body["extensions"]["complexity"] == 10 * (1 + 50 * 1)
    token = fake.create_token(permissions=["Order:read"])
    denied = client.post("{ purchaseOrders(limit: 1) { id } }", token=token).json()
    assert denied["data"]["purchaseOrders"] is None and denied["errors"][0]["extensions"]["category"] == "authorization"
    nulls = client.post("{ orders(limit: 1) { lines { id allocations { id } } } }", token=token).json()
    assert nulls["data"]["orders"][0]["lines"][0]["allocations"] is None
    assert "Allocation:read" in nulls["errors"][0]["message"]


def test_given_lean_profile_then_no_cost_roots(fake_centra_factory) -> None:
    lean = fake_centra_factory(orders=50, seed=3, schema_profile="lean")
    roots = set(lean.schema.query_type.fields)
    assert not roots & {"stockChangeConnection", "stockChangeLines", "purchaseOrders", "purchaseOrderDeliveries"}
    assert "allocations" not in lean.schema.type_map["OrderLine"].fields


def _reference_connection(changes: list[dict], where: dict, sort: str, first: int | None, after: tuple | None,
                          last: int | None, before: tuple | None) -> tuple[list[int], bool, bool, int]:
    """stockChangeConnection computed the plain way: filter every view, sort, walk to the bounds."""
    def key(c: dict) -> tuple:
        return (int(c["created_at"].timestamp()), c["id"]) if sort.startswith("createdAt") else (c["id"],)

    rows = [c for c in changes
            if ("id" not in where or c["id"] in where["id"]) and ("type" not in where or c["type"] in where["type"])]
    desc = sort.endswith("_DESC")
    keyed = sorted(((key(c), c) for c in rows), key=lambda kc: kc[0], reverse=desc)
    start = next((i for i, (k, _c) in enumerate(keyed) if (k < after if desc else k > after)), len(keyed)) \
        if after else 0
    end = next((i for i, (k, _c) in enumerate(keyed) if not (k > before if desc else k < before)), len(keyed)) \
        if before else len(keyed)
    window = keyed[start:max(start, end)]
    if first is None and last is None:
        first = 10
    picked = window[:first] if first is not None else window
    if last is not None:
        picked = picked[max(0, len(picked) - last):]
    has_next = (start + len(picked) < max(start, end)) if first is not None and last is None else max(start, end) < len(keyed)
    has_prev = start > 0 or (last is not None and len(picked) < len(window))
    return [c["id"] for _k, c in picked], has_next, has_prev, len(rows)


def test_given_any_filter_sort_and_bounds_then_stock_changes_page_as_a_plain_scan_would(fresh, monkeypatch) -> None:
    """The connection keeps its filtered, sorted rows per query and finds cursors by bisection (a 1M-order
    scale run pages it thousands of times): every combination of id/type filter, sort, first/last and
    after/before answers as a plain filter-sort-walk over the views, and the views are built once, not
    per page."""
    import base64
    import random

    from fake_centra.costs import CostData

    client, data = Client(fresh), fresh.data
    changes = data.stock_changes()
    built = []
    original = CostData.stock_changes
    monkeypatch.setattr(CostData, "stock_changes", lambda self: built.append(1) or original(self))
    q = """query($where: StockChangeFilter, $sort: [StockChangeSort!], $first: Int, $last: Int, $after: String,
        $before: String) { stockChangeConnection(where: $where, sort: $sort, first: $first, last: $last, after: $after,
        before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { cursor node { id } } } }"""
    ids = [c["id"] for c in changes]
    rng = random.Random(5)
    for _ in range(120):
        sort = rng.choice(["id_ASC", "id_DESC", "createdAt_ASC", "createdAt_DESC"])
        where: dict = {}
        if rng.random() < 0.4:
            where["id"] = rng.sample(ids, 5) + [10**6]
        if rng.random() < 0.3:
            where["type"] = [rng.choice(["DELIVERY", "RETURN", "MANUAL"])]
        field = sort.rpartition("_")[0]
        pivot = rng.choice(changes)
        cursor_key = (int(pivot["created_at"].timestamp()), pivot["id"]) if field == "createdAt" else (pivot["id"],)
        cursor = base64.b64encode(":".join([field, *map(str, cursor_key)]).encode()).decode()
        first, last = rng.choice([(None, None), (7, None), (None, 4), (7, 3)])
        after, before = rng.choice([(None, None), (cursor, None), (None, cursor)])
        page = client.data(q, {"where": where or None, "sort": [sort], "first": first, "last": last,
                               "after": after, "before": before})["stockChangeConnection"]
        expected = _reference_connection(changes, where, sort, first, cursor_key if after else None, last,
                                         cursor_key if before else None)
        got = ([e["node"]["id"] for e in page["edges"]], page["pageInfo"]["hasNextPage"],
               page["pageInfo"]["hasPreviousPage"], page["totalCount"])
        assert got == expected, (sort, where, first, last, after, before)
    assert len(built) == 1  # one build of the views for 120 pages
    data.stock_take(1, 2, at=AT)  # a change of the ledger: the next page sees it
    page = client.data(q, {"sort": ["id_DESC"], "first": 1})["stockChangeConnection"]
    assert page["edges"][0]["node"]["id"] == max(ids) + 1 and len(built) == 2
