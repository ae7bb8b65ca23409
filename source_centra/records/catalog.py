"""The catalogue: ``products`` (variants and sizes nested, centra-api.md §9.11); inventory:
``warehouses`` and ``stock`` (centra-streams.md §6, §7); pricing: ``pricelists`` and ``prices`` (§9);
and the product dimensions ``brands``, ``categories``, ``collections`` (§12).

``stock`` and ``prices`` are nested streams read as snapshots: each node is one child item (a stock
row, a price), ``extras["parent"]`` is the warehouse or pricelist it was read under and
``extras["synced_at"]`` when the snapshot was read.
"""

from __future__ import annotations

from collections.abc import Iterator

from source_centra.convert import code, money, name, ref_id, to_utc
from source_centra.records.common import Extras, Node, Record, attributes, parent, store_id_name, synced_at


# ---------------------------------------------------------------- products

def products(product: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per product; attributes, variants and their sizes (SKU, EAN) nested."""
    variants = product.get("variants")
    yield {
        "id": product["id"],
        "name": product.get("name"),
        "number": product.get("productNumber"),
        "status": product.get("status"),
        "is_bundle": product.get("isBundle"),
        "created_at": to_utc(product.get("createdAt")),
        "updated_at": to_utc(product["updatedAt"]),
        "attributes": attributes(product.get("attributes")),
        "variants": None if variants is None else [
            {
                "variant_id": variant.get("id"),
                "name": variant.get("name"),
                "variant_number": variant.get("variantNumber"),
                "status": variant.get("status"),
                "updated_at": to_utc(variant.get("updatedAt")),
                "attributes": attributes(variant.get("attributes")),
                "sizes": None if variant.get("productSizes") is None else [
                    {
                        "size_id": size.get("id"),
                        "sku": size.get("SKU"),
                        "ean": size.get("EAN"),
                        "upc": size.get("UPC"),
                        "description": size.get("description"),
                        "size_number": size.get("sizeNumber"),
                    }
                    for size in variant["productSizes"]
                ],
            }
            for variant in variants
        ],
    }


# ---------------------------------------------------------------- warehouses, stock

def warehouses(warehouse: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per warehouse (instance-wide)."""
    yield {
        "id": warehouse["id"],
        "name": warehouse["name"],
        "status": warehouse["status"],
        "is_hidden_from_stock_view": warehouse.get("isHiddenFromStockView"),
        "threshold": warehouse.get("threshold"),
        "is_consignation": warehouse.get("isConsignation"),
        "address": warehouse.get("address"),
        "city": warehouse.get("city"),
        "zip_code": warehouse.get("zipCode"),
        "country_code": code(warehouse.get("country")),
    }


def stock(row: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per product size in one warehouse (``extras["parent"]``), as of ``synced_at``.
    ``free_to_allocate_quantity`` does not subtract the warehouse's ``threshold`` (centra-streams §7)."""
    warehouse = parent(extras)
    size = row["productSize"]
    variant = size["productVariant"]
    yield {
        "warehouse_id": ref_id(warehouse),
        "warehouse_name": name(warehouse),
        "size_id": size["id"],
        "variant_id": ref_id(variant),
        "product_id": ref_id(variant["product"]),
        "sku": size["SKU"],
        "ean": size["EAN"],
        "size": size.get("description"),
        "size_number": size.get("sizeNumber"),
        "free_to_allocate_quantity": row["freeToAllocateQuantity"],
        "physical_quantity": row["physicalQuantity"],
        "available_now_quantity": row["availableNowQuantity"],
        "allocated_quantity": row["allocatedQuantity"],
        "incoming_quantity": row["incomingQuantity"],
        "synced_at": synced_at(extras),
    }


# ---------------------------------------------------------------- pricelists, prices

def pricelists(pricelist: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per pricelist, with its currency and store."""
    yield {
        "id": pricelist["id"],
        "name": pricelist["name"],
        "status": pricelist["status"],
        "is_default_for_currency": pricelist.get("isDefaultForCurrency"),
        "currency": code(pricelist["currency"]),
        **store_id_name(pricelist, extras),
        "updated_at": to_utc(pricelist["updatedAt"]),
    }


def prices(price: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per price of one variant on the pricelist ``extras["parent"]``, in the pricelist's
    currency and store, as of ``synced_at``. ``price`` is null where the variant has no price on the
    pricelist, ``recommended_retail_price`` outside wholesale pricelists."""
    pricelist = parent(extras)
    yield {
        "id": price["id"],
        "pricelist_id": ref_id(pricelist),
        "pricelist_name": name(pricelist),
        **store_id_name(pricelist, extras),
        "product_id": ref_id(price["product"]),
        "variant_id": ref_id(price["productVariant"]),
        "price": money(price["price"]),
        "recommended_retail_price": money(price["recommendedRetailPrice"]),
        "currency": code(pricelist.get("currency")),
        "synced_at": synced_at(extras),
    }


# ---------------------------------------------------------------- brands, categories, collections

def brands(brand: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per brand (instance-wide)."""
    yield {"id": brand["id"], "name": brand["name"], "uri": brand.get("uri"), "external_id": brand.get("externalId")}


def categories(category: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per category; ``parent_id`` is null for a top category."""
    yield {
        "id": category["id"],
        "name": category["name"],
        "uri": category.get("uri"),
        "status": category.get("status"),
        "is_top_category": category.get("isTopCategory"),
        "parent_id": ref_id(category["parent"]),
        **store_id_name(category, extras),
    }


def collections(collection: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per collection (instance-wide)."""
    yield {"id": collection["id"], "name": collection["name"], "uri": collection.get("uri"),
           "status": collection.get("status")}
