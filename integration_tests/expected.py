"""What Centra holds, computed from the fake's own generator data (never from connector code)."""
from __future__ import annotations

from datetime import timezone

from source_centra.streams import STREAMS

STREAM_KEYS = {spec.name: spec.primary_key for spec in STREAMS}  # declared once, in the stream table


def utc(value) -> str | None:
    return None if value is None else value.astimezone(timezone.utc).isoformat(timespec="seconds")


def keys(fake, stream: str, stores: set[int] | None = None) -> set:
    """The primary keys the fake holds for ``stream`` (of ``stores`` only, where given). By default the
    fake's view named like the stream (``fake.data.<stream>()``) gives rows carrying the record's key
    fields and, where the stream is store-scoped, ``store_id``; ``SHAPED`` lists the views shaped otherwise."""
    keep = (lambda store_id: True) if not stores else (lambda store_id: store_id in stores)
    if stream in SHAPED:
        return SHAPED[stream](fake.data, keep)
    key = STREAM_KEYS[stream]
    return {tuple(row[f] for f in key) if len(key) > 1 else row[key[0]]
            for row in getattr(fake.data, stream)() if row.get("store_id") is None or keep(row["store_id"])}


def _prices(data, keep) -> set:
    store_of = {p["id"]: p["store_id"] for p in data.pricelists()}
    return {row["id"] for row in data.prices() if keep(store_of[row["pricelist_id"]])}


def _allocations(data, keep) -> set:
    store_of = {o["id"]: o["store_id"] for o in data.orders()}  # an allocation's store is its order's
    return {a["id"] for a in data.allocations() if keep(store_of[a["order_id"]])}


SHAPED = {  # stream → (fake data, keep(store_id)) → keys, where the fake's view differs from the default
    "order_items": lambda data, keep: {(o["id"], line["id"]) for o in data.orders() if keep(o["store_id"])
                                       for line in o["lines"]},
    "return_items": lambda data, keep: {(r["id"], line["id"]) for r in data.returns() if keep(r["store_id"])
                                        for line in r["lines"]},
    "payment_history": lambda data, keep: {p["id"] for p in data.payments() if keep(p["store_id"])},
    "stores": lambda data, keep: {s["id"] for s in data.stores() if keep(s["id"])},
    "prices": _prices,  # a price's store is its pricelist's
    "stock_changes": lambda data, keep: {line["id"] for line in data.stock_change_lines()},  # one per line
    "order_item_allocations": _allocations,
}


def record_keys(records: list[dict], stream: str) -> list:
    fields = STREAM_KEYS[stream]
    return [tuple(r[f] for f in fields) if len(fields) > 1 else r[fields[0]] for r in records]


def dedupe(records: list[dict], stream: str) -> dict:
    """Last emitted version per primary key, as Append + Deduped keeps it."""
    return dict(zip(record_keys(records, stream), records))
