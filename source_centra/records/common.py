"""What several record functions share: the types, store and base-currency fields, extras, attributes
and an order line's product fields. Leaf rules (UTC, money, ids) live in ``convert``, not here."""

from __future__ import annotations

from functools import lru_cache

from collections.abc import Iterable, Mapping
from typing import Any

from source_centra.convert import base_amount, dig, line_type, name, ref_id, store_type, to_utc

Node = Mapping[str, Any]
Record = dict[str, Any]
Extras = Mapping[str, Any]


# ---------------------------------------------------------------- extras (per-sync facts, not on the node)

def base_currency(extras: Extras | None) -> str | None:
    """ISO code of the currency the ``_base`` amounts are in (None when the token cannot read it)."""
    return (extras or {}).get("base_currency")


def parent(extras: Extras | None) -> Node:
    """Nested streams: the parent object the node was read under (the warehouse of a stock row, the
    pricelist of a price), as the document selects it without its child list; ``{}`` when unknown."""
    return (extras or {}).get("parent") or {}


def synced_at(extras: Extras | None) -> str | None:
    """Snapshot streams: when the snapshot was read (``extras["synced_at"]``), in UTC. The same value
    for every record of a snapshot, so it is converted once (bench/README.md: 70 % of a stock row's cost)."""
    return _utc_once((extras or {}).get("synced_at"))


@lru_cache(maxsize=64)
def _utc_once(value: str | None) -> str | None:
    return to_utc(value)


# ---------------------------------------------------------------- stores

def store_of(node: Node, extras: Extras | None) -> Node | None:
    """The node's store, each field completed from the store partition being read (``extras``)
    when the instance cannot return it."""
    own, partition = node.get("store") or {}, (extras or {}).get("store") or {}
    if not own and not partition:
        return None
    return {key: own.get(key) if own.get(key) is not None else partition.get(key) for key in ("id", "name", "type")}


def store_fields(node: Node, extras: Extras | None) -> Record:
    """``store_id``, ``store_name``, ``store_type`` of an order, return or shipment."""
    store = store_of(node, extras)
    return {"store_id": ref_id(store), "store_name": name(store),
            "store_type": store_type(node) or (store or {}).get("type")}


def store_id_name(node: Node, extras: Extras | None) -> Record:
    """``store_id`` and ``store_name`` of an entity that belongs to one store (customer, voucher, ...)."""
    store = store_of(node, extras)
    return {"store_id": ref_id(store), "store_name": name(store)}


# ---------------------------------------------------------------- amounts and lists

def base_amounts(amounts: Mapping[str, float | None], rate: float | None) -> Record:
    """``{"x": v}`` → ``{"x_base": v × rate}`` for every money field ``x``."""
    return {f"{field}_base": base_amount(value, rate) for field, value in amounts.items()}


def ids(objects: Iterable[Node] | None) -> list | None:
    """The ids of a list of references (``markets { id }``); None when the list or an id is unknown,
    never ``[]`` or a list with holes for "unknown"."""
    found = None if objects is None else [ref_id(item) for item in objects]
    return None if found is None or None in found else found


# ---------------------------------------------------------------- shared shapes

def attributes(items: list[Node] | None) -> list[Record] | None:
    """Custom attributes in Centra's shape (centra-evidence.md §1), one item per attribute:

    ``{"type_name", "is_mapped", "description", "object_type", "elements": [{"key", "kind",
    "description", "value", "is_multi", "selected_value", "selected_value_name", "url", "width",
    "height", "mime_type"}]}`` — element fields that do not apply to the element's kind are null.
    None when the token or the instance cannot give attributes (never ``[]`` for "unknown").
    """
    if items is None:
        return None
    return [
        {
            "type_name": dig(attribute, "type", "name"),
            "is_mapped": dig(attribute, "type", "isMapped"),
            "description": attribute.get("description"),
            "object_type": attribute.get("objectType"),
            "elements": None if attribute.get("elements") is None else [
                {
                    "key": element.get("key"),
                    "kind": element.get("kind"),
                    "description": element.get("description"),
                    "value": element.get("value"),
                    "is_multi": element.get("isMulti"),
                    "selected_value": element.get("selectedValue"),
                    "selected_value_name": element.get("selectedValueName"),
                    "url": element.get("url"),
                    "width": element.get("width"),
                    "height": element.get("height"),
                    "mime_type": element.get("mimeType"),
                }
                for element in attribute["elements"]
            ],
        }
        for attribute in items
    ]


def line_product(line: Node | None) -> Record:
    """What an order line sold: the LineProduct fragment (product, bundle and gift certificate lines)."""
    line = line or {}
    return {
        "line_type": line_type(line.get("__typename")),
        "product_id": ref_id(line.get("product")),
        "product_number": line.get("productNumber"),
        "product_name": line.get("productName"),
        "variant_id": ref_id(line.get("productVariant")),
        "variant_name": line.get("productVariantName"),
        "size": line.get("size"),
        "sku": dig(line, "productSize", "SKU"),
        "ean": dig(line, "productSize", "EAN"),
        "brand": line.get("productBrand"),
    }
