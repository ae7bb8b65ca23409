"""Filtering, sorting and paging for the entities beyond orders.

Two kinds of lists:

- **Small lists** (accounts, vouchers, campaigns, warehouses, brands, categories, collections,
  countries): Python rows filtered by a per-root spec (``FilterSpec``): ``{filter field: (op, getter)}``
  with the ops ``in`` (the row value is one of a list), ``any`` (the row's list meets the filter
  list), ``eq``, ``bool``, ``str`` (StringMatch), ``date`` (DateRange), ``range`` (IntRange /
  FloatRange) and ``search``. ``notNull`` and ``negate`` work as on the big lists. A filter field
  the spec lacks is a ``validation`` error (no silent ignore).
- **Nested snapshot lists** (``Warehouse.stock``, ``Pricelist.prices``): numpy columns per warehouse /
  pricelist, masks per filter, a multi-key ``np.lexsort`` for the sort list, and Centra's nested
  limit 1-200 (default 20).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

import numpy as np

from .filters import as_list, bad, page_rows, range_mask, string_match

NESTED_MAX = 200

Getter = Callable[[dict], Any]
FilterSpec = dict[str, tuple[str, Getter]]


def _in_range(value: Any, rng: dict) -> bool:
    if value is None:
        return False
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    lo, hi = rng.get("from"), rng.get("to")
    if isinstance(value, datetime):
        if lo is not None and value.timestamp() < math.ceil(lo.timestamp()):
            return False
        if hi is not None and value.timestamp() > math.floor(hi.timestamp()):
            return False
        return True
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def _match(op: str, value: Any, wanted: Any) -> bool:
    if op == "in":
        return value in as_list(wanted)
    if op == "any":
        return bool(set(value or ()) & set(as_list(wanted)))
    if op in ("eq", "bool"):
        return value == wanted
    if op == "str":
        return value is not None and string_match(str(value), wanted)
    if op in ("date", "range"):
        return _in_range(value, wanted)
    if op == "search":
        text = str(wanted).strip().lower()
        return any(text == str(v).lower() if isinstance(v, int) else text in str(v or "").lower() for v in value)
    raise AssertionError(op)


def filter_rows(rows: list[dict], where: dict | None, spec: FilterSpec, not_null: dict[str, Getter],
                kind: str) -> list[dict]:
    where = where or {}
    negate = set(where.get("negate") or [])
    checks: list[tuple[str, Callable[[dict], bool]]] = []
    for field, wanted in where.items():
        if wanted is None or field in ("notNull", "negate"):
            continue
        if field not in spec:
            raise bad(f"Filter field {field} is not supported by the fake for {kind}.")
        op, get = spec[field]
        checks.append((field, lambda r, op=op, get=get, wanted=wanted: _match(op, get(r), wanted)))
    for field in where.get("notNull") or []:
        if field not in not_null:
            raise bad(f"notNull: unknown field {field}.")
        checks.append((field, lambda r, get=not_null[field]: get(r) is not None))
    out = []
    for r in rows:
        if all(fn(r) != (name in negate) for name, fn in checks):
            out.append(r)
    return out


def sort_rows(rows: list[dict], sort: Any, keys: dict[str, Getter]) -> list[dict]:
    """Sort by the first sort value (``field_ASC|_DESC``), ties by id ascending."""
    value = as_list(sort or "id_ASC")[0]
    field, _, direction = value.rpartition("_")
    get = keys.get(field, lambda r: r["id"])
    rows = sorted(rows, key=lambda r: r["id"])
    return sorted(rows, key=lambda r: (get(r) is None, get(r)), reverse=direction == "DESC") \
        if field != "id" else (rows[::-1] if direction == "DESC" else rows)


def small_list(rows_of: Callable[[Any], list[dict]], spec: FilterSpec, *, kind: str,
               not_null: dict[str, Getter] | None = None, sorts: dict[str, Getter] | None = None,
               stores_of: Callable[[dict], set] | None = None, default_sort: str = "id_ASC",
               complete: Callable[[Any, dict], dict] | None = None) -> Callable:
    """A root list resolver over small Python rows (see the module docstring). ``complete(data, row)``:
    the full row of a cheap one (``rows_of`` gives what filters and sorts), for the page's rows only."""
    def resolve(_root: Any, info: Any, where=None, sort=None, limit=None, page=1) -> list[dict]:
        ctx = info.context
        rows = rows_of(ctx.data)
        if stores_of is not None and ctx.stores is not None:
            rows = [r for r in rows if stores_of(r) & ctx.stores]
        rows = filter_rows(rows, where, spec, not_null or {}, kind)
        rows = sort_rows(rows, sort or default_sort, sorts or {})
        rows = page_rows(rows, limit, page)
        return rows if complete is None else [complete(ctx.data, row) for row in rows]
    return resolve


# ---------------------------------------------------------------- nested snapshot lists


