"""Returns: ``return_items`` (one record per return line) and ``returns`` (one per return), centra-api.md §9.9."""

from __future__ import annotations

from collections.abc import Iterator

from source_centra.convert import code, currency_code, difference, dig, money, name, number, ref_id, to_utc
from source_centra.records.common import Extras, Node, Record, base_amounts, base_currency, line_product, store_fields


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
        **store_fields(ret, extras),
        "order_id": ref_id(order),
        "order_number": dig(order, "number"),
        "order_date": to_utc(dig(order, "orderDate")),
        "market_id": ref_id(dig(order, "market")),
        "market_name": name(dig(order, "market")),
        "shipping_country_code": code(dig(order, "shippingAddress", "country")),
        "currency": currency_code(ret.get("grandTotal")),
        "currency_base_rate": rate,
        "base_currency": base_currency(extras),
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
            **line_product(line.get("orderLine")),
            "quantity": line["quantity"],
            **amounts,
            **base_amounts(amounts, rate),
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
        **store_fields(ret, extras),
        "order_id": ref_id(ret.get("order")),
        "order_number": dig(ret, "order", "number"),
        "shipment_id": ref_id(ret.get("shipment")),
        "shipment_number": dig(ret, "shipment", "number"),
        "customer_email": dig(ret, "customer", "email"),  # DTC only; needs Customer:read (optional)
        "currency": currency_code(ret.get("grandTotal")),
        "currency_base_rate": rate,
        "base_currency": base_currency(extras),
        **amounts,
        **base_amounts(amounts, rate),
    }
