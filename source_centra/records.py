"""API node → record(s): one pure function per stream (each stream's row in streams.py names its own).

Each function takes one GraphQL node shaped exactly as ``queries/<stream>.graphql`` selects it
and yields new dicts; inputs are never mutated, there is no I/O. Leaf rules (UTC, money, base
amounts, ids, types) come from ``convert`` so each lives once.

Record conventions (connector-contract.md): snake_case names; timestamps in UTC; money as numbers
in the order's currency with ``currency`` and ``currency_base_rate`` on the record, including tax
unless the name says ``_ex_tax``; each money field ``x`` also as ``x_base`` = x × currency_base_rate,
in the currency named by ``base_currency``; every record of a store-scoped stream carries ``store_id``.

Every function takes ``(node, extras=None)``. ``extras`` holds per-sync facts that are not on the
node and that the stream looks up once per sync: today only ``{"base_currency": "SEK"}``
(``SyncContext.base_currency()``; None without Currency:read). Functions that need none ignore it.
Only selections marked ``@required`` in the query are sure to be on the node: every other one may be
missing (the instance lacks it, or the token may not read it; plan.py pruned it), and its record
value is then null — never a made-up default (0, ``[]``). ``extras["store"]`` (``{id, name, type}`` of
the store partition being read, when the stream is read per store) fills the store fields of a node
whose ``store`` the instance cannot return. Enum values and line types the connector has never seen
are emitted as Centra sends them.
Personal fields are emitted as Centra has them; ``privacy.apply`` hashes or drops them afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from source_centra.convert import (
    base_amount,
    code,
    currency_code,
    difference,
    dig,
    ex_tax,
    line_type,
    money,
    name,
    number,
    ref_id,
    store_type,
    times,
    to_utc,
)

Node = Mapping[str, Any]
Record = dict[str, Any]
Extras = Mapping[str, Any]


# ---------------------------------------------------------------- order_items, orders

def order_items(order: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per order line, fully cancelled lines included, with the order's dimensions."""
    header = {
        "order_id": order["id"],
        "order_number": order["number"],
        "order_status": order["status"],
        "order_date": to_utc(order["orderDate"]),
        "order_created_at": to_utc(order["createdAt"]),
        "order_updated_at": to_utc(order["updatedAt"]),
        **_order_context(order, extras),
    }
    rate = number(order["currencyBaseRate"])
    for line in order["lines"]:
        quantity = line["quantity"]
        cancelled = line["cancelledQuantity"]
        unit_price = money(line["unitPrice"])
        unit_original_price = money(line["unitOriginalPrice"])
        line_value = money(line["lineValue"])
        line_value_ex_tax = money(line.get("lineValueExTax"))
        if line_value_ex_tax is None:  # an instance whose lineValue takes no includingTax argument
            line_value_ex_tax = ex_tax(line_value, line.get("taxPercent"))
        amounts = {
            "unit_price": unit_price,
            "unit_original_price": unit_original_price,
            "line_value": line_value,
            "line_value_ex_tax": line_value_ex_tax,
            "discount_value": times(difference(unit_original_price, unit_price), quantity),
            "tax_value": difference(line_value, line_value_ex_tax),
        }
        yield {
            **header,
            "line_id": line["id"],
            **_line_product(line),
            "quantity": quantity,
            "cancelled_quantity": cancelled,
            "original_quantity": quantity + cancelled,
            "returned_quantity": line["returnedQuantity"],
            "has_any_discount": line.get("hasAnyDiscount"),
            "discount_percent": number(line["discountPercent"]),
            "tax_percent": number(line["taxPercent"]),
            **amounts,
            **_base_amounts(amounts, rate),
        }


