"""Filtering, sorting and paging over the column tables.

``select()`` turns a ``where`` input into a boolean mask over one table (numpy, no per-row Python),
orders the matching rows by the sort key, and caches the sorted row list per (filter, sort, store
restriction) until that table changes. Pages are then slices: ``page``/``limit`` by offset,
connections by keyset -- ``after`` finds the first key strictly past the cursor with a binary
search, so rows leaving the filtered set mid-paging never shift later pages.

Sort keys are made unique: ``(timestamp << 24) | row`` for date sorts, the row itself for id and
number (ids and numbers increase with creation). Cursors are base64 of ``<field>:<value>`` for
unique sorts (``number:100167``) and ``<field>:<epoch>:<id>`` otherwise.
"""

from __future__ import annotations

import base64
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import ids, refdata
from .filters import as_list, bad, range_mask, string_match
from .generator import GENDERS, INVOICE_STATUSES, NO_BIRTHDATE, ORDER_STATUS_CODE, PAYMENT_TYPE_CODE, \
    PRODUCT_STATUSES
from .store import FakeData

_SHIFT = 24
_CACHE_SIZE = 32
_STORE_TYPE_STORES = {t: [s["id"] for s in refdata.STORES if s["type"] == t]
                      for t in ("DIRECT_TO_CONSUMER", "WHOLESALE")}


@dataclass
class Selection:
    rows: np.ndarray  # table rows in sort order
    keys: np.ndarray  # ascending unique sort keys (negated for DESC)


def _range(col: np.ndarray, rng: dict) -> np.ndarray:
    mask = np.ones(len(col), dtype=bool)
    lo, hi = rng.get("from"), rng.get("to")
    if lo is not None:
        mask &= col >= math.ceil(lo.timestamp())
    if hi is not None:
        mask &= col <= math.floor(hi.timestamp())
    return mask