def _nested_page(n: int, limit: int | None, page: int | None) -> tuple[int, int]:
    limit = 20 if limit is None else limit
    if not 1 <= limit <= NESTED_MAX:
        raise bad(f"Limit must be in range 1 - {NESTED_MAX}")
    page = page or 1
    if page < 1:
        raise bad("Page must be 1 or greater.")
    start = min(n, (page - 1) * limit)
    return start, min(n, start + limit)


def _select(cols: dict, where: dict | None, sort: Any, columns: dict[str, tuple[str, str]],
            sort_columns: dict[str, str], not_null: dict[str, str], kind: str) -> np.ndarray:
    """Indices of the rows matching ``where``, in ``sort`` order. ``columns``: filter field ->
    (op "in" | "range", column); ``sort_columns``: sort field -> column; ``not_null``: field -> column
    (NaN = null)."""
    where = where or {}
    negate = set(where.get("negate") or [])
    n = len(cols["product"])
    mask = np.ones(n, dtype=bool)
    for field, wanted in where.items():
        if wanted is None or field in ("negate", "notNull"):
            continue
        if field not in columns:
            raise bad(f"Filter field {field} is not supported by the fake for {kind}.")
        op, col = columns[field]
        values = cols[col]
        if np.isscalar(values):
            values = np.full(n, values)
        m = np.isin(values, as_list(wanted)) if op == "in" else range_mask(values, wanted)
        mask &= ~m if field in negate else m
    for field in where.get("notNull") or []:
        if field not in not_null:
            raise bad(f"notNull: unknown field {field}.")
        m = ~np.isnan(cols[not_null[field]])
        mask &= ~m if field in negate else m
    rows = np.flatnonzero(mask)
    keys = []
    for value in as_list(sort) if sort else []:
        field, _, direction = value.rpartition("_")
        col = cols[sort_columns[field]][rows]
        keys.append(-col if direction == "DESC" else col)
    if keys:
        rows = rows[np.lexsort(tuple(reversed(keys)))]  # the first sort value is the primary key
    return rows


STOCK_FILTER = {
    **{f: ("range", f"{s}") for f, s in (
        ("physicalQuantity", "physical_quantity"), ("freeToAllocateQuantity", "free_to_allocate_quantity"),
        ("allocatedQuantity", "allocated_quantity"), ("demandQuantity", "demand_quantity"),
        ("unshippedQuantity", "unshipped_quantity"), ("incomingQuantity", "incoming_quantity"),
        ("linkedIncomingQuantity", "linked_incoming_quantity"),
        ("unlinkedIncomingQuantity", "unlinked_incoming_quantity"),
        ("onDeliveryQuantity", "on_delivery_quantity"))},
    "productId": ("in", "product"), "productSizeId": ("in", "size"), "productVariantId": ("in", "variant"),
    "warehouseId": ("in", "warehouse"),
}
STOCK_SORT = {"productId": "product", "productVariantId": "variant",
              "productSizeSort": "position", "warehouseId": "warehouse"}
PRICE_FILTER = {"id": ("in", "id"), "productId": ("in", "product"), "productVariantId": ("in", "variant"),
                "pricelistId": ("in", "pricelist"), "storeId": ("in", "store"), "price": ("range", "price")}
PRICE_SORT = {"productId": "product", "productVariantId": "variant", "pricelistId": "pricelist"}


def stock(warehouse: dict, info: Any, where=None, sort=None, limit=20, page=1) -> list[dict]:
    """``Warehouse.stock``: one row per product size, in the sort order (default product, variant,
    size position), limit 1-200."""
    data = info.context.data
    cols = data.stock_columns(warehouse["id"])
    rows = _select(cols, where, sort or ["productId_ASC", "productVariantId_ASC", "productSizeSort_ASC"],
                   STOCK_FILTER, STOCK_SORT, {}, "stock")
    start, end = _nested_page(len(rows), limit, page)
    return [data.stock_row(cols, int(i)) for i in rows[start:end]]


def prices(pricelist: dict, info: Any, where=None, sort=None, limit=20, page=1) -> list[dict]:
    """``Pricelist.prices``: one price per variant, limit 1-200."""
    data = info.context.data
    cols = data.price_columns(pricelist["id"])
    rows = _select(cols, where, sort or ["productId_ASC", "productVariantId_ASC"], PRICE_FILTER, PRICE_SORT,
                   {"price": "price", "recommendedRetailPrice": "rrp"}, "prices")
    start, end = _nested_page(len(rows), limit, page)
    return [data.price_row(cols, int(i)) for i in rows[start:end]]


# ---------------------------------------------------------------- connections over Python rows (stock changes)


def _encode(field: str, *parts: Any) -> str:
    import base64
    return base64.b64encode(":".join([field, *map(str, parts)]).encode()).decode()


