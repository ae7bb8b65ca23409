"""Fulfilment and payment: ``shipments`` (lines as an array) and ``payment_history`` (centra-api.md §9.8, §9.10)."""

from __future__ import annotations

from collections.abc import Iterator

from source_centra.convert import base_amount, currency_code, dig, money, name, number, ref_id, to_utc
from source_centra.records.common import Extras, Node, Record, base_amounts, base_currency, store_fields


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
        **store_fields(shipment, extras),
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
        **base_amounts(amounts, rate),
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
        "base_currency": base_currency(extras),
        "payment_method": entry.get("paymentMethod"),
        "external_reference": entry.get("externalReference"),
        "source": entry.get("source"),
    }