def orders(order: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per order: header, totals, voucher codes, shipping contact, attributes; no lines."""
    totals = order.get("totals") or {}
    rate = number(order["currencyBaseRate"])
    amounts = {
        "grand_total": money(order.get("grandTotal")),
        "grand_total_ex_tax": money(order.get("grandTotalExTax")),
        "line_values": money(totals.get("lineValues")),
        "shipping": money(totals.get("shipping")),
        "handling": money(totals.get("handling")),
        "discounts": money(totals.get("discounts")),
        "tax_added": money(totals.get("taxAdded")),
        "tax_deducted": money(totals.get("taxDeducted")),
        "tax_included": money(totals.get("taxIncluded")),
    }
    discounts = order.get("discountsApplied")
    yield {
        "id": order["id"],
        "number": order["number"],
        "status": order["status"],
        "order_date": to_utc(order["orderDate"]),
        "created_at": to_utc(order["createdAt"]),
        "updated_at": to_utc(order["updatedAt"]),
        **_order_context(order, extras),
        **_shipping_contact(order.get("shippingAddress")),
        "attributes": _attributes(order.get("attributes")),
        "is_on_hold": order.get("isOnHold"),
        "purchase_order_number": order.get("purchaseOrderNumber"),
        "voucher_codes": None if discounts is None else [d["code"] for d in discounts if d.get("code")],
        "quantity": totals.get("quantity"),
        "original_quantity": totals.get("originalQuantity"),
        "cancelled_quantity": totals.get("cancelledQuantity"),
        "unexpedited_quantity": totals.get("unexpeditedQuantity"),
        **amounts,
        **_base_amounts(amounts, rate),
    }


def _order_context(order: Node, extras: Extras | None) -> Record:
    """Store, market, pricelist, currency, shipping place and customer: the OrderDimensions fragment."""
    store = _store(order, extras)
    return {
        "store_id": ref_id(store),
        "store_name": name(store),
        "store_type": store_type(order) or (store or {}).get("type"),
        "market_id": ref_id(order.get("market")),
        "market_name": name(order.get("market")),
        "pricelist_id": ref_id(order.get("pricelist")),
        "pricelist_name": name(order.get("pricelist")),
        "currency": currency_code(order.get("grandTotal")),
        "currency_base_rate": number(order["currencyBaseRate"]),
        "base_currency": _base_currency(extras),
        "shipping_country_code": code(dig(order, "shippingAddress", "country")),
        "shipping_city": dig(order, "shippingAddress", "city"),
        "shipping_zip_code": dig(order, "shippingAddress", "zipCode"),
        "customer_email": dig(order, "customer", "email"),  # DTC only; needs Customer:read (optional)
    }


def _shipping_contact(address: Node | None) -> Record:
    """The personal part of the shipping address (orders only; privacy.py hashes or drops it)."""
    return {
        "shipping_first_name": dig(address, "firstName"),
        "shipping_last_name": dig(address, "lastName"),
        "shipping_address1": dig(address, "address1"),
        "shipping_address2": dig(address, "address2"),
        "shipping_email": dig(address, "email"),
        "shipping_phone_number": dig(address, "phoneNumber"),
    }


def _attributes(attributes: list[Node] | None) -> list[Record] | None:
    """Custom attributes in Centra's shape (centra-evidence.md §1), one item per attribute:

    ``{"type_name", "is_mapped", "description", "object_type", "elements": [{"key", "kind",
    "description", "value", "is_multi", "selected_value", "selected_value_name", "url", "width",
    "height", "mime_type"}]}`` — element fields that do not apply to the element's kind are null.
    None when the token or the instance cannot give attributes (never ``[]`` for "unknown").
    """
    if attributes is None:
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
        for attribute in attributes
    ]


def _line_product(line: Node | None) -> Record:
    """What a line sold: the LineProduct fragment (product, bundle and gift certificate lines)."""
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


# ---------------------------------------------------------------- return_items, returns

def return_items(ret: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per return line with the return's and its order's dimensions."""
    rate = number(ret["currencyBaseRate"])
    order = ret.get("order")
    header = {
        "return_id": ret["id"],
        "return_status": ret["returnStatus"],
        "return_created_at": to_utc(ret["createdAt"]),
        "returned_to_stock": ret["returnedToStock"],
        **_store_fields(ret, extras),
        "order_id": ref_id(order),
        "order_number": dig(order, "number"),
        "order_date": to_utc(dig(order, "orderDate")),
        "market_id": ref_id(dig(order, "market")),
        "market_name": name(dig(order, "market")),
        "shipping_country_code": code(dig(order, "shippingAddress", "country")),
        "currency": currency_code(ret.get("grandTotal")),
        "currency_base_rate": rate,
        "base_currency": _base_currency(extras),
    }
    for line in ret["lines"]:
        line_value = money(line["lineValue"])
        line_value_ex_tax = money(line["lineValueExTax"])
        amounts = {
            "unit_price": money(line["unitPrice"]),
            "line_value": line_value,
            "line_value_ex_tax": line_value_ex_tax,
            "tax_value": difference(line_value, line_value_ex_tax),
        }
        yield {
            **header,
            "return_line_id": line["id"],
            "order_line_id": ref_id(line.get("orderLine")),
            "shipment_line_id": ref_id(line.get("shipmentLine")),
            **_line_product(line.get("orderLine")),
            "quantity": line["quantity"],
            **amounts,
            **_base_amounts(amounts, rate),
        }


def returns(ret: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per return: header, totals, order and shipment references."""
    totals = ret.get("totals") or {}
    rate = number(ret.get("currencyBaseRate"))
    amounts = {
        "grand_total": money(ret.get("grandTotal")),
        "grand_total_ex_tax": money(ret.get("grandTotalExTax")),
        "line_values": money(totals.get("lineValues")),
        "line_values_ex_tax": money(totals.get("lineValuesExTax")),
        "shipping": money(totals.get("shipping")),
        "handling": money(totals.get("handling")),
        "discounts": money(totals.get("discounts")),
        "return_cost": money(totals.get("returnCost")),
        "tax_added": money(totals.get("taxAdded")),
        "tax_deducted": money(totals.get("taxDeducted")),
        "tax_included": money(totals.get("taxIncluded")),
    }
    yield {
        "id": ret["id"],
        "status": ret.get("status"),
        "return_status": ret.get("returnStatus"),
        "created_at": to_utc(ret["createdAt"]),
        "created_from": ret.get("createdFrom"),
        "returned_to_stock": ret.get("returnedToStock"),
        "total_quantity": ret.get("totalQuantity"),
        **_store_fields(ret, extras),
        "order_id": ref_id(ret.get("order")),
        "order_number": dig(ret, "order", "number"),
        "shipment_id": ref_id(ret.get("shipment")),
        "shipment_number": dig(ret, "shipment", "number"),
        "customer_email": dig(ret, "customer", "email"),  # DTC only; needs Customer:read (optional)
        "currency": currency_code(ret.get("grandTotal")),
        "currency_base_rate": rate,
        "base_currency": _base_currency(extras),
        **amounts,
        **_base_amounts(amounts, rate),
    }


# ---------------------------------------------------------------- shipments, payment_history

def shipments(shipment: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per shipment; its lines as an array."""
    rate = number(shipment.get("currencyBaseRate"))
    amounts = {
        "grand_total": money(shipment.get("grandTotal")),
        "grand_total_ex_tax": money(shipment.get("grandTotalExTax")),
    }
    lines = shipment.get("lines")
    yield {
        "id": shipment["id"],
        "number": shipment.get("number"),
        **_store_fields(shipment, extras),
        "order_id": ref_id(shipment.get("order")),
        "order_number": dig(shipment, "order", "number"),
        "created_at": to_utc(shipment.get("createdAt")),
        "updated_at": to_utc(shipment["updatedAt"]),
        "shipped_at": to_utc(shipment.get("shippedAt")),
        "paid_at": to_utc(shipment.get("paidAt")),
        "is_good_to_go": shipment.get("isGoodToGo"),
        "is_shipped": shipment.get("isShipped"),
        "is_paid": shipment.get("isPaid"),
        "is_captured": shipment.get("isCaptured"),
        "tracking_number": shipment.get("trackingNumber"),
        "return_tracking_number": shipment.get("returnTrackingNumber"),
        "number_of_packages": shipment.get("numberOfPackages"),
        "carrier_name": dig(shipment, "carrierInformation", "carrierName"),
        "service_name": dig(shipment, "carrierInformation", "serviceName"),
        "currency": currency_code(shipment.get("grandTotal")),
        "currency_base_rate": rate,
        **amounts,
        **_base_amounts(amounts, rate),
        "lines": None if lines is None else [
            {
                "shipment_line_id": line.get("id"),
                "order_line_id": ref_id(line.get("orderLine")),
                "quantity": line.get("quantity"),
                "returned_quantity": line.get("returnedQuantity"),
                "line_value": money(line.get("lineValue")),
            }
            for line in lines
        ],
    }


def payment_history(entry: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per payment history entry; the store is the entry's order's store."""
    value = money(entry.get("value"))
    rate = number(entry.get("currencyBaseRate"))
    yield {
        "id": entry["id"],
        "order_id": ref_id(entry["order"]),
        "order_number": dig(entry, "order", "number"),
        "store_id": ref_id(dig(entry, "order", "store")),
        "store_name": name(dig(entry, "order", "store")),
        "return_id": ref_id(entry.get("return")),
        "created_at": to_utc(entry["createdAt"]),
        "entry_type": entry.get("entryType"),
        "status": entry.get("status"),
        "value": value,
        "value_base": base_amount(value, rate),
        "currency": currency_code(entry.get("value")),
        "currency_base_rate": rate,
        "base_currency": _base_currency(extras),
        "payment_method": entry.get("paymentMethod"),
        "external_reference": entry.get("externalReference"),
        "source": entry.get("source"),
    }


# ---------------------------------------------------------------- products, markets, stores

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
        "attributes": _attributes(product.get("attributes")),
        "variants": None if variants is None else [
            {
                "variant_id": variant.get("id"),
                "name": variant.get("name"),
                "variant_number": variant.get("variantNumber"),
                "status": variant.get("status"),
                "updated_at": to_utc(variant.get("updatedAt")),
                "attributes": _attributes(variant.get("attributes")),
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


def markets(market: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per market with the ISO codes of the countries assigned to it."""
    countries = market.get("assignedToCountries")
    yield {
        "id": market["id"],
        "name": market.get("name"),
        "store_id": ref_id(_store(market, extras)),
        "store_name": name(_store(market, extras)),
        "country_codes": None if countries is None else [code(country) for country in countries],
    }


def stores(store: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per store; ``store_id`` repeats ``id`` so every store-scoped stream has it."""
    yield {
        "id": store["id"],
        "store_id": store["id"],
        "name": store.get("name"),
        "type": store.get("type"),
    }


# ---------------------------------------------------------------- shared

def _base_amounts(amounts: Mapping[str, float | None], rate: float | None) -> Record:
    """``{"x": v}`` → ``{"x_base": v × rate}`` for every money field ``x``."""
    return {f"{field}_base": base_amount(value, rate) for field, value in amounts.items()}


def _store(node: Node, extras: Extras | None) -> Node | None:
    """The node's store, each field completed from the store partition being read (``extras``)
    when the instance cannot return it."""
    own, partition = node.get("store") or {}, (extras or {}).get("store") or {}
    if not own and not partition:
        return None
    return {key: own.get(key) if own.get(key) is not None else partition.get(key) for key in ("id", "name", "type")}


def _store_fields(node: Node, extras: Extras | None) -> Record:
    store = _store(node, extras)
    return {"store_id": ref_id(store), "store_name": name(store),
            "store_type": store_type(node) or (store or {}).get("type")}


def _base_currency(extras: Extras | None) -> str | None:
    """ISO code of the currency the ``_base`` amounts are in (None when the token cannot read it)."""
    return (extras or {}).get("base_currency")
