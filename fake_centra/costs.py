"""Cost of goods in the fake: suppliers, purchase orders and their deliveries, the stock-change ledger
(deliveries and completed returns booked in), and the allocations of order lines to stock-change lines,
first in, first out per warehouse and size. The stock snapshot (``entities.stock_columns``) is this
ledger's balance, so every figure a margin or inventory model computes can be checked against it.

The story, all deterministic from the seed (centra-streams §8 for the names; guesses are tagged in
``schema.graphql``):

- **Suppliers** (4, ``SUPPLIERS``) each invoice in their own currency; a product is bought from
  ``supplier_of(product)``. Customs apply to the non-EU ones (``customsPercent``).
- **Purchase orders**: one per supplier × warehouse × quarter in which that warehouse sells the
  supplier's products (2024Q1-2025Q4), created 80 days before the quarter; plus one open purchase
  order per supplier × warehouse for 2026Q1 (the forecast: the units of 2025Q4).
- **Deliveries**: two per purchase order. The first arrives 20 days before the quarter with the units
  the warehouse sells in the quarter's first two months, the second 40 days into the quarter with the
  third month's units plus a small buffer, so stock never runs short of the allocations. Unit costs
  vary per delivery (season and supplier) and are in the supplier's currency at that day's rate.
  A delivery that has arrived by 2025-12-31 is ``ACCEPTED`` and has a stock change; the 2026 ones are
  ``INSERTED`` with an ETA (the stock's incoming quantity).
- **Stock changes**: a ``DELIVERY`` for every accepted delivery (one line per delivery line, its unit
  cost), a ``RETURN`` for every completed return (one line per returned order line and source
  allocation, at that allocation's unit cost; ``createdFromShipmentLine``), and a ``MANUAL`` line with
  a negative quantity when a return is uncompleted. Ids grow with time.
- **Allocations**: an order's lines are allocated when the order is created, if its status is one that
  Centra allocates (CONFIRMED, PROCESSING, SHIPPED, ARCHIVED), from the warehouse of its market
  (``MARKET_WAREHOUSE``), oldest stock-change line first. PENDING orders (and AWAITING_REVIEW) have no
  allocation: their cost of goods can only be estimated. Cancelled units are deallocated (newest
  allocation first); an allocation left with no unit keeps quantity 0 (Centra's behaviour is unknown).
- **Stock** per warehouse × size: physical = Σ delivered − Σ shipped allocated units; allocated =
  allocated units not shipped; free to allocate = physical − allocated (= Σ the lots' free units);
  incoming = units on deliveries not yet accepted.

The generated orders are read once, lazily, the first time any of this is asked for (about 0.2 ms an
order). Mutations of orders, shipments and returns are recorded as events and applied to the ledger
in order, so a ledger built after a mutation is the same as one built before it.
"""

from __future__ import annotations

import copy
import hashlib
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

import numpy as np

from . import clock, ids
from .details import day_rate, utc
from .generator import EPOCH_END, catalog_size

_DAY = 86400
# id, name, currency, customs percent (the non-EU suppliers pay duty)
SUPPLIERS = (
    (1, "Atelier Porto", "EUR", 0.0),
    (2, "Nordic Knit AB", "SEK", 0.0),
    (3, "Shenzhen Apparel Co", "USD", 12.0),
    (4, "Leicester Leather Ltd", "GBP", 8.0),
)
SUPPLIER_BY_ID = {s[0]: s for s in SUPPLIERS}
# the warehouse each market allocates from (an allocation rule per market)
MARKET_WAREHOUSE = {1: 1, 2: 2, 3: 1, 4: 1, 5: 2, 6: 3, 7: 1, 8: 2}
ALLOCATING = frozenset({"CONFIRMED", "PROCESSING", "SHIPPED", "ARCHIVED"})
FREIGHT_SHARE = 0.03  # landed cost = unit cost × (1 + customs % + 3 % freight)
QUARTERS = [(y, m) for y in (2024, 2025) for m in (1, 4, 7, 10)]  # the sales quarters
OPEN_QUARTER = (2026, 1)


def stocked_size(line: dict) -> int | None:
    """The product size a line takes from stock: None for gift certificates and for a bundle's own line
    (its items' lines take the stock)."""
    return None if line.get("type") in ("GiftCertificateOrderLine", "BundleOrderLine") else line.get("size_id")


def supplier_of(product_id: int) -> int:
    return product_id % len(SUPPLIERS) + 1


def _epoch(year: int, month: int, day: int = 1) -> int:
    return int(datetime(year, month, day, tzinfo=timezone.utc).timestamp())


