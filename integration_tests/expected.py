"""What Centra holds, computed from the fake's own generator data (never from connector code)."""
from __future__ import annotations

from datetime import timezone

from source_centra.streams import STREAMS

STREAM_KEYS = {spec.name: spec.primary_key for spec in STREAMS}  # declared once, in the stream table


def utc(value) -> str | None:
    return None if value is None else value.astimezone(timezone.utc).isoformat(timespec="seconds")


def keys(fake, stream: str, stores: set[int] | None = None) -> set:
    data = fake.data
    keep = (lambda store_id: True) if not stores else (lambda store_id: store_id in stores)
    if stream == "order_items":
        return {(o["id"], line["id"]) for o in data.orders() if keep(o["store_id"]) for line in o["lines"]}
    if stream == "orders":
        return {o["id"] for o in data.orders() if keep(o["store_id"])}
    if stream == "return_items":
        return {(r["id"], line["id"]) for r in data.returns() if keep(r["store_id"]) for line in r["lines"]}
    if stream == "returns":
        return {r["id"] for r in data.returns() if keep(r["store_id"])}
    if stream == "shipments":
        return {s["id"] for s in data.shipments() if keep(s["store_id"])}
    if stream == "payment_history":
        return {p["id"] for p in data.payments() if keep(p["store_id"])}
    if stream == "products":
        return {p["id"] for p in data.products()}
    if stream == "markets":
        return {m["id"] for m in data.markets() if keep(m["store_id"])}
    if stream == "stores":
        return {s["id"] for s in data.stores() if keep(s["id"])}
    if stream in ("customers", "invoices", "vouchers", "pricelists", "categories", "accounts"):
        return {row["id"] for row in getattr(data, stream)() if row.get("store_id") is None or keep(row["store_id"])}
    if stream in ("campaigns",):
        return {row["id"] for row in data.campaigns()}
    if stream in ("warehouses", "brands", "collections"):
        return {row["id"] for row in getattr(data, stream)()}
    if stream == "countries":
        return {row["code"] for row in data.countries()}
    if stream == "stock":
        return {(row["warehouse_id"], row["size_id"]) for row in data.stock()}
    if stream == "prices":
        store_of = {p["id"]: p["store_id"] for p in data.pricelists()}
        return {row["id"] for row in data.prices() if keep(store_of[row["pricelist_id"]])}
    if stream == "stock_changes":
        return {line["id"] for line in data.stock_change_lines()}
    if stream == "purchase_orders":
        return {row["id"] for row in data.purchase_orders()}
    if stream == "purchase_order_deliveries":
        return {row["id"] for row in data.purchase_order_deliveries()}
    if stream == "order_item_allocations":
        store_of = {o["id"]: o["store_id"] for o in data.orders()}
        return {a["id"] for a in data.allocations() if keep(store_of[a["order_id"]])}
    raise KeyError(stream)


def record_keys(records: list[dict], stream: str) -> list:
    fields = STREAM_KEYS[stream]
    return [tuple(r[f] for f in fields) if len(fields) > 1 else r[fields[0]] for r in records]


def dedupe(records: list[dict], stream: str) -> dict:
    """Last emitted version per primary key, as Append + Deduped keeps it."""
    return dict(zip(record_keys(records, stream), records))