class Selector:
    """Builds and caches selections for one FakeData."""

    def __init__(self, data: FakeData) -> None:
        self.data = data
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ conditions
    def _conditions(self, kind: str, where: dict) -> dict[str, Callable[[], np.ndarray]]:
        t = self.data.tables[kind]
        conds: dict[str, Callable[[], np.ndarray]] = {}
        for field, value in where.items():
            if value is None or field in ("notNull", "negate"):
                continue
            fn = self._condition(kind, t, field, value)
            if fn is None:
                raise bad(f"Filter field {field} is not supported by the fake for {kind}.")
            conds[field] = fn
        for field in where.get("notNull") or []:
            fn = self._not_null(kind, t, field)
            if fn is None:
                raise bad(f"notNull: unknown field {field}.")
            conds[f"notNull:{field}"] = fn
        return conds

    def _condition(self, kind: str, t, field: str, value: Any):  # noqa: C901 - a flat dispatch
        data = self.data
        if field == "storeId" and kind != "products":
            return lambda: np.isin(t.col("store"), as_list(value))
        if field == "storeType":
            return lambda: np.isin(t.col("store"), _STORE_TYPE_STORES[value])
        if field == "createdAt" or (field == "orderDate" and kind == "orders"):
            return lambda: _range(t.col("created"), value)
        if kind == "customers":
            fn = self._customer_condition(t, field, value)
            if fn is not None:
                return fn
        if kind == "invoices":
            fn = self._invoice_condition(t, field, value)
            if fn is not None:
                return fn
        if field == "updatedAt" and kind in ("orders", "shipments", "products", "customers", "invoices"):
            return lambda: _range(t.col("updated"), value)
        if field == "id":
            if kind == "orders":
                rows = [data.order_row(v) for v in as_list(value)]
                return lambda: self._rows_mask(t, [r for r in rows if r is not None])
            return lambda: self._rows_mask(t, [int(v) - 1 for v in as_list(value)])
        if kind == "orders":
            if field == "number":
                return lambda: self._rows_mask(t, [ids.order_index_of_number(v) for v in as_list(value)])
            if field == "status":
                return lambda: np.isin(t.col("status"), [ORDER_STATUS_CODE[s] for s in as_list(value)])
            if field == "marketId":
                return lambda: np.isin(t.col("market"), as_list(value))
            if field == "pricelistId":
                return lambda: np.isin(t.col("pricelist"), as_list(value))
            if field == "customerId":
                return lambda: np.isin(t.col("customer"), as_list(value)) & (t.col("store") != 3)
            if field == "isOnHold":
                return lambda: np.full(len(t), not value, dtype=bool)
            if field == "search":
                return lambda: self._search_orders(t, str(value))
        if field == "orderId" and kind in ("returns", "shipments", "payments"):
            rows = [data.order_row(v) for v in as_list(value)]
            return lambda: np.isin(t.col("order"), [r for r in rows if r is not None])
        if kind == "returns":
            if field == "returnStatus":
                return lambda: np.isin(t.col("status"), [1 if s == "COMPLETED" else 0 for s in as_list(value)])
            if field == "status":
                return lambda: np.full(len(t), "ACTIVE" in as_list(value), dtype=bool)
            if field == "orderNumber":
                return lambda: np.isin(t.col("order"), [ids.order_index_of_number(v) for v in as_list(value)])
            if field == "shipmentId":
                return lambda: np.isin(t.col("shipment"), as_list(value))
        if kind == "shipments":
            if field in ("isShipped", "isGoodToGo"):
                return lambda: (t.col("shipped") == 1) == bool(value) if field == "isShipped" \
                    else np.full(len(t), bool(value), dtype=bool)
            if field == "isPaid":
                return lambda: (t.col("paid") == 1) == bool(value)
            if field == "shippedAt":
                return lambda: _range(t.col("shipped_at"), value) & (t.col("shipped_at") > 0)
            if field == "number":
                return lambda: self._shipment_numbers(t, as_list(value))
        if kind == "payments":
            if field == "entryType":
                codes = [PAYMENT_TYPE_CODE.get(v, -1) for v in as_list(value)]
                return lambda: np.isin(t.col("type"), codes)
            if field == "status":
                return lambda: np.full(len(t), "SUCCESS" in as_list(value), dtype=bool)
        if kind == "products":
            if field == "status":
                return lambda: np.isin(t.col("status"), [PRODUCT_STATUSES.index(s) for s in as_list(value)])
            if field in ("name", "productNumber"):
                key = "name" if field == "name" else "product_number"
                return lambda: np.array([string_match(p[key], value) for p in data.catalog], dtype=bool)
        return None

    def _customer_condition(self, t, field: str, value: Any):  # noqa: C901 - a flat dispatch
        if field == "status":
            return lambda: np.isin(t.col("status"), [1 if s == "INACTIVE" else 0 for s in as_list(value)])
        if field == "marketId":
            return lambda: np.isin(t.col("market"), as_list(value))
        if field == "pricelistId":
            markets = [m for m, pl in refdata.MARKET_PRICELIST.items() if pl in as_list(value)]
            return lambda: np.isin(t.col("market"), markets)
        if field == "lastLoginAt":
            return lambda: _range(t.col("last_login"), value) & (t.col("last_login") > 0)
        if field == "isAnonymized":
            return lambda: (t.col("anonymized") == 1) == bool(value)
        if field == "totalOrders":
            return lambda: range_mask(t.col("orders"), value)
        if field == "gender":
            return lambda: np.isin(t.col("gender"), [GENDERS.index(g) for g in as_list(value)])
        if field == "birthdate":
            lo, hi = value.get("from"), value.get("to")
            days = {k: None if v is None else (v.timestamp() // 86400) for k, v in (("from", lo), ("to", hi))}
            return lambda: range_mask(t.col("birth"), days) & (t.col("birth") != NO_BIRTHDATE)
        if field in ("email", "firstName", "lastName", "phoneNumber", "cellPhoneNumber"):
            return lambda: self._customer_strings(t, field, value)
        if field == "search":
            return lambda: self._customer_search(t, str(value))
        return None

    def _customer_strings(self, t, field: str, match: dict) -> np.ndarray:
        """StringMatch on a customer's email, names or phone numbers (email equals: by its id)."""
        key = {"email": "email", "firstName": "first_name", "lastName": "last_name",
               "phoneNumber": "phone_number", "cellPhoneNumber": "cell_phone_number"}[field]
        if field == "email" and match.get("equals") is not None:
            return self._customer_search(t, match["equals"])
        return np.array([string_match(self.data.customer_contact(cid)[key], match)
                         for cid in range(1, len(t) + 1)], dtype=bool)

    def _customer_search(self, t, text: str) -> np.ndarray:
        """Search by customer id or exact email (the id is the digits before the @)."""
        text = text.strip()
        if text.isdigit():
            return self._rows_mask(t, [int(text) - 1])
        local = text.partition("@")[0]
        digits = local[len(local.rstrip("0123456789")):]
        if digits and 1 <= int(digits) <= len(t) and self.data.customer_contact(int(digits))["email"] == text:
            return self._rows_mask(t, [int(digits) - 1])
        return np.zeros(len(t), dtype=bool)

    def _invoice_condition(self, t, field: str, value: Any):
        if field == "number":
            return lambda: self._rows_mask(t, [ids.invoice_of_number(v) - 1 for v in as_list(value)])
        if field == "dueDate":
            return lambda: _range(t.col("due"), value)
        if field == "isOverdue":
            return lambda: (t.col("overdue") == 1) == bool(value)
        if field == "isDraft":
            return lambda: np.full(len(t), not value, dtype=bool)
        if field == "status":
            return lambda: np.isin(t.col("status"), [INVOICE_STATUSES.index(v) for v in as_list(value)])
        if field == "type":
            return lambda: np.full(len(t), value == "INVOICE", dtype=bool)
        if field == "accountId":
            return lambda: np.isin(t.col("account"), [int(v) for v in as_list(value)])
        if field == "purchaseOrderNumber":
            return lambda: np.array([string_match(ids.purchase_order_number(int(r)), value)
                                     for r in t.col("order")], dtype=bool)
        if field == "search":
            text = str(value).strip()
            rows = [ids.invoice_of_number(text) - 1, int(text) - 1] if text.isdigit() else []
            return lambda: self._rows_mask(t, rows)
        return None

    def _not_null(self, kind: str, t, field: str):
        wholesale = lambda: t.col("store") == 3  # noqa: E731
        table = {
            ("orders", "customerId"): lambda: ~wholesale(),
            ("orders", "accountId"): wholesale, ("orders", "buyerId"): wholesale,
            ("orders", "purchaseOrderNumber"): wholesale,
            ("shipments", "shippedAt"): lambda: t.col("shipped_at") > 0,
            ("shipments", "paidAt"): lambda: t.col("paid") == 1,
            ("shipments", "trackingNumber"): lambda: t.col("shipped") == 1,
            ("returns", "customerId"): lambda: ~wholesale(),
            ("customers", "lastLoginAt"): lambda: t.col("last_login") > 0,
            ("customers", "birthdate"): lambda: t.col("birth") != NO_BIRTHDATE,
            ("customers", "gender"): lambda: t.col("gender") > 0,
            ("customers", "firstName"): lambda: t.col("anonymized") == 0,
            ("customers", "lastName"): lambda: t.col("anonymized") == 0,
            ("customers", "billingAddress"): lambda: (t.col("anonymized") == 0) | (t.col("last_row") >= 0),
            ("invoices", "dueDate"): lambda: np.ones(len(t), dtype=bool),
            ("invoices", "purchaseOrderNumber"): lambda: np.ones(len(t), dtype=bool),
        }
        return table.get((kind, field))

    @staticmethod
    def _rows_mask(t, rows: list[int]) -> np.ndarray:
        mask = np.zeros(len(t), dtype=bool)
        rows = [r for r in rows if 0 <= r < len(t)]
        mask[rows] = True
        return mask

    def _search_orders(self, t, text: str) -> np.ndarray:
        text = text.strip()
        if text.isdigit():
            return self._rows_mask(t, [ids.order_index_of_number(text)])
        row = self.data.order_row(text)
        return self._rows_mask(t, [row] if row is not None else [])

    def _shipment_numbers(self, t, numbers: list[str]) -> np.ndarray:
        rows = []
        for number in numbers:
            order_number, _, _seq = str(number).partition("-")
            row = self.data.number_to_row(int(order_number)) if order_number.isdigit() else None
            if row is None:
                continue
            for sid in self.data.order_detail(row)["_shipment_ids"]:
                if self.data.shipment_detail(sid)["number"] == number:
                    rows.append(sid - 1)
        return self._rows_mask(t, rows)

    # ------------------------------------------------------------------ selection
    def select(self, kind: str, where: dict | None, sort: list[str] | str | None,
               stores: frozenset | None) -> Selection:
        where = where or {}
        sort_value = as_list(sort or "id_ASC")[0]
        field, _, direction = sort_value.rpartition("_")
        key = (kind, json.dumps(where, sort_keys=True, default=str), sort_value,
               tuple(sorted(stores)) if stores is not None else None)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == self.data.versions[kind]:
                self._cache.move_to_end(key)
                return hit[1]
        with self.data.lock:
            version = self.data.versions[kind]
            t = self.data.tables[kind]
            mask = np.ones(len(t), dtype=bool)
            negate = set(where.get("negate") or [])
            for name, fn in self._conditions(kind, where).items():
                m = fn()
                mask &= ~m if name in negate else m
            if stores is not None and kind != "products":
                mask &= np.isin(t.col("store"), sorted(stores))
            rows = np.flatnonzero(mask)
            keys = self._keys(t, field, rows)
        if direction == "DESC":
            keys = -keys
        if field in ("id", "number"):
            order = np.argsort(keys, kind="stable") if direction == "DESC" else None
        else:
            order = np.argsort(keys, kind="stable")
        if order is not None:
            rows, keys = rows[order], keys[order]
        sel = Selection(rows, keys)
        with self._lock:
            self._cache[key] = (version, sel)
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return sel

    @staticmethod
    def _keys(t, field: str, rows: np.ndarray) -> np.ndarray:
        rows64 = rows.astype(np.int64)
        if field in ("id", "number"):
            return rows64
        col = {"createdAt": "created", "orderDate": "created", "updatedAt": "updated"}[field]
        return (t.col(col)[rows].astype(np.int64) << _SHIFT) | rows64

    # ------------------------------------------------------------------ cursors
    def cursor(self, kind: str, sort: Any, row: int) -> str:
        sort_value = as_list(sort or "id_ASC")[0]
        field = sort_value.rpartition("_")[0]
        ident = ids.order_hex_id(self.data.seed, row) if kind == "orders" else str(row + 1)
        if field == "number":
            text = f"number:{ids.order_number(row)}"
        elif field == "id":
            text = f"id:{ident}"
        else:
            col = {"createdAt": "created", "orderDate": "created", "updatedAt": "updated"}[field]
            text = f"{field}:{self.data.tables[kind].get(col, row)}:{ident}"
        return base64.b64encode(text.encode()).decode()

    def cursor_key(self, kind: str, sort: Any, cursor: str) -> int:
        """The (direction-adjusted) sort key a cursor stands for."""
        sort_value = as_list(sort or "id_ASC")[0]
        field, _, direction = sort_value.rpartition("_")
        try:
            parts = base64.b64decode(cursor.encode(), validate=True).decode().split(":")
            if parts[0] != field:
                raise ValueError("cursor belongs to another sort")
            ident = parts[-1]
            if field == "number":
                row = ids.order_index_of_number(ident)
            elif kind == "orders":
                row = self.data.order_row(ident)
                if row is None:
                    raise ValueError("unknown id")
            else:
                row = int(ident) - 1
            key = row if field in ("id", "number") else (int(parts[1]) << _SHIFT) | row
        except (ValueError, IndexError, UnicodeDecodeError) as exc:
            raise bad(f"Invalid cursor {cursor!r} for sort {sort_value}: {exc}") from None
        return -key if direction == "DESC" else key


def connection_slice(sel: Selection, first: int | None, after_key: int | None,
                     last: int | None, before_key: int | None) -> tuple[np.ndarray, bool, bool]:
    """Relay slicing by keyset; returns (rows, hasPreviousPage, hasNextPage)."""
    start = 0 if after_key is None else int(np.searchsorted(sel.keys, after_key, side="right"))
    end = len(sel.keys) if before_key is None else int(np.searchsorted(sel.keys, before_key, side="left"))
    end = max(start, end)
    for name, v in (("first", first), ("last", last)):
        if v is not None and v < 0:
            raise bad(f"Argument {name} must be a non-negative integer.")
    if first is None and last is None:
        first = 10
    has_prev, has_next = start > 0, end < len(sel.keys)
    if first is not None and end - start > first:
        end, has_next = start + first, True
    if last is not None and end - start > last:
        start, has_prev = end - last, True
    return sel.rows[start:end], has_prev, has_next