def _hash(*parts: Any) -> int:
    return int.from_bytes(hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest(), "big")


def quarter_of(epoch: int) -> tuple[int, int]:
    d = datetime.fromtimestamp(epoch, timezone.utc)
    return d.year, (d.month - 1) // 3 * 3 + 1


def unit_cost_sek(product: dict, quarter: tuple[int, int], supplier_id: int) -> float:
    """What a unit of ``product`` costs in SEK in a season: 22-34 % of its retail price, ±6 % per
    season and supplier."""
    ratio = 0.22 + (product["id"] % 5) * 0.03
    wobble = (_hash("season", quarter, supplier_id) % 1000) / 1000.0 - 0.5
    return product["_price_sek"] * ratio * (1 + 0.12 * wobble)


class Ledger:
    """Purchase orders, deliveries, stock changes and allocations (see the module docstring).
    Ids are assigned in time order; every record is a plain dict in Centra's terms, snake_case,
    with epoch seconds (the views in ``CostData`` convert to UTC datetimes)."""

    def __init__(self, seed: int, catalog: list[dict]) -> None:
        self.seed = seed
        self.catalog = catalog
        self.purchase_orders: dict[int, dict] = {}
        self.deliveries: dict[int, dict] = {}
        self.stock_changes: dict[int, dict] = {}
        self.lines: dict[int, dict] = {}  # stock-change lines
        self.lots: dict[tuple[int, int], list[int]] = defaultdict(list)  # (warehouse, size) -> line ids, FIFO
        self._cursor: dict[tuple[int, int], int] = defaultdict(int)  # first lot that may have free units
        self.order_lines: dict[int, dict] = {}  # order line id -> allocation state
        self.allocations: dict[int, dict] = {}
        self._next = {"change": 1, "line": 1, "allocation": 1}
        self._changes = 0  # counts changes to the ledger (the cached totals are of one count)
        self._sums: tuple | None = None  # cached totals (balance)

    # ---------------------------------------------------------------- building blocks
    def add_stock_change(self, at: int, kind: str, comment: str, warehouse_id: int, lines: list[dict]) -> dict:
        """A stock change with its lines (``{size_id, delivered_quantity, unit_cost, currency,
        currency_base_rate, created_from_shipment_line_id}``); positive lines become FIFO lots."""
        self._changes += 1
        change = {"id": self._next["change"], "created_at": int(at), "type": kind, "comment": comment,
                  "warehouse_id": warehouse_id, "line_ids": []}
        self._next["change"] += 1
        self.stock_changes[change["id"]] = change
        for line in lines:
            product, variant, _size = catalog_size(self.catalog, line["size_id"])
            row = {"id": self._next["line"], "stock_change_id": change["id"], "warehouse_id": warehouse_id,
                   "size_id": line["size_id"], "variant_id": variant["id"], "product_id": product["id"],
                   "delivered_quantity": int(line["delivered_quantity"]), "unit_cost": line.get("unit_cost"),
                   "currency": line.get("currency"), "currency_base_rate": line.get("currency_base_rate", 1.0),
                   "created_from_shipment_line_id": line.get("created_from_shipment_line_id"),
                   "free": max(0, int(line["delivered_quantity"]))}
            self._next["line"] += 1
            self.lines[row["id"]] = row
            change["line_ids"].append(row["id"])
            if row["delivered_quantity"] > 0:
                self.lots[(warehouse_id, line["size_id"])].append(row["id"])
        return change

    def register_line(self, line_id: int, order_row: int, warehouse_id: int, size_id: int | None,
                      quantity: int) -> dict:
        self._changes += 1
        state = {"line_id": line_id, "order_row": order_row, "warehouse_id": warehouse_id, "size_id": size_id,
                 "quantity": int(quantity), "allocations": [], "shipped": 0}
        self.order_lines[line_id] = state
        return state

    def allocated(self, state: dict) -> int:
        return sum(self.allocations[a]["quantity"] for a in state["allocations"])

    def allocate(self, state: dict) -> None:
        """Allocate the line's unallocated units, oldest lot first (as far as stock allows)."""
        self._changes += 1
        if state["size_id"] is None:
            return
        wanted = state["quantity"] - self.allocated(state)
        key = (state["warehouse_id"], state["size_id"])
        lots = self.lots.get(key, [])
        i = self._cursor[key]
        while wanted > 0 and i < len(lots):
            lot = self.lines[lots[i]]
            if lot["free"] <= 0:
                i += 1
                continue
            take = min(lot["free"], wanted)
            lot["free"] -= take
            wanted -= take
            same = next((a for a in state["allocations"] if self.allocations[a]["stock_change_line_id"] == lot["id"]), None)
            if same is not None:
                self.allocations[same]["quantity"] += take
            else:
                alloc = {"id": self._next["allocation"], "order_line_id": state["line_id"],
                         "order_row": state["order_row"], "quantity": take, "shipped": 0,
                         "warehouse_id": state["warehouse_id"], "stock_change_line_id": lot["id"]}
                self._next["allocation"] += 1
                self.allocations[alloc["id"]] = alloc
                state["allocations"].append(alloc["id"])
        self._cursor[key] = i

    def deallocate(self, state: dict, units: int) -> None:
        """Give back up to ``units`` unshipped allocated units, newest allocation first."""
        self._changes += 1
        for alloc_id in reversed(list(state["allocations"])):
            if units <= 0:
                break
            alloc = self.allocations[alloc_id]
            take = min(units, alloc["quantity"] - alloc["shipped"])
            if take <= 0:
                continue
            alloc["quantity"] -= take
            units -= take
            lot = self.lines[alloc["stock_change_line_id"]]
            lot["free"] += take
            key = (lot["warehouse_id"], lot["size_id"])
            self._cursor[key] = min(self._cursor[key], self.lots[key].index(lot["id"]))
            # an allocation emptied this way stays, with quantity 0 [I]: whether Centra deletes it is not
            # documented; the dbt marts read only the allocations of an order line's latest version either way

    def ship(self, state: dict, units: int) -> None:
        """Ship ``units`` of the line: allocate first where needed (Centra ships allocated units)."""
        self._changes += 1
        if self.allocated(state) - state["shipped"] < units:
            self.allocate(state)
        state["shipped"] += units
        for alloc_id in state["allocations"]:
            alloc = self.allocations[alloc_id]
            take = min(units, alloc["quantity"] - alloc["shipped"])
            alloc["shipped"] += take
            units -= take
            if units <= 0:
                break

    def set_quantity(self, state: dict, quantity: int, allocating: bool) -> None:
        self._changes += 1
        state["quantity"] = int(quantity)
        surplus = self.allocated(state) - state["quantity"]
        if surplus > 0:
            self.deallocate(state, surplus)
        elif allocating:
            self.allocate(state)

    def book_return(self, at: int, return_id: int, lines: list[tuple[int, int, int]], undo: bool = False) -> None:
        """A completed return (``lines``: order line id, shipment line id, units) books its units back
        into the order's warehouse at the cost of the allocations they came from; ``undo`` (the return
        uncompleted) takes them out again with a MANUAL stock change of negative lines."""
        self._changes += 1
        by_warehouse: dict[int, list[dict]] = defaultdict(list)
        for order_line_id, shipment_line_id, units in lines:
            state = self.order_lines.get(order_line_id)
            if state is None or state["size_id"] is None or units <= 0:
                continue
            for alloc_id in state["allocations"]:
                if units <= 0:
                    break
                alloc = self.allocations[alloc_id]
                take = min(units, alloc["shipped"])
                if take <= 0:
                    continue
                units -= take
                source = self.lines[alloc["stock_change_line_id"]]
                by_warehouse[state["warehouse_id"]].append({
                    "size_id": state["size_id"], "delivered_quantity": -take if undo else take,
                    "unit_cost": source["unit_cost"], "currency": source["currency"],
                    "currency_base_rate": source["currency_base_rate"],
                    "created_from_shipment_line_id": shipment_line_id})
            if units > 0:  # shipped without an allocation (no stock was free): its cost is unknown
                by_warehouse[state["warehouse_id"]].append({
                    "size_id": state["size_id"], "delivered_quantity": -units if undo else units, "unit_cost": None,
                    "currency": None, "currency_base_rate": 1.0, "created_from_shipment_line_id": shipment_line_id})
        for warehouse_id, rows in by_warehouse.items():
            if undo:
                for row in rows:  # the returned units leave the lots they were booked into
                    key = (warehouse_id, row["size_id"])
                    left = -row["delivered_quantity"]
                    for lot_id in reversed(self.lots.get(key, [])):
                        lot = self.lines[lot_id]
                        take = min(left, lot["free"])
                        lot["free"] -= take
                        left -= take
                        if left <= 0:
                            break
                    row["delivered_quantity"] += left  # only what was still free can leave
                rows = [r for r in rows if r["delivered_quantity"] < 0]
                if rows:
                    self.add_stock_change(at, "MANUAL", f"Return {return_id} uncompleted", warehouse_id, rows)
            else:
                self.add_stock_change(at, "RETURN", f"Return {return_id}", warehouse_id, rows)

    # ---------------------------------------------------------------- the generated history
    def build(self, orders: list[dict]) -> None:
        """``orders``: the generated orders, each ``{row, created, status, market_id, lines: [{id,
        size_id, quantity, shipped}], returns: [{id, completed, lines: [(order line, shipment line,
        units)]}]}``. Plans purchase orders from the demand, then replays deliveries, allocations and
        returns in time order."""
        demand: dict[tuple[int, int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for order in orders:
            if order["status"] not in ALLOCATING:
                continue
            year, month = quarter_of(order["created"])
            third = (datetime.fromtimestamp(order["created"], timezone.utc).month - month) == 2
            warehouse = MARKET_WAREHOUSE[order["market_id"]]
            for line in order["lines"]:
                if line["size_id"] is None or line["quantity"] <= 0:
                    continue
                supplier = supplier_of(ids.product_of_size(line["size_id"]))
                demand[(supplier, warehouse, QUARTERS.index((year, month)))][(line["size_id"], int(third))] += \
                    line["quantity"]
        events: list[tuple[int, int, int, Any]] = []  # (time, kind order, tie, payload)
        self._plan_purchases(demand, orders, events)
        for order in orders:
            events.append((order["created"], 1, order["row"], ("order", order)))
            for ret in order["returns"]:
                if ret["completed"]:
                    events.append((ret["completed"], 2, ret["id"], ("return", ret)))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        for at, _kind, _tie, (kind, payload) in events:
            if kind == "delivery":
                self._receive(payload, at)
            elif kind == "order":
                warehouse = MARKET_WAREHOUSE[payload["market_id"]]
                allocating = payload["status"] in ALLOCATING
                for line in payload["lines"]:
                    state = self.register_line(line["id"], payload["row"], warehouse, line["size_id"], line["quantity"])
                    if allocating:
                        self.allocate(state)
                    if line["shipped"]:
                        self.ship(state, line["shipped"])
            else:
                self.book_return(at, payload["id"], payload["lines"])

    def _plan_purchases(self, demand: dict, orders: list[dict], events: list) -> None:
        po_id = delivery_id = 0
        last_quarter: dict[tuple[int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for (supplier, warehouse, q), units in sorted(demand.items()):
            if q == len(QUARTERS) - 1:
                for (size_id, _third), n in units.items():
                    last_quarter[(supplier, warehouse)][size_id] += n
        plans = [(key, units, QUARTERS[key[2]], False) for key, units in sorted(demand.items())]
        plans += [((supplier, warehouse, len(QUARTERS)), {(s, 0): n for s, n in sizes.items()}, OPEN_QUARTER, True)
                  for (supplier, warehouse), sizes in sorted(last_quarter.items())]
        plans.sort(key=lambda p: (p[2], p[0][0], p[0][1]))
        for (supplier, warehouse, _q), units, quarter, is_open in plans:
            start = _epoch(*quarter)
            po_id += 1
            created = start - 80 * _DAY + _hash(self.seed, "po", po_id) % (5 * _DAY)
            _, sname, currency, customs = SUPPLIER_BY_ID[supplier]
            po = {"id": po_id, "number": f"PO-{quarter[0] % 100:02d}{quarter[1]:02d}-{supplier}{warehouse}",
                  "status": "CONFIRMED", "created_at": created, "updated_at": created, "supplier_id": supplier,
                  "supplier_name": sname, "warehouse_id": warehouse, "currency": currency, "delivery_ids": []}
            self.purchase_orders[po_id] = po
            for k in (0, 1):
                sizes = sorted((s, n) for (s, third), n in units.items() if third == k or (is_open and k == 1))
                if is_open:  # the forecast, split in two deliveries
                    sizes = sorted((s, (n + 1) // 2 if k == 0 else n // 2) for (s, _t), n in units.items())
                if k == 1 and not is_open:  # a small buffer on the third month's delivery
                    extra = {s: _hash(self.seed, "buffer", warehouse, s, quarter) % 5
                             for s in {s for (s, _t) in units}}
                    merged = dict(sizes)
                    for s, n in extra.items():
                        merged[s] = merged.get(s, 0) + n
                    sizes = sorted(merged.items())
                sizes = [(s, n) for s, n in sizes if n > 0]
                if not sizes:
                    continue
                arrival = start - 20 * _DAY if k == 0 else start + 40 * _DAY
                arrival += _hash(self.seed, "eta", po_id, k) % _DAY
                delivery_id += 1
                rate = day_rate(currency, arrival)
                lines = []
                for size_id, n in sizes:
                    product, variant, _size = catalog_size(self.catalog, size_id)
                    unit = round(unit_cost_sek(product, quarter, supplier) / rate, 2)
                    lines.append({"size_id": size_id, "variant_id": variant["id"], "product_id": product["id"],
                                  "quantity": n, "unit_cost": unit,
                                  "customs_percent": customs, "customs_value": round(unit * customs / 100, 2),
                                  "landed_cost": round(unit * (1 + customs / 100 + FREIGHT_SHARE), 2)})
                received = arrival <= EPOCH_END
                delivery = {"id": delivery_id, "number": f"{po['number']}-{k + 1}",
                            "status": "ACCEPTED" if received else "INSERTED",
                            "created_at": created + (3 + k) * _DAY, "eta": arrival, "purchase_order_id": po_id,
                            "supplier_id": supplier, "warehouse_id": warehouse, "currency": currency,
                            "currency_base_rate": rate, "stock_change_id": None, "lines": lines}
                self.deliveries[delivery_id] = delivery
                po["delivery_ids"].append(delivery_id)
                if received:
                    events.append((arrival, 0, delivery_id, ("delivery", delivery)))
            self._po_status(po)

    def _receive(self, delivery: dict, at: int) -> None:
        self._changes += 1
        change = self.add_stock_change(at, "DELIVERY", f"Delivery {delivery['number']}", delivery["warehouse_id"], [
            {"size_id": line["size_id"], "delivered_quantity": line["quantity"], "unit_cost": line["unit_cost"],
             "currency": delivery["currency"], "currency_base_rate": delivery["currency_base_rate"]}
            for line in delivery["lines"]])
        delivery["status"] = "ACCEPTED"
        delivery["stock_change_id"] = change["id"]
        po = self.purchase_orders[delivery["purchase_order_id"]]
        po["updated_at"] = max(po["updated_at"], int(at))
        self._po_status(po)

    def _po_status(self, po: dict) -> None:
        received = [self.deliveries[d]["status"] == "ACCEPTED" for d in po["delivery_ids"]]
        po["status"] = "DELIVERED" if received and all(received) else "PARTIALLY_DELIVERED" if any(received) else "CONFIRMED"

    def receive(self, delivery_id: int, at: int) -> dict:
        delivery = self.deliveries.get(int(delivery_id))
        if delivery is None:
            raise KeyError(f"unknown delivery {delivery_id}")
        if delivery["status"] == "ACCEPTED":
            raise ValueError(f"delivery {delivery_id} is already accepted")
        self._receive(delivery, at)
        return delivery

    # ---------------------------------------------------------------- the stock balance
    def balance(self, warehouse_id: int, size_ids: np.ndarray) -> dict[str, np.ndarray]:
        """Physical, allocated, incoming and demanded units per size of one warehouse (arrays in ``size_ids``
        order), from totals over the whole ledger computed once per change of it."""
        totals = self._totals()
        out = {name: np.zeros(len(size_ids), np.int64) for name in ("physical", "allocated", "incoming", "demand")}
        for i, size_id in enumerate(size_ids.tolist()):
            row = totals.get((warehouse_id, size_id))
            if row is not None:
                for k, name in enumerate(("physical", "allocated", "incoming", "demand")):
                    out[name][i] = row[k]
        out["demand"] = np.maximum(out["demand"], out["allocated"])
        return out

    def _totals(self) -> dict[tuple[int, int], list[int]]:
        """(warehouse, size) → [physical, allocated, incoming, demand] (cached until the ledger changes)."""
        key = self._changes
        if self._sums is not None and self._sums[0] == key:
            return self._sums[1]
        totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for line in self.lines.values():
            totals[(line["warehouse_id"], line["size_id"])][0] += line["delivered_quantity"]
        for alloc in self.allocations.values():
            lot = self.lines[alloc["stock_change_line_id"]]
            row = totals[(lot["warehouse_id"], lot["size_id"])]
            row[0] -= alloc["shipped"]
            row[1] += alloc["quantity"] - alloc["shipped"]
        for state in self.order_lines.values():
            if state["size_id"] is not None:
                totals[(state["warehouse_id"], state["size_id"])][3] += max(0, state["quantity"] - state["shipped"])
        for delivery in self.deliveries.values():
            if delivery["status"] != "ACCEPTED":
                for line in delivery["lines"]:
                    totals[(delivery["warehouse_id"], line["size_id"])][2] += line["quantity"]
        self._sums = (key, dict(totals))
        return self._sums[1]


class CostData:
    """Mixin of ``store.FakeData``: the ledger, built on first use, its views and mutations."""

    seed: int
    catalog: list
    tables: dict
    lock: Any
    builder: Any
    served: Any

    def _init_costs(self) -> None:
        self._ledger: Ledger | None = None
        self._cost_events: list[tuple] = []  # order mutations, replayed when the ledger is built later
        self.versions["costs"] = 0  # type: ignore[attr-defined]
        self._change_views: tuple | None = None  # (ledger change count, views, views by id, answers)

    def ledger(self) -> Ledger:
        with self.lock:
            if self._ledger is None:
                ledger = Ledger(self.seed, self.catalog)
                ledger.build(self._generated_orders())
                for event in self._cost_events:
                    self._apply_cost_event(ledger, event)
                self._ledger = ledger
            return self._ledger

    def _generated_orders(self) -> list[dict]:
        """The generated history as the ledger needs it: every order as it was generated (mutations
        are replayed as events afterwards)."""
        out = []
        o = self.tables["orders"]
        for row in range(self.generated_order_count):  # type: ignore[attr-defined]
            fam = self.builder.family(row)
            order = fam["order"]
            returns = []
            for ret in fam["returns"].values():
                if ret["return_status"] == "COMPLETED" and ret["returned_to_stock"]:
                    returns.append({"id": ret["id"], "completed": int(ret["_completed_at"].timestamp()),
                                    "lines": [(ln["order_line_id"], ln["shipment_line_id"], ln["quantity"])
                                              for ln in ret["lines"]]})
            out.append({"row": row, "created": o.get("created", row), "status": order["status"],
                        "market_id": order["market_id"], "returns": returns,
                        "lines": [{"id": ln["id"], "size_id": stocked_size(ln), "quantity": ln["quantity"],
                                   "shipped": ln["shipped_quantity"]} for ln in order["lines"]]})
        return out

    # ---------------------------------------------------------------- events from order mutations
    def cost_event(self, *event: Any) -> None:
        """Record an order mutation's effect on allocations and stock (``store.FakeData`` calls it)."""
        with self.lock:
            self._cost_events.append(copy.deepcopy(event))
            if self._ledger is not None:
                self._apply_cost_event(self._ledger, event)
            self.versions["costs"] += 1  # type: ignore[attr-defined]
            self.versions["stock"] += 1  # type: ignore[attr-defined]

    @staticmethod
    def _apply_cost_event(ledger: Ledger, event: tuple) -> None:
        kind = event[0]
        if kind == "order":  # ("order", row, status, market_id, [(line id, size id, quantity)])
            _, row, status, market_id, lines = event
            for line_id, size_id, quantity in lines:
                state = ledger.register_line(line_id, row, MARKET_WAREHOUSE[market_id], size_id, quantity)
                if status in ALLOCATING:
                    ledger.allocate(state)
        elif kind == "status":  # ("status", [line ids], status)
            _, line_ids, status = event
            for line_id in line_ids:
                state = ledger.order_lines.get(line_id)
                if state is None:
                    continue
                if status == "CANCELLED":
                    ledger.deallocate(state, ledger.allocated(state))
                elif status in ALLOCATING:
                    ledger.allocate(state)
        elif kind == "quantity":  # ("quantity", line id, quantity, allocating)
            _, line_id, quantity, allocating = event
            state = ledger.order_lines.get(line_id)
            if state is not None:
                ledger.set_quantity(state, quantity, allocating)
        elif kind == "ship":  # ("ship", [(line id, units)])
            for line_id, units in event[1]:
                state = ledger.order_lines.get(line_id)
                if state is not None:
                    ledger.ship(state, units)
        elif kind in ("return", "unreturn"):  # (kind, at, return id, [(order line, shipment line, units)])
            _, at, return_id, lines = event
            ledger.book_return(at, return_id, lines, undo=kind == "unreturn")
        elif kind == "receive":  # ("receive", delivery id, at)
            ledger.receive(event[1], event[2])
        elif kind == "stock_take":  # ("stock_take", at, warehouse id, [size ids]): one unit found per size
            _, at, warehouse_id, size_ids = event
            ledger.add_stock_change(at, "MANUAL", "Stock take", warehouse_id,
                                    [{"size_id": size_id, "delivered_quantity": 1} for size_id in size_ids])
        else:
            raise AssertionError(kind)

    def receive_delivery(self, delivery_id: int, at: Any = None) -> dict:
        """A delivery that was on its way (INSERTED) arrives at ``at``: it becomes ACCEPTED with a
        DELIVERY stock change; its purchase order's ``updated_at`` moves. Returns the delivery."""
        with self.lock:
            at = clock.epoch(at)
            delivery = self.ledger().deliveries.get(int(delivery_id))
            if delivery is None:
                raise KeyError(f"unknown delivery {delivery_id}")
            if delivery["status"] == "ACCEPTED":
                raise ValueError(f"delivery {delivery_id} is already accepted")
            self.cost_event("receive", int(delivery_id), at)
            self._bump("costs", "stock")  # type: ignore[attr-defined]
            return self.purchase_order_delivery(int(delivery_id))

    def update_purchase_order(self, po_id: int, at: Any = None) -> None:
        """Touch a purchase order (its ``updated_at`` moves to ``at``)."""
        with self.lock:
            po = self.ledger().purchase_orders.get(int(po_id))
            if po is None:
                raise KeyError(f"unknown purchase order {po_id}")
            po["updated_at"] = clock.epoch(at)
            self._bump("costs")  # type: ignore[attr-defined]

    def announce_delivery(self, po_id: int, at: Any = None) -> int:
        """A new delivery (INSERTED, arriving 30 days after ``at``) of one unit of each size the purchase
        order's first delivery had; the purchase order's ``updated_at`` moves. Returns the delivery id."""
        with self.lock:
            at = clock.epoch(at)
            ledger = self.ledger()
            po = ledger.purchase_orders.get(int(po_id))
            if po is None:
                raise KeyError(f"unknown purchase order {po_id}")
            first = ledger.deliveries[po["delivery_ids"][0]]
            delivery_id = max(ledger.deliveries) + 1
            ledger.deliveries[delivery_id] = {
                **{k: v for k, v in first.items() if k not in ("lines", "id", "number")}, "id": delivery_id,
                "number": f"{po['number']}-{len(po['delivery_ids']) + 1}", "status": "INSERTED", "created_at": at,
                "eta": at + 30 * _DAY, "stock_change_id": None,
                "lines": [{**line, "quantity": 1} for line in first["lines"]]}
            po["delivery_ids"].append(delivery_id)
            po["updated_at"] = at
            ledger._po_status(po)
            ledger._changes += 1
            self._bump("costs", "stock")  # type: ignore[attr-defined]
            return delivery_id

    def stock_take(self, warehouse_id: int, sizes: int, at: Any = None) -> int:
        """A stock count that finds one more unit of each of the first ``sizes`` product sizes: one MANUAL
        stock change with ``sizes`` lines and no unit cost (a large stock change). Returns its id."""
        with self.lock:
            size_ids = [int(s) for s in self.catalog_arrays()["size"][: int(sizes)]]  # type: ignore[attr-defined]
            self.cost_event("stock_take", clock.epoch(at), int(warehouse_id), size_ids)
            self._bump("costs", "stock")  # type: ignore[attr-defined]
            return max(self.ledger().stock_changes)

    # Changes a second incremental sync must bring, for the integration tests (integration_tests/
    # test_new_streams.py): each returns {stream: primary keys changed}, side effects on other streams included.
    def touch_stock_changes(self) -> dict[str, set]:
        delivery = next(d for d in self.purchase_order_deliveries() if d["status"] == "INSERTED")
        received = self.receive_delivery(delivery["id"])
        change = self.stock_change(received["stock_change_id"])
        return {"stock_changes": {line["id"] for line in change["lines"]},
                "purchase_orders": {delivery["purchase_order_id"]}}

    def touch_purchase_order_deliveries(self) -> dict[str, set]:
        po = self.purchase_orders()[0]
        return {"purchase_order_deliveries": {self.announce_delivery(po["id"])}, "purchase_orders": {po["id"]}}

    def touch_order_item_allocations(self) -> dict[str, set]:
        """Confirm up to three PENDING orders with stock to allocate: their allocations are new."""
        changed: set = set()
        for order in self.orders():  # type: ignore[attr-defined]
            if len(changed) >= 3:
                break
            if order["status"] == "PENDING":
                self.update_order(order["id"], status="CONFIRMED")  # type: ignore[attr-defined]
                changed |= {a["id"] for ln in order["lines"] for a in self.allocations_of_line(ln["id"])}
        return {"order_item_allocations": changed}

    # ---------------------------------------------------------------- views (fake.data)
    def suppliers(self) -> list[dict]:
        return [{"id": i, "name": n, "currency": c, "customs_percent": p} for i, n, c, p in SUPPLIERS]

    def purchase_orders(self) -> list[dict]:
        return [self.purchase_order(i) for i in sorted(self.ledger().purchase_orders)]

    def purchase_order(self, po_id: int) -> dict:
        po = self.ledger().purchase_orders[int(po_id)]
        out = {k: v for k, v in po.items() if k != "delivery_ids"}
        out.update(created_at=utc(po["created_at"]), updated_at=utc(po["updated_at"]),
                   delivery_ids=list(po["delivery_ids"]))
        return out

    def purchase_order_deliveries(self) -> list[dict]:
        return [self.purchase_order_delivery(i) for i in sorted(self.ledger().deliveries)]

    def purchase_order_delivery_headers(self) -> list[dict]:
        """Every delivery without its lines: what a list request filters, sorts and pages before the
        page's deliveries are completed (``purchase_order_delivery``). Copying every delivery's lines
        for every request made a request cost the whole ledger's lines (~0.6 s at 120 orders)."""
        return [self.purchase_order_delivery(i, lines=False) for i in sorted(self.ledger().deliveries)]

    def purchase_order_delivery(self, delivery_id: int, lines: bool = True) -> dict:
        kept = self.ledger().deliveries[int(delivery_id)]
        d = copy.deepcopy({k: v for k, v in kept.items() if lines or k != "lines"})
        d.update(created_at=utc(d["created_at"]), eta=utc(d["eta"]))
        for line in d.get("lines", ()):
            line["currency"] = d["currency"]
        return d

    def stock_changes(self) -> list[dict]:
        """Every stock change with its lines (``lines``: the stock-change line views)."""
        ledger = self.ledger()
        return [self.stock_change(i) for i in sorted(ledger.stock_changes)]

    def stock_change_views(self) -> tuple[list[dict], dict[int, dict], dict]:
        """``stock_changes()`` (sorted by id), the same by id, and a dict for answers derived from them,
        built once per change of the ledger and shared, so must not be modified: the API's
        ``stockChangeConnection`` reads them on every page (and once per stock change whose lines
        overflow a page), and building every view per request made a sync's cost grow with the square of
        the ledger."""
        with self.lock:
            ledger = self.ledger()
            if self._change_views is None or self._change_views[0] != ledger._changes:
                views = self.stock_changes()
                self._change_views = (ledger._changes, views, {v["id"]: v for v in views}, {})
            return self._change_views[1], self._change_views[2], self._change_views[3]

    def stock_change(self, change_id: int) -> dict:
        ledger = self.ledger()
        change = ledger.stock_changes[int(change_id)]
        out = {k: v for k, v in change.items() if k != "line_ids"}
        out["created_at"] = utc(change["created_at"])
        out["lines"] = [self.stock_change_line(i) for i in change["line_ids"]]
        return out

    def stock_change_line(self, line_id: int) -> dict:
        line = dict(self.ledger().lines[int(line_id)])
        line["free_to_allocate_quantity"] = line.pop("free")
        _p, _v, size = catalog_size(self.catalog, line["size_id"])
        line["sku"] = size["sku"]
        return line

    def stock_change_lines(self) -> list[dict]:
        return [line for change in self.stock_changes() for line in change["lines"]]

    def allocations(self) -> list[dict]:
        """Every allocation: ``{id, order_id, order_line_id, quantity, shipped_quantity, warehouse_id,
        stock_change_line_id, unit_cost, currency, currency_base_rate}``."""
        ledger = self.ledger()
        return [self._allocation_view(ledger, a) for a in sorted(ledger.allocations)]

    def allocations_of_line(self, line_id: int) -> list[dict]:
        ledger = self.ledger()
        state = ledger.order_lines.get(int(line_id))
        return [] if state is None else [self._allocation_view(ledger, a) for a in state["allocations"]]

    def _allocation_view(self, ledger: Ledger, alloc_id: int) -> dict:
        alloc = ledger.allocations[alloc_id]
        lot = ledger.lines[alloc["stock_change_line_id"]]
        return {"id": alloc["id"], "order_id": self.order_detail(alloc["order_row"])["id"],  # type: ignore[attr-defined]
                "order_line_id": alloc["order_line_id"], "quantity": alloc["quantity"],
                "shipped_quantity": alloc["shipped"], "warehouse_id": alloc["warehouse_id"],
                "stock_change_line_id": lot["id"], "unit_cost": lot["unit_cost"], "currency": lot["currency"],
                "currency_base_rate": lot["currency_base_rate"]}