def _decode(cursor: str) -> tuple:
    import base64
    try:
        field, *parts = base64.b64decode(cursor.encode(), validate=True).decode().split(":")
        return (field, *map(int, parts))
    except Exception:  # noqa: BLE001 - any malformed cursor is the client's error
        raise bad(f"Invalid cursor {cursor!r}.") from None


class Ordered:
    """Rows (already filtered) in a connection's order, each with its keyset key (``ordered_rows``)."""

    def __init__(self, field: str, descending: bool, keyed: list[tuple[tuple, dict]], total: int) -> None:
        self.field, self.descending, self.keyed, self.total = field, descending, keyed, total
        self.keys = [k for k, _r in keyed]


def ordered_rows(rows: list[dict], sort: Any, keys: dict[str, Getter]) -> Ordered:
    """``rows`` sorted by the first sort value, ties by id, with their cursors' keys: ``(id,)`` for id
    sorts, ``(epoch, id)`` for date sorts."""
    value = as_list(sort or "id_ASC")[0]
    field, _, direction = value.rpartition("_")
    get = keys.get(field)

    def key(r: dict) -> tuple:
        if get is None:
            return (r["id"],)
        moment = get(r)
        return (int(moment.timestamp()) if isinstance(moment, datetime) else int(moment), r["id"])

    ordered = sorted(rows, key=key, reverse=direction == "DESC")
    return Ordered(field, direction == "DESC", [(key(r), r) for r in ordered], len(rows))


def row_connection(ordered: Ordered, first: int | None, after: str | None, last: int | None,
                   before: str | None) -> dict:
    """A Relay connection over ``ordered`` (``ordered_rows``): cursors ``<field>:<id>`` for id sorts,
    ``<field>:<epoch>:<id>`` for date sorts (base64), keyset bounds as the orders' connections (a row
    leaving the set never shifts later pages). Ascending bounds are found by bisection (the keys are
    sorted), so a page costs its own rows, not the whole set."""
    field, keyed, descending = ordered.field, ordered.keyed, ordered.descending
    start, end = 0, len(keyed)
    if after:
        bound = _decode(after)[1:]
        start = (next((i for i, (k, _r) in enumerate(keyed) if k < bound), len(keyed)) if descending
                 else bisect.bisect_right(ordered.keys, bound))
    if before:
        bound = _decode(before)[1:]
        end = (next((i for i, (k, _r) in enumerate(keyed) if not k > bound), len(keyed)) if descending
               else bisect.bisect_left(ordered.keys, bound))
        end = max(end, start)
    window = keyed[start:end]
    for n, name in ((first, "first"), (last, "last")):
        if n is not None and n < 0:
            raise bad(f"{name} must not be negative.")
    if first is None and last is None:
        first = 10
    picked = window[:first] if first is not None else window
    if last is not None:
        picked = picked[max(0, len(picked) - last):]
    edges = [{"cursor": _encode(field, *k), "node": r} for k, r in picked]
    has_next = (start + len(picked) < end) if first is not None and last is None else end < len(keyed)
    has_prev = start > 0 or (last is not None and len(picked) < len(window))
    return {"totalCount": ordered.total, "edges": edges, "pageInfo": {
        "hasNextPage": has_next, "hasPreviousPage": has_prev,
        "startCursor": edges[0]["cursor"] if edges else None, "endCursor": edges[-1]["cursor"] if edges else None}}


def nested_rows(rows: list[dict], where: dict | None, spec: FilterSpec, kind: str, sort: Any,
                limit: int | None, page: int | None, default_limit: int = 20) -> list[dict]:
    """A child list with Centra's nested paging (limit 1-200, default 20) over Python rows."""
    rows = sort_rows(filter_rows(rows, where, spec, {}, kind), sort, {})
    start, end = _nested_page(len(rows), default_limit if limit is None else limit, page)
    return rows[start:end]


def _key(name: str) -> Getter:
    return lambda r: r.get(name)


# the filters of the cost ledger's rows (costs.py views; centra-streams §8)
STOCK_CHANGE_FILTER = {
    "id": ("in", _key("id")), "createdAt": ("date", _key("created_at")), "comment": ("str", _key("comment")),
    "type": ("in", _key("type")), "warehouseId": ("in", _key("warehouse_id")),
    "productVariantId": ("any", lambda r: [line["variant_id"] for line in r["lines"]]),
    "search": ("search", lambda r: [r["id"], r["comment"]]),
}
STOCK_CHANGE_LINE_FILTER = {
    "id": ("in", _key("id")), "isAvailable": ("bool", lambda r: r["free_to_allocate_quantity"] > 0),
    "freeToAllocateQuantity": ("range", _key("free_to_allocate_quantity")),
    "deliveredQuantity": ("range", _key("delivered_quantity")), "productSizeId": ("in", _key("size_id")),
    "productVariantId": ("in", _key("variant_id")), "warehouseId": ("in", _key("warehouse_id")),
    "stockChangeId": ("in", _key("stock_change_id")), "search": ("search", lambda r: [r["id"], r["sku"]]),
}


