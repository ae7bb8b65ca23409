"""records/catalog.py: warehouses and stock, pricelists and prices, brands, categories, collections."""

from __future__ import annotations

from typing import Any, Callable

from source_centra.streams import STREAMS_BY_NAME
from unit_tests.feeds_builder import SYNCED_AT, extras_for
from unit_tests.test_feeds import contract_fields

Nodes = Callable[[str], dict[str, Any]]


def one(stream: str, node: dict[str, Any], extras: dict | None = None) -> dict[str, Any]:
    (record,) = STREAMS_BY_NAME[stream].to_records(node, extras_for(stream, node) if extras is None else extras)
    return record


def test_given_warehouse_then_its_fields_and_country_code(nodes: Nodes) -> None:
    warehouse = one("warehouses", nodes("warehouses")["main_warehouse"])
    assert warehouse == {"id": 1, "name": "Main warehouse", "status": "ACTIVE", "is_hidden_from_stock_view": False,
                         "threshold": 2, "is_consignation": False, "address": "Lagervägen 4", "city": "Jönköping",
                         "zip_code": "553 03", "country_code": "SE"}
    assert one("warehouses", nodes("warehouses")["consignation_without_address"])["threshold"] is None


# ---------------------------------------------------------------- stock (nested under warehouses)


def test_given_stock_row_then_warehouse_comes_from_the_parent_and_size_ids_from_the_row(nodes: Nodes) -> None:
    row = one("stock", nodes("stock")["in_stock_with_incoming"])
    assert contract_fields("stock") <= set(row)
    assert (row["warehouse_id"], row["warehouse_name"]) == (1, "Main warehouse")
    assert (row["size_id"], row["variant_id"], row["product_id"], row["sku"], row["ean"], row["size"]) == (
        3001, 201, 101, "WO-100-NAVY-M", "7350000000012", "M")


def test_given_stock_row_then_the_five_quantities_as_centra_gives_them(nodes: Nodes) -> None:
    row = one("stock", nodes("stock")["in_stock_with_incoming"])
    assert (row["free_to_allocate_quantity"], row["physical_quantity"], row["available_now_quantity"],
            row["allocated_quantity"], row["incoming_quantity"]) == (42, 50, 45, 8, 100)
    sold_out = one("stock", nodes("stock")["sold_out_without_ean"])
    assert sold_out["free_to_allocate_quantity"] == 0 and sold_out["ean"] is None


def test_given_snapshot_then_every_row_carries_when_it_was_read(nodes: Nodes) -> None:
    row = one("stock", nodes("stock")["in_stock_with_incoming"])
    assert row["synced_at"] == SYNCED_AT == "2024-06-03T04:00:00+00:00"
    local = one("stock", nodes("stock")["in_stock_with_incoming"], {"parent": {"id": 1}, "synced_at": "2024-06-03T06:00:00+02:00"})
    assert local["synced_at"] == "2024-06-03T04:00:00+00:00"  # normalised to UTC


def test_given_same_size_in_two_warehouses_then_two_rows_keyed_by_warehouse_and_size(nodes: Nodes) -> None:
    keys = [(r["warehouse_id"], r["size_id"]) for r in (one("stock", node) for node in nodes("stock").values())]
    assert (1, 3001) in keys and (4, 3001) in keys and len(set(keys)) == len(keys)


def test_given_stock_row_without_parent_then_warehouse_fields_are_null_not_made_up(nodes: Nodes) -> None:
    row = one("stock", nodes("stock")["in_stock_with_incoming"], {})
    assert (row["warehouse_id"], row["warehouse_name"], row["synced_at"]) == (None, None, None)


# ---------------------------------------------------------------- pricelists, prices (nested under pricelists)


def test_given_pricelist_then_currency_store_and_utc_updated_at(nodes: Nodes) -> None:
    pricelist = one("pricelists", nodes("pricelists")["retail_sek_default"])
    assert contract_fields("pricelists") <= set(pricelist)
    assert (pricelist["currency"], pricelist["store_id"], pricelist["is_default_for_currency"]) == ("SEK", 1, True)
    assert pricelist["updated_at"] == "2024-05-30T10:00:00+00:00"


def test_given_price_then_amounts_are_in_the_pricelists_currency(nodes: Nodes) -> None:
    price = one("prices", nodes("prices")["wholesale_price_with_rrp"])
    assert contract_fields("prices") <= set(price)
    assert (price["pricelist_id"], price["pricelist_name"], price["currency"]) == (21, "Wholesale EUR", "EUR")
    assert (price["price"], price["recommended_retail_price"]) == (80.0, 159.9)
    assert isinstance(price["price"], float) and price["synced_at"] == SYNCED_AT
    assert one("prices", nodes("prices")["retail_price_without_rrp"])["currency"] == "SEK"


def test_given_variant_without_price_on_the_pricelist_then_price_is_null_not_zero(nodes: Nodes) -> None:
    price = one("prices", nodes("prices")["variant_without_price"])
    assert (price["price"], price["recommended_retail_price"], price["variant_id"]) == (None, None, 202)


def test_given_price_then_it_carries_its_pricelists_store(nodes: Nodes) -> None:
    """Kept by store_id when Store IDs is set (prices are read pricelist by pricelist, not per store)."""
    assert [(p["store_id"], p["store_name"]) for p in (one("prices", node) for node in nodes("prices").values())] == [
        (2, "Wholesale"), (1, "Retail"), (1, "Retail")]
    node = nodes("prices")["retail_price_without_rrp"]
    del node["_parent"]["store"]  # an instance without Pricelist.store
    assert one("prices", node)["store_id"] is None


# ---------------------------------------------------------------- brands, categories, collections


def test_given_category_then_parent_id_names_its_parent_and_top_categories_have_none(nodes: Nodes) -> None:
    categories = {case: one("categories", node) for case, node in nodes("categories").items()}
    assert categories["subcategory"]["parent_id"] == 40 and categories["top_category"]["parent_id"] is None
    assert (categories["subcategory"]["store_id"], categories["top_category"]["is_top_category"]) == (1, True)


def test_given_brand_and_collection_then_id_name_and_uri(nodes: Nodes) -> None:
    assert one("brands", nodes("brands")["with_uri"]) == {"id": 5, "name": "North Loop", "uri": "north-loop",
                                                          "external_id": "BR-5"}
    assert one("collections", nodes("collections")["without_uri"]) == {"id": 2, "name": "SS24", "uri": None,
                                                                       "status": "INACTIVE"}
