"""Orders and their lines: ``order_items`` (one record per line) and ``orders`` (one per order).

Money is in the order's currency with ``currency`` and ``currency_base_rate`` on the record; each
money field ``x`` also as ``x_base`` (× currency_base_rate) in ``base_currency`` (centra-api.md §9.1–§9.4)."""

from __future__ import annotations

from collections.abc import Iterator

from source_centra.convert import (
    code, currency_code, difference, dig, ex_tax, money, name, number, ref_id, store_type, times, to_utc,
)
from source_centra.records.common import (
    Extras, Node, Record, attributes, base_amounts, base_currency, line_product, store_of,
)


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
            **line_product(line),
            "quantity": quantity,
            "cancelled_quantity": cancelled,
            "original_quantity": quantity + cancelled,
            "returned_quantity": line["returnedQuantity"],
            "has_any_discount": line.get("hasAnyDiscount"),
            "discount_percent": number(line["discountPercent"]),
            "tax_percent": number(line["taxPercent"]),
            **amounts,
            **base_amounts(amounts, rate),
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
        "attributes": attributes(order.get("attributes")),
        "is_on_hold": order.get("isOnHold"),
        "purchase_order_number": order.get("purchaseOrderNumber"),
        "voucher_codes": None if discounts is None else [d["code"] for d in discounts if d.get("code")],
        "quantity": totals.get("quantity"),
        "original_quantity": totals.get("originalQuantity"),
        "cancelled_quantity": totals.get("cancelledQuantity"),
        "unexpedited_quantity": totals.get("unexpeditedQuantity"),
        **amounts,
        **base_amounts(amounts, rate),
    }


def _order_context(order: Node, extras: Extras | None) -> Record:
    """Store, market, pricelist, currency, shipping place and customer: the OrderDimensions fragment."""
    store = store_of(order, extras)
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
        "base_currency": base_currency(extras),
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
