"""Deterministic bulk generation from (seed, size).

Everything a filter or sort needs lives in numpy columns (see ``table.Table``): epoch seconds for
timestamps, small ints for store/status/market. Order details (lines, addresses, money) are not
stored; ``details.py`` rebuilds them on demand from (seed, order index), so a million orders fit in
a few hundred MB and start in seconds.

Timeline per order (all clipped to 2025-12-31T23:59:59Z, never in the future):
created -> shipment created -> shipped (= paid, captured) -> return created -> return completed,
updatedAt = the last of these plus up to an hour. A ``tie_fraction`` share of orders is then
grouped into "ERP import" batches of 5-200 that share one updatedAt second.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timezone

import numpy as np

from . import ids, refdata
from .attributes import product_attributes, variant_attributes
from .table import Table

EPOCH_START = int(datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp())
EPOCH_END = int(datetime(2025, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp())

# The last status / payment type exists only with the unknown_enum knob (profiles.UNKNOWN_ENUM_VALUES).
UNKNOWN_ORDER_STATUS = "AWAITING_REVIEW"
UNKNOWN_PAYMENT_TYPE = "BNPL_SETTLEMENT"
ORDER_STATUSES = ["PENDING", "CONFIRMED", "PROCESSING", "SHIPPED", "ARCHIVED", "CANCELLED", UNKNOWN_ORDER_STATUS]
ORDER_STATUS_CODE = {s: i for i, s in enumerate(ORDER_STATUSES)}
ORDER_STATUS_WEIGHTS = [0.08, 0.10, 0.08, 0.62, 0.05, 0.07]  # the six known statuses
RETURN_STATUSES = ["PENDING", "COMPLETED"]
PAYMENT_TYPES = ["AUTH", "CAPTURE", "REFUND", "CANCEL", UNKNOWN_PAYMENT_TYPE]
PAYMENT_TYPE_CODE = {t: i for i, t in enumerate(PAYMENT_TYPES)}
# unknown_enum: share of PENDING/CONFIRMED orders moved to AWAITING_REVIEW (about 5% of all orders),
# and share of the captures of Klarna-paid orders that become BNPL_SETTLEMENT.
UNKNOWN_STATUS_SHARE = 0.28
BNPL_SHARE = 0.2
PRODUCT_STATUSES = ["ACTIVE", "INACTIVE", "CANCELLED"]

_HOUR, _DAY = 3600, 86400


def epoch_to_utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(int(epoch), timezone.utc)


def product_count(orders: int) -> int:
    return int(min(2000, max(40, orders // 25)))


def ean13(body12: int) -> str:
    digits = f"{body12:012d}"
    total = sum(map(int, digits[0::2])) + 3 * sum(map(int, digits[1::2]))
    return digits + str((10 - total % 10) % 10)


def catalog_size(catalog: list[dict], size_id: int) -> tuple[dict, dict, dict]:
    """(product, variant, size) of ``size_id`` in a catalog built by ``build_catalog``."""
    product = catalog[ids.product_of_size(size_id) - 1]
    variant = next(v for v in product["variants"] if v["id"] == ids.variant_of_size(size_id))
    return product, variant, next(s for s in variant["sizes"] if s["id"] == size_id)


def build_catalog(seed: int, count: int, served: Collection[str] | None = None) -> list[dict]:
    """Products -> variants -> sizes; SKU = productNumber + variantNumber + sizeNumber.

    Attributes (``attributes.py``) are derived from ids and names, not drawn from the random
    stream; ``served`` is the set of GraphQL types the schema profile has (None: all).
    """
    rng = np.random.default_rng([seed, 2])
    products = []
    for pid in range(1, count + 1):
        word = refdata.PRODUCT_WORDS[int(rng.integers(len(refdata.PRODUCT_WORDS)))]
        kind = refdata.PRODUCT_KINDS[int(rng.integers(len(refdata.PRODUCT_KINDS)))]
        created = int(rng.integers(EPOCH_START - 200 * _DAY, EPOCH_END - 30 * _DAY))
        updated = min(EPOCH_END, created + int(rng.integers(0, 400 * _DAY)))
        sizes_set = refdata.SIZE_SETS[int(rng.integers(len(refdata.SIZE_SETS)))]
        product_number = f"{1000 + pid}"
        variants = []
        for v in range(1, int(rng.integers(1, 4)) + 1):
            colour = refdata.COLOURS[int(rng.integers(len(refdata.COLOURS)))]
            variant_id = ids.variant_id(pid, v)
            variant_number = f"{v:02d}"
            sizes = []
            for s, label in enumerate(sizes_set, start=1):
                size_id = ids.size_id(variant_id, s)
                size_number = f"{s:02d}"
                sizes.append({
                    "id": size_id, "description": label, "size_number": size_number,
                    "sku": product_number + variant_number + size_number,
                    "ean": ean13(735000000000 + size_id),
                })
            variants.append({"id": variant_id, "name": colour, "variant_number": variant_number,
                             "sizes": sizes})
        product = {
            "id": pid, "name": f"{word} {kind}", "product_number": product_number,
            "status": "ACTIVE" if rng.random() > 0.08 else "INACTIVE",
            "created_at": epoch_to_utc(created), "updated_at": epoch_to_utc(updated),
            "brand": refdata.BRANDS[int(rng.integers(len(refdata.BRANDS)))],
            "_price_sek": float(rng.choice([299, 499, 699, 899, 1299, 1699, 2499, 3499])),
            "is_bundle": False, "variants": variants,
        }
        _add_attributes(product, served)
        products.append(product)
    return products


def _add_attributes(product: dict, served: Collection[str] | None) -> None:
    product["attributes"] = product_attributes(product, served)
    for v in product["variants"]:
        v["attributes"] = variant_attributes(product, v, served)


def bundle_count(products: int) -> int:
    return max(2, products // 50)


def build_bundles(seed: int, catalog: list[dict], served: Collection[str] | None = None) -> list[dict]:
    """Bundle products appended after ``catalog`` (bundle_lines knob): one variant "Set" with one
    size, and ``bundle_items``: 2-3 ``{product_id, variant_id, size_id}`` of ordinary products."""
    rng = np.random.default_rng([seed, 3])
    bundles = []
    for k in range(bundle_count(len(catalog))):
        pid = len(catalog) + k + 1
        word = refdata.PRODUCT_WORDS[int(rng.integers(len(refdata.PRODUCT_WORDS)))]
        created = int(rng.integers(EPOCH_START - 200 * _DAY, EPOCH_END - 30 * _DAY))
        updated = min(EPOCH_END, created + int(rng.integers(0, 400 * _DAY)))
        items = []
        for _ in range(int(rng.integers(2, 4))):
            p = catalog[int(rng.integers(len(catalog)))]
            v = p["variants"][int(rng.integers(len(p["variants"])))]
            sz = v["sizes"][int(rng.integers(len(v["sizes"])))]
            items.append({"product_id": p["id"], "variant_id": v["id"], "size_id": sz["id"]})
        variant_id = ids.variant_id(pid, 1)
        size_id = ids.size_id(variant_id, 1)
        product_number = f"{1000 + pid}"
        product = {
            "id": pid, "name": f"{word} Set", "product_number": product_number, "status": "ACTIVE",
            "created_at": epoch_to_utc(created), "updated_at": epoch_to_utc(updated),
            "brand": refdata.BRANDS[int(rng.integers(len(refdata.BRANDS)))],
            "_price_sek": float(rng.choice([999, 1499, 1999, 2999])), "is_bundle": True,
            "bundle_items": items,
            "variants": [{"id": variant_id, "name": "Set", "variant_number": "01", "sizes": [{
                "id": size_id, "description": "One size", "size_number": "01",
                "sku": product_number + "0101", "ean": ean13(735000000000 + size_id)}]}],
        }
        _add_attributes(product, served)
        bundles.append(product)
    return bundles


def apply_unknown_enum(seed: int, tables: dict[str, Table]) -> None:
    """unknown_enum knob (in place): some PENDING/CONFIRMED orders get AWAITING_REVIEW, some captures
    of Klarna-paid direct-to-consumer orders become BNPL_SETTLEMENT. An own random stream, so every
    other generated value stays as without the knob."""
    rng = np.random.default_rng([seed, 5])
    orders, payments = tables["orders"], tables["payments"]
    status = orders.col("status")
    moved = np.isin(status, [ORDER_STATUS_CODE["PENDING"], ORDER_STATUS_CODE["CONFIRMED"]]) & \
        (rng.random(len(status)) < UNKNOWN_STATUS_SHARE)
    status[moved] = ORDER_STATUS_CODE[UNKNOWN_ORDER_STATUS]
    ptype, porder = payments.col("type"), payments.col("order")
    klarna = (payments.col("store") != 3) & (porder % len(refdata.PAYMENT_METHODS_DTC) == 0)
    bnpl = (ptype == PAYMENT_TYPE_CODE["CAPTURE"]) & klarna & (rng.random(len(ptype)) < BNPL_SHARE)
    ptype[bnpl] = PAYMENT_TYPE_CODE[UNKNOWN_PAYMENT_TYPE]


def _tie_batches(rng: np.random.Generator, updated: np.ndarray, fraction: float) -> None:
    """Give a ``fraction`` of orders an updatedAt second shared with 4-199 others (in place)."""
    if fraction <= 0:
        return
    chosen = np.flatnonzero(rng.random(len(updated)) < fraction)
    if len(chosen) < 2:
        return
    chosen = chosen[np.argsort(updated[chosen], kind="stable")]
    sizes = rng.integers(5, 201, size=len(chosen) // 5 + 2)
    bounds = np.cumsum(sizes)
    bounds = bounds[bounds < len(chosen)]
    if len(bounds) and len(chosen) - bounds[-1] < 2:  # no batch of one
        bounds = bounds[:-1]
    starts = np.concatenate(([0], bounds))
    group_max = np.maximum.reduceat(updated[chosen], starts)
    lengths = np.diff(np.concatenate((starts, [len(chosen)])))
    updated[chosen] = np.repeat(group_max, lengths)


def build_tables(seed: int, n: int, tie_fraction: float) -> dict[str, Table]:
    """Orders, shipments, returns and payments as column tables (row index = entity index)."""
    rng = np.random.default_rng([seed, 1])
    i64 = np.int64
    created = np.sort(rng.integers(EPOCH_START, EPOCH_END - 2 * _DAY, n, dtype=i64))
    store = rng.choice(np.array([1, 2, 3], dtype=np.int8), n, p=refdata.STORE_WEIGHTS)
    market = np.zeros(n, dtype=np.int8)
    for sid, weights in refdata.MARKET_WEIGHTS.items():
        ids = np.array([m["id"] for m in refdata.MARKETS if m["store_id"] == sid], dtype=np.int8)
        rows = np.flatnonzero(store == sid)
        market[rows] = rng.choice(ids, len(rows), p=weights)
    status = rng.choice(np.arange(6, dtype=np.int8), n, p=ORDER_STATUS_WEIGHTS)
    customer = rng.integers(1, max(50, n // 3) + 1, n).astype(np.int32)
    wholesale = store == 3
    customer[wholesale] = rng.integers(1, len(refdata.ACCOUNTS) + 1, int(wholesale.sum()))
    _customers_per_store(n, store, customer)
    # an account buys in one market (refdata.ACCOUNT_MARKET), so in one pricelist
    account_market = np.zeros(len(refdata.ACCOUNTS) + 1, dtype=np.int8)
    for aid, mid in refdata.ACCOUNT_MARKET.items():
        account_market[aid] = mid
    market[wholesale] = account_market[customer[wholesale]]
    pricelist = np.array([0] + [refdata.MARKET_PRICELIST[m["id"]] for m in refdata.MARKETS],
                         dtype=np.int8)[market]

    # shipments: one per PROCESSING / SHIPPED / ARCHIVED order; shipped unless PROCESSING
    has_ship = (status == 2) | (status == 3) | (status == 4)
    ship_created = np.minimum(created + rng.integers(_HOUR, 3 * _DAY, n), EPOCH_END)
    is_shipped = has_ship & (status != 2)
    shipped_at = np.where(is_shipped, np.minimum(ship_created + rng.integers(600, 2 * _DAY, n),
                                                 EPOCH_END), 0)
    # returns: ~10% of shipped orders; ~70% of them completed
    has_ret = is_shipped & (rng.random(n) < 0.10)
    ret_created = np.minimum(shipped_at + rng.integers(_DAY, 20 * _DAY, n), EPOCH_END)
    ret_done = has_ret & (rng.random(n) < 0.70)
    ret_completed = np.where(ret_done, np.minimum(ret_created + rng.integers(_HOUR, 5 * _DAY, n),
                                                  EPOCH_END), 0)
    last = np.maximum.reduce([created, np.where(has_ship, ship_created, 0), shipped_at,
                              np.where(has_ret, ret_created, 0), ret_completed])
    updated = np.minimum(last + rng.integers(0, _HOUR, n), EPOCH_END)
    _tie_batches(rng, updated, tie_fraction)

    ship_rows = np.flatnonzero(has_ship)
    ship_rows = ship_rows[np.argsort(ship_created[ship_rows], kind="stable")]
    ship_id = np.zeros(n, dtype=np.int32)
    ship_id[ship_rows] = np.arange(1, len(ship_rows) + 1, dtype=np.int32)
    ship_updated = np.maximum(ship_created[ship_rows], shipped_at[ship_rows])
    shipments = Table({
        "order": ship_rows.astype(np.int64), "created": ship_created[ship_rows],
        "updated": ship_updated, "shipped_at": shipped_at[ship_rows],
        "store": store[ship_rows], "shipped": is_shipped[ship_rows].astype(np.int8),
        "paid": is_shipped[ship_rows].astype(np.int8),
    })

    ret_rows = np.flatnonzero(has_ret)
    ret_rows = ret_rows[np.argsort(ret_created[ret_rows], kind="stable")]
    ret_id = np.zeros(n, dtype=np.int32)
    ret_id[ret_rows] = np.arange(1, len(ret_rows) + 1, dtype=np.int32)
    returns = Table({
        "order": ret_rows.astype(np.int64), "created": ret_created[ret_rows],
        "completed": ret_completed[ret_rows], "store": store[ret_rows],
        "status": ret_done[ret_rows].astype(np.int8), "shipment": ship_id[ret_rows],
    })

    # payments: AUTH at creation, CAPTURE when shipped, REFUND when a return completes
    cap_rows = np.flatnonzero(is_shipped)
    ref_rows = np.flatnonzero(ret_done)
    p_order = np.concatenate((np.arange(n), cap_rows, ref_rows))
    p_created = np.concatenate((created, shipped_at[cap_rows], ret_completed[ref_rows]))
    p_type = np.concatenate((np.zeros(n, np.int8), np.ones(len(cap_rows), np.int8),
                             np.full(len(ref_rows), 2, np.int8)))
    p_ref = np.concatenate((np.zeros(n, np.int32), ship_id[cap_rows], ret_id[ref_rows]))
    perm = np.lexsort((p_type, p_created))
    payments = Table({
        "order": p_order[perm].astype(np.int64), "created": p_created[perm],
        "type": p_type[perm], "ref": p_ref[perm], "store": store[p_order[perm]],
    })
    pay_id = np.empty(len(perm), dtype=np.int32)
    pay_id[perm] = np.arange(1, len(perm) + 1, dtype=np.int32)
    auth_pay = pay_id[:n]
    cap_pay = np.zeros(n, dtype=np.int32)
    cap_pay[cap_rows] = pay_id[n:n + len(cap_rows)]
    ref_pay = np.zeros(n, dtype=np.int32)
    ref_pay[ref_rows] = pay_id[n + len(cap_rows):]

    voucher = assign_vouchers(seed, created, store)
    orders = Table({
        "created": created, "updated": updated, "store": store, "status": status,
        "market": market, "pricelist": pricelist, "customer": customer,
        "ship_id": ship_id, "ret_id": ret_id,
        "auth_pay": auth_pay, "cap_pay": cap_pay, "ref_pay": ref_pay,
        # the voucher the order uses (0: none) and whether it took effect (the order has a discount)
        "voucher": voucher, "vused": ((voucher > 0) & (status != ORDER_STATUS_CODE["CANCELLED"])).astype(np.int8),
    })
    return {"orders": orders, "shipments": shipments, "returns": returns, "payments": payments}


# ---------------------------------------------------------------- entities beyond orders

def customer_split(orders: int) -> tuple[int, int]:
    """(customers of store 1, customers of store 2): max(50, orders // 3) in all, about 65% in store 1.
    Customer ids 1..c1 belong to store 1, c1+1..c1+c2 to store 2."""
    total = max(50, orders // 3)
    c1 = (total * 13 + 19) // 20
    return c1, total - c1


def _customers_per_store(n: int, store: np.ndarray, customer: np.ndarray) -> None:
    """Map the drawn customer numbers (1..total, uniform) into each direct-to-consumer store's id range
    (in place), so that every customer orders from one store only."""
    c1, c2 = customer_split(n)
    total = c1 + c2
    for sid, base, size in ((1, 0, c1), (2, c1, c2)):
        rows = store == sid
        raw = customer[rows].astype(np.int64) - 1
        customer[rows] = (base + 1 + raw * size // total).astype(np.int32)


def iso_epoch(text: str | None) -> int:
    """Epoch seconds of a refdata ISO string (UTC); 0 for None."""
    if text is None:
        return 0
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


VOUCHER_SHARE = 0.15  # share of direct-to-consumer orders that use a voucher


def assign_vouchers(seed: int, created: np.ndarray, store: np.ndarray) -> np.ndarray:
    """The voucher id each order uses (0: none), from an own random stream: about 15% of
    direct-to-consumer orders use one. Inside a voucher's [start, stop) window a ``share`` of them get
    that voucher (later vouchers in refdata.VOUCHERS win overlaps), the others the store's always-on
    voucher (refdata.STORE_BASE_VOUCHER)."""
    rng = np.random.default_rng([seed, 6])
    n = len(created)
    uses = (rng.random(n) < VOUCHER_SHARE) & (store != 3)
    pick = rng.random(n)
    out = np.zeros(n, dtype=np.int8)
    for sid, vid in refdata.STORE_BASE_VOUCHER.items():
        out[uses & (store == sid)] = vid
    for v in refdata.VOUCHERS:
        if v["share"] <= 0 or v["id"] in refdata.STORE_BASE_VOUCHER.values():
            continue
        start, stop = iso_epoch(v["start_at"]), iso_epoch(v["stop_at"]) or EPOCH_END + 1
        hit = uses & (store == v["store_id"]) & (created >= start) & (created < stop) & (pick < v["share"])
        out[hit] = v["id"]
    return out


GENDERS = [None, "FEMALE", "MALE", "OTHER"]
NO_BIRTHDATE = -(10**6)  # birth column value for "no birthdate" (days since 1970-01-01 otherwise)
ANONYMIZED_SHARE = 0.25  # of the customers without orders


def build_customers(seed: int, orders: Table) -> Table:
    """Customers of the direct-to-consumer stores, ids 1..c1+c2 (``customer_split``); row = id - 1.

    Order-derived columns: ``orders`` (their order count), ``last_row`` (the row of their latest
    order, -1 for none), ``market`` (the market of their first order). created <= the first order;
    updated >= the latest order. Customers without orders exist (about 8%); a quarter of them are
    anonymized (GDPR)."""
    rng = np.random.default_rng([seed, 7])
    n = len(orders)
    c1, c2 = customer_split(n)
    total = c1 + c2
    store_col = orders.col("store")
    rows = np.flatnonzero(store_col != 3)
    cid = orders.col("customer")[rows].astype(np.int64) - 1
    count = np.bincount(cid, minlength=total)[:total].astype(np.int32)
    first = np.full(total, n, dtype=np.int64)
    np.minimum.at(first, cid, rows)
    first[first == n] = -1
    last = np.full(total, -1, dtype=np.int64)
    np.maximum.at(last, cid, rows)
    has = first >= 0
    o_created = orders.col("created")
    store = np.where(np.arange(1, total + 1) <= c1, 1, 2).astype(np.int8)
    created = np.where(has, o_created[np.maximum(first, 0)] - rng.integers(0, 200 * _DAY, total),
                       rng.integers(EPOCH_START - 300 * _DAY, EPOCH_END - 10 * _DAY, total))
    latest = np.where(has, o_created[np.maximum(last, 0)], created)
    updated = np.minimum(EPOCH_END, np.maximum(created, latest) + rng.integers(0, 2 * _DAY, total))
    store1_markets = np.array([m["id"] for m in refdata.MARKETS if m["store_id"] == 1], dtype=np.int8)
    fallback = np.where(store == 1, store1_markets[np.arange(total) % len(store1_markets)], 6)
    market = np.where(has, orders.col("market")[np.maximum(first, 0)], fallback).astype(np.int8)
    registered = rng.random(total) < 0.7
    last_login = np.where(registered, np.maximum(created, updated - rng.integers(0, _DAY, total)), 0)
    anonymized = ~has & (rng.random(total) < ANONYMIZED_SHARE)
    gender = rng.choice(np.arange(4, dtype=np.int8), total, p=[0.3, 0.35, 0.3, 0.05])
    birth_lo, birth_hi = -20 * 365, 36 * 365  # 1950 .. 2006
    birth = np.where(rng.random(total) < 0.6, rng.integers(birth_lo, birth_hi, total), NO_BIRTHDATE)
    gender[anonymized] = 0
    last_login[anonymized] = 0
    registered &= ~anonymized
    birth[anonymized] = NO_BIRTHDATE
    return Table({
        "created": created.astype(np.int64), "updated": updated.astype(np.int64), "store": store,
        "market": market, "status": anonymized.astype(np.int8), "orders": count, "last_row": last,
        "last_login": last_login.astype(np.int64), "registered": registered.astype(np.int8),
        "anonymized": anonymized.astype(np.int8), "gender": gender, "birth": birth.astype(np.int32),
    })


INVOICE_STATUSES = ["UNPAID", "PARTIALLY_PAID", "PAID", "CANCELLED"]
INVOICE_DUE_DAYS = 30
# "Now" for isOverdue of the generated data: the end of the generated period (not the wall clock, so
# the data stays deterministic). Mutations use their own ``at``.
INVOICE_AS_OF = EPOCH_END


def build_invoices(seed: int, tables: dict[str, Table]) -> Table:
    """One invoice per shipped wholesale shipment, ids in the order they were created (shortly after
    shipping). About 85% are paid 3-50 days later (if that is before the end of the period), about 8%
    partly paid (40%), the rest unpaid; an unpaid one past its due date (30 days) is overdue."""
    rng = np.random.default_rng([seed, 8])
    s = tables["shipments"]
    sel = np.flatnonzero((s.col("store") == 3) & (s.col("shipped") == 1))
    sel = sel[np.argsort(s.col("shipped_at")[sel], kind="stable")]
    k = len(sel)
    created = np.minimum(EPOCH_END, s.col("shipped_at")[sel] + rng.integers(0, 6 * _HOUR, k))
    due = created + INVOICE_DUE_DAYS * _DAY
    u = rng.random(k)
    paid_at = created + rng.integers(3 * _DAY, 50 * _DAY, k)
    partial_at = created + rng.integers(2 * _DAY, 10 * _DAY, k)
    paid = (u < 0.85) & (paid_at <= EPOCH_END)
    partial = ~paid & (u >= 0.85) & (u < 0.93) & (partial_at <= EPOCH_END)
    status = np.where(paid, 2, np.where(partial, 1, 0)).astype(np.int8)
    pay1 = np.where(paid, paid_at, np.where(partial, partial_at, 0))
    order_rows = s.col("order")[sel]
    return Table({
        "shipment": (sel + 1).astype(np.int64), "order": order_rows.astype(np.int64),
        "created": created.astype(np.int64), "updated": np.maximum(created, pay1).astype(np.int64),
        "due": due.astype(np.int64), "pay1": pay1.astype(np.int64), "paid_kind": status.copy(),
        "status": status, "overdue": ((status != 2) & (due < INVOICE_AS_OF)).astype(np.int8),
        "account": tables["orders"].col("customer")[order_rows].astype(np.int32),
        "store": np.full(k, 3, dtype=np.int8),
    })
