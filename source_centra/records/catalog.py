"""The catalogue: ``products`` (variants and sizes nested), centra-api.md §9.11."""

from __future__ import annotations

from collections.abc import Iterator

from source_centra.convert import to_utc
from source_centra.records.common import Extras, Node, Record, attributes


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
