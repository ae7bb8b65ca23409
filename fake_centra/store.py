"""FakeData: the fake's in-memory Centra, its plain-Python views and its mutations.

Families (an order with its shipments, returns, payments) are generated on demand from the column
tables (``generator.py``) and cached; a mutation copies the family, changes the copy, keeps it as
an override and updates the columns used for filtering, then bumps the version counters that
invalidate cached selections and cached responses.
"""

from __future__ import annotations

import copy
import random
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterator
from typing import Any

import numpy as np

from . import clock, ids, refdata
from .details import DetailBuilder, money_line, order_totals, utc
from .costs import ALLOCATING, CostData, stocked_size
from .entities import EntityData
from .generator import (
    ORDER_STATUS_CODE,
    PAYMENT_TYPE_CODE,
    PRODUCT_STATUSES,
    UNKNOWN_ORDER_STATUS,
    UNKNOWN_PAYMENT_TYPE,
    apply_unknown_enum,
    build_bundles,
    build_catalog,
    build_tables,
    customer_split,
    product_count,
)
from .table import Table

_FAMILY_CACHE = 4096
BUNDLE_TYPES = ("BundleOrderLine", "BundleItemOrderLine")


def _public(value: Any) -> Any:
    """Deep copy without internal ``_``-prefixed keys."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_public(v) for v in value]
    return value


def _returned_units(ret: dict) -> list[tuple[int, int, int]]:
    """(order line id, shipment line id, units) of a return's lines: what it books into stock."""
    return [(ln["order_line_id"], ln["shipment_line_id"], ln["quantity"]) for ln in ret["lines"]]


MAX_PRODUCTS = 50_000


class FakeData(EntityData, CostData):
    base_currency = refdata.BASE_CURRENCY

    def __init__(self, orders: int = 500, seed: int = 7, tie_fraction: float = 0.3, *,
                 unknown_enum: bool = False, bundle_lines: bool = False,
                 served_types: Collection[str] | None = None, products: int | None = None) -> None:
        """``served_types``: the GraphQL type names of the schema profile (None: the full schema).
        The data holds no line type, attribute or element the profile lacks, so ``fake.data``
        is exactly what the fake serves. ``products``: catalog size (default: orders // 25,
        between 40 and 2,000)."""
        if not 1 <= orders <= 5_000_000:
            raise ValueError("orders must be between 1 and 5,000,000")
        if products is not None and not 1 <= products <= MAX_PRODUCTS:
            raise ValueError(f"products must be between 1 and {MAX_PRODUCTS:,}")
        served = frozenset(served_types) if served_types is not None else None
        if bundle_lines and served is not None and not set(BUNDLE_TYPES) <= served:
            raise ValueError("bundle_lines needs the types BundleOrderLine and BundleItemOrderLine, "
                             "which this schema profile removes")
        self.seed = seed
        self.unknown_enum, self.bundle_lines = unknown_enum, bundle_lines
        self.lock = threading.RLock()
        self.tables = build_tables(seed, orders, tie_fraction)
        if unknown_enum:
            apply_unknown_enum(seed, self.tables)
        self.served = served
        self.catalog = build_catalog(seed, product_count(orders) if products is None else products, served)
        products = len(self.catalog)
        bundles = build_bundles(seed, self.catalog, served) if bundle_lines else []
        self.catalog += bundles
        self.tables["products"] = Table({
            "created": np.array([int(p["created_at"].timestamp()) for p in self.catalog], np.int64),
            "updated": np.array([int(p["updated_at"].timestamp()) for p in self.catalog], np.int64),
            "status": np.array([PRODUCT_STATUSES.index(p["status"]) for p in self.catalog], np.int8),
        })
        self.builder = DetailBuilder(
            seed, self.tables, self.catalog, products=products, bundles=bundles, served=served,
            gift_lines=served is None or "GiftCertificateOrderLine" in served)
        self._overrides: dict[int, dict] = {}
        self._cache: OrderedDict[int, dict] = OrderedDict()
        self.version = 0
        self.versions = {k: 0 for k in ("orders", "shipments", "returns", "payments", "products")}
        self._listeners: list = []
        c1, c2 = customer_split(orders)
        self._customer_ranges = {1: (1, c1), 2: (c1 + 1, c1 + c2)}
        self.generated_order_count = orders  # rows after these were made by create_order
        self._init_entities()
        self._init_costs()

    # ------------------------------------------------------------------ internals
    def family(self, idx: int) -> dict:
        fam = self._overrides.get(idx)
        if fam is not None:
            return fam
        with self.lock:
            fam = self._cache.get(idx)
            if fam is None:
                fam = self.builder.family(idx)
                self._cache[idx] = fam
                if len(self._cache) > _FAMILY_CACHE:
                    self._cache.popitem(last=False)
            return fam

    def order_row(self, order_id: str) -> int | None:
        return ids.order_index(self.seed, order_id, len(self.tables["orders"]))

    def order_detail(self, row: int) -> dict:
        return self.family(row)["order"]

    def shipment_detail(self, sid: int) -> dict:
        return self.family(self.tables["shipments"].get("order", sid - 1))["shipments"][sid]

    def return_detail(self, rid: int) -> dict:
        return self.family(self.tables["returns"].get("order", rid - 1))["returns"][rid]

    def payment_detail(self, pid: int) -> dict:
        return self.family(self.tables["payments"].get("order", pid - 1))["payments"][pid]

    def product_detail(self, pid: int) -> dict:
        return self.catalog[pid - 1]

    def _require_row(self, order_id: str) -> int:
        row = self.order_row(order_id)
        if row is None:
            raise KeyError(f"unknown order id {order_id!r}")
        return row

    def _bump(self, *kinds: str) -> None:
        self.version += 1
        for k in kinds:
            self.versions[k] += 1
        for fn in list(self._listeners):
            fn()

    def on_change(self, fn) -> None:
        """Call ``fn()`` after every mutation (used to invalidate the response cache)."""
        self._listeners.append(fn)

    def _edit(self, row: int) -> dict:
        """A private copy of the family for ``row``; store it back with ``_commit``."""
        return copy.deepcopy(self.family(row))

    def _commit(self, row: int, fam: dict, at: int | None, *kinds: str) -> None:
        if at is not None:
            fam["order"]["updated_at"] = utc(at)
            self.tables["orders"].set("updated", row, at)
        order = fam["order"]
        self.tables["orders"].set("vused", row, int(bool(order.get("_voucher_id")) and order["discounts"] > 0))
        self._overrides[row] = fam
        self._cache.pop(row, None)
        self._bump("orders", *kinds)

    # ------------------------------------------------------------------ views
    def unknown_enum_values(self) -> dict[str, str]:
        """The enum values only the unknown_enum knob adds (empty without it)."""
        if not self.unknown_enum:
            return {}
        return {"OrderStatus": UNKNOWN_ORDER_STATUS, "PaymentHistoryEntryType": UNKNOWN_PAYMENT_TYPE}

    def stores(self) -> list[dict]:
        return copy.deepcopy(refdata.STORES)

    def markets(self) -> list[dict]:
        return copy.deepcopy(refdata.MARKETS)

    def pricelists(self) -> list[dict]:
        return copy.deepcopy(self.pricelist_rows())

    def currencies(self) -> list[dict]:
        return copy.deepcopy(refdata.CURRENCIES)

    def count_orders(self) -> int:
        return len(self.tables["orders"])

    def orders(self) -> Iterator[dict]:
        for row in range(len(self.tables["orders"])):
            yield _public(self.order_detail(row))

    def order(self, order_id: str) -> dict:
        return _public(self.order_detail(self._require_row(order_id)))

    def shipments(self) -> Iterator[dict]:
        for sid in range(1, len(self.tables["shipments"]) + 1):
            yield _public(self.shipment_detail(sid))

    def returns(self) -> Iterator[dict]:
        for rid in range(1, len(self.tables["returns"]) + 1):
            yield _public(self.return_detail(rid))

    def payments(self) -> Iterator[dict]:
        for pid in range(1, len(self.tables["payments"]) + 1):
            yield _public(self.payment_detail(pid))

    def products(self) -> Iterator[dict]:
        for p in self.catalog:
            yield _public(p)

    def shipments_of(self, order_id: str) -> list[dict]:
        return [_public(s) for s in self.family(self._require_row(order_id))["shipments"].values()]

    def returns_of(self, order_id: str) -> list[dict]:
        return [_public(r) for r in self.family(self._require_row(order_id))["returns"].values()]

    def payments_of(self, order_id: str) -> list[dict]:
        return [_public(p) for p in self.family(self._require_row(order_id))["payments"].values()]

    # ------------------------------------------------------------------ mutations
    def create_order(self, store_id: int | None = None, at: Any = None) -> str:
        with self.lock:
            at = clock.epoch(at)
            rng = random.Random(self.seed * 31 + self.version)
            if store_id is None:
                store_id = rng.choices([1, 2, 3], refdata.STORE_WEIGHTS)[0]
            if store_id not in refdata.STORE_BY_ID:
                raise KeyError(f"unknown store {store_id}")
            markets = [m["id"] for m in refdata.MARKETS if m["store_id"] == store_id]
            market = rng.choices(markets, refdata.MARKET_WEIGHTS[store_id])[0]
            if store_id == 3:
                customer = rng.randint(1, len(refdata.ACCOUNTS))
                market = refdata.ACCOUNT_MARKET[customer]
            else:  # an existing customer of the store (customers order from one store only)
                c1, c2 = self._customer_ranges[store_id]
                customer = rng.randint(c1, c2)
            row = self.tables["orders"].append(
                created=at, updated=at, store=store_id, status=ORDER_STATUS_CODE["PENDING"],
                market=market, pricelist=refdata.MARKET_PRICELIST[market], customer=customer)
            prow = self.tables["payments"].append(order=row, created=at, type=0, store=store_id)
            self.tables["orders"].set("auth_pay", row, prow + 1)
            if store_id != 3:
                self._customer_ordered(customer, row, at)
            order = self.order_detail(row)
            self.cost_event("order", row, order["status"], order["market_id"],
                            [(ln["id"], stocked_size(ln), ln["quantity"]) for ln in order["lines"]])
            self._bump("orders", "payments", *(() if store_id == 3 else ("customers",)))
            return order["id"]

    def update_order(self, order_id: str, status: str | None = None, at: Any = None) -> None:
        with self.lock:
            row = self._require_row(order_id)
            fam = self._edit(row)
            if status is not None:
                if status not in ORDER_STATUS_CODE or (status == UNKNOWN_ORDER_STATUS and not self.unknown_enum):
                    raise ValueError(f"unknown status {status}")
                fam["order"]["status"] = status
                self.tables["orders"].set("status", row, ORDER_STATUS_CODE[status])
                self.cost_event("status", [ln["id"] for ln in fam["order"]["lines"]], status)
            self._commit(row, fam, clock.epoch(at))

    def _line(self, fam: dict, line_id: int) -> dict:
        for ln in fam["order"]["lines"]:
            if ln["id"] == line_id:
                return ln
        raise KeyError(f"order {fam['order']['id']} has no line {line_id}")

    def _reprice(self, fam: dict, line: dict) -> None:
        line.update(money_line(line["unit_original_price"], line["discount_percent"],
                               line["tax_percent"], line["quantity"]))
        order_totals(fam["order"])

    def cancel_line(self, order_id: str, line_id: int, qty: int = 1, at: Any = None) -> None:
        with self.lock:
            row = self._require_row(order_id)
            fam = self._edit(row)
            line = self._line(fam, line_id)
            if qty < 1 or qty > line["quantity"] - line["shipped_quantity"]:
                raise ValueError(f"line {line_id} has {line['quantity'] - line['shipped_quantity']} "
                                 f"cancellable units, not {qty}")
            line["quantity"] -= qty
            line["cancelled_quantity"] += qty
            self._reprice(fam, line)
            self.cost_event("quantity", line_id, line["quantity"], fam["order"]["status"] in ALLOCATING)
            self._commit(row, fam, clock.epoch(at))

    def change_line_quantity(self, order_id: str, line_id: int, quantity: int, at: Any = None) -> None:
        with self.lock:
            row = self._require_row(order_id)
            fam = self._edit(row)
            line = self._line(fam, line_id)
            if quantity < line["shipped_quantity"]:
                raise ValueError("cannot go below the shipped quantity")
            line["quantity"] = quantity
            self._reprice(fam, line)
            self.cost_event("quantity", line_id, quantity, fam["order"]["status"] in ALLOCATING)
            self._commit(row, fam, clock.epoch(at))

    def set_updated_at(self, order_ids: list[str], at: Any) -> None:
        with self.lock:
            at = clock.epoch(at)
            for oid in order_ids:
                row = self._require_row(oid)
                self._commit(row, self._edit(row), at)

    def create_shipment(self, order_id: str, at: Any = None) -> int:
        """Ship every not yet shipped unit of the order (shipped, paid and captured at ``at``)."""
        with self.lock:
            at = clock.epoch(at)
            row = self._require_row(order_id)
            fam = self._edit(row)
            order = fam["order"]
            in_shipments: dict[int, int] = {}
            for s in fam["shipments"].values():
                for sl in s["lines"]:
                    in_shipments[sl["order_line_id"]] = in_shipments.get(sl["order_line_id"], 0) + sl["quantity"]
            todo = [(ln, ln["quantity"] - in_shipments.get(ln["id"], 0)) for ln in order["lines"]]
            todo = [(ln, q) for ln, q in todo if q > 0]
            if not todo:
                raise ValueError(f"order {order_id} has nothing left to ship")
            ships = self.tables["shipments"]
            srow = ships.append(order=row, created=at, updated=at, shipped_at=at,
                                store=order["store_id"], shipped=1, paid=1)
            sid = srow + 1
            lines = []
            for k, (ln, q) in enumerate(todo):
                ln["shipped_quantity"] += q
                lines.append({"id": ids.shipment_line_id(sid, k), "order_line_id": ln["id"], "quantity": q,
                              "returned_quantity": 0, "line_value": round(ln["unit_price"] * q, 2),
                              "_unit_price": ln["unit_price"], "_tax_percent": ln["tax_percent"],
                              "_currency": ln["_currency"], "_rate": ln["_rate"]})
            shipment = self.builder.shipment(order, sid, lines, first=not fam["shipments"])
            fam["shipments"][sid] = shipment
            order["_shipment_ids"].append(sid)
            self.tables["orders"].set("ship_id", row, self.tables["orders"].get("ship_id", row) or sid)
            order_totals(order)  # unexpedited_quantity
            if all(ln["shipped_quantity"] >= ln["quantity"] for ln in order["lines"]):
                order["status"] = "SHIPPED"
                self.tables["orders"].set("status", row, ORDER_STATUS_CODE["SHIPPED"])
            self._add_payment(fam, row, "CAPTURE", shipment["grand_total"], at, None)
            self.cost_event("ship", [(ln["id"], q) for ln, q in todo])
            self._commit(row, fam, at, "shipments", "payments")
            return sid

    def _add_payment(self, fam: dict, row: int, entry_type: str, value: float, at: int,
                     return_id: int | None) -> int:
        order = fam["order"]
        prow = self.tables["payments"].append(order=row, created=at, type=PAYMENT_TYPE_CODE.get(entry_type, 0),
                                              ref=return_id or 0, store=order["store_id"])
        pid = prow + 1
        fam["payments"][pid] = self.builder.payment_record(order, pid, entry_type, value, utc(at), return_id)
        order["_payment_ids"].append(pid)
        return pid

    def add_payment(self, order_id: str, entry_type: str = "CAPTURE", at: Any = None) -> int:
        if entry_type == UNKNOWN_PAYMENT_TYPE and not self.unknown_enum:
            raise ValueError(f"entry type {entry_type} exists only with unknown_enum")
        with self.lock:
            at = clock.epoch(at)
            row = self._require_row(order_id)
            fam = self._edit(row)
            pid = self._add_payment(fam, row, entry_type, fam["order"]["grand_total"], at, None)
            self._commit(row, fam, at, "payments")
            return pid

    def create_return(self, order_id: str, at: Any = None) -> int:
        """Return one unit of up to two shipped, not yet returned lines (status PENDING)."""
        with self.lock:
            at = clock.epoch(at)
            row = self._require_row(order_id)
            fam = self._edit(row)
            order = fam["order"]
            by_id = {ln["id"]: ln for ln in order["lines"]}
            picks = []
            for s in fam["shipments"].values():
                if not s["is_shipped"]:
                    continue
                for sl in s["lines"]:
                    if sl["quantity"] - sl["returned_quantity"] > 0 and len(picks) < 2:
                        picks.append((s, sl))
            if not picks:
                raise ValueError(f"order {order_id} has no shipped units left to return")
            shipment = picks[0][0]
            rrow = self.tables["returns"].append(order=row, created=at, store=order["store_id"],
                                                 shipment=shipment["id"])
            rid = rrow + 1
            lines = []
            for k, (_s, sl) in enumerate(p for p in picks if p[0] is shipment):
                ol = by_id[sl["order_line_id"]]
                ol["returned_quantity"] += 1
                sl["returned_quantity"] += 1
                lines.append(self.builder.return_line(rid, k, ol, sl, 1))
            fam["returns"][rid] = self.builder.return_record(order, rid, shipment["id"], utc(at),
                                                             "PENDING", lines, None)
            order["_return_ids"].append(rid)
            shipment["updated_at"] = utc(at)
            self.tables["shipments"].set("updated", shipment["id"] - 1, at)
            self._commit(row, fam, at, "returns", "shipments")
            return rid

    def _return_family(self, return_id: int) -> tuple[int, dict, dict]:
        if not 1 <= return_id <= len(self.tables["returns"]):
            raise KeyError(f"unknown return {return_id}")
        row = self.tables["returns"].get("order", return_id - 1)
        fam = self._edit(row)
        return row, fam, fam["returns"][return_id]

    def complete_return(self, return_id: int, at: Any = None) -> None:
        with self.lock:
            at = clock.epoch(at)
            row, fam, ret = self._return_family(return_id)
            if ret["return_status"] == "COMPLETED":
                return
            ret.update(return_status="COMPLETED", returned_to_stock=True, _completed_at=utc(at))
            self.cost_event("return", at, return_id, _returned_units(ret))
            self.tables["returns"].set("status", return_id - 1, 1)
            self.tables["returns"].set("completed", return_id - 1, at)
            self._add_payment(fam, row, "REFUND", ret["grand_total"], at, return_id)
            self._commit(row, fam, at, "returns", "payments")

    def uncomplete_return(self, return_id: int, at: Any = None) -> None:
        with self.lock:
            at = clock.epoch(at)
            row, fam, ret = self._return_family(return_id)
            if ret["returned_to_stock"]:  # its units leave stock again
                self.cost_event("unreturn", at, return_id, _returned_units(ret))
            ret.update(return_status="PENDING", returned_to_stock=False, _completed_at=None)
            self.tables["returns"].set("status", return_id - 1, 0)
            self.tables["returns"].set("completed", return_id - 1, 0)
            self._commit(row, fam, at, "returns")

    def update_product(self, product_id: int, at: Any = None) -> None:
        with self.lock:
            at = clock.epoch(at)
            if not 1 <= product_id <= len(self.catalog):
                raise KeyError(f"unknown product {product_id}")
            product = copy.deepcopy(self.catalog[product_id - 1])
            product["updated_at"] = utc(at)
            self.catalog[product_id - 1] = product
            self.tables["products"].set("updated", product_id - 1, at)
            self._bump("products")

    def number_to_row(self, number: int) -> int | None:
        row = ids.order_index_of_number(number)
        return row if 0 <= row < len(self.tables["orders"]) else None
