"""Cost of goods and purchasing (connector-contract.md "Cost and purchasing streams", centra-streams.md §8):
``stock_changes`` (the stock ledger, one record per stock-change line), ``purchase_orders``,
``purchase_order_deliveries`` (lines nested) and ``order_item_allocations`` (which stock-change lines an
order line's units were allocated from, with their unit cost).

Money is in the currency Centra gives the cost in (the supplier's), with ``currency``; ``x_base`` is
``x × rate`` in ``base_currency``, the rate being the stock-change line's ``currencyBaseRate`` (the rate
when the stock was booked in) or, on delivery lines, the amount's ``conversionRate``. A unit cost is per
unit; the cost of an allocation is ``quantity × unit_cost``.
"""

from __future__ import annotations

from collections.abc import Iterator

from source_centra.convert import base_amount, currency_code, dig, money, name, number, ref_id, to_utc
from source_centra.records.common import Extras, Node, Record, base_currency, store_id_name


def stock_changes(change: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per line of a stock change, with the stock change's type, comment, warehouse and time."""
    header = {
        "stock_change_id": change["id"],
        "type": change["type"],
        "comment": change["comment"],
        "created_at": to_utc(change["createdAt"]),
        "warehouse_id": ref_id(change["warehouse"]),
        "warehouse_name": name(change["warehouse"]),
    }
    for line in change["lines"]:
        size = line["productSize"] or {}
        variant = size.get("productVariant") or {}
        rate = number(line["currencyBaseRate"])
        cost = money(line["unitCost"])
        yield {
            "id": line["id"],
            **header,
            "size_id": size.get("id"),
            "variant_id": ref_id(variant),
            "product_id": ref_id(variant.get("product")),
            "sku": size.get("SKU"),
            "ean": size.get("EAN"),
            "size": size.get("description"),
            "delivered_quantity": line["deliveredQuantity"],
            "unit_cost": cost,
            "currency": currency_code(line["unitCost"]),
            "currency_base_rate": rate,
            "unit_cost_base": base_amount(cost, rate),
            "base_currency": base_currency(extras),
            "created_from_shipment_line_id": ref_id(line.get("createdFromShipmentLine")),
        }


def purchase_orders(order: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per purchase order: supplier and receiving warehouse (the quantities are on its deliveries)."""
    yield {
        "id": order["id"],
        "number": order["number"],
        "status": order["status"],
        "created_at": to_utc(order["createdAt"]),
        "updated_at": to_utc(order["updatedAt"]),
        "supplier_id": ref_id(order["supplier"]),
        "supplier_name": name(order["supplier"]),
        "warehouse_id": ref_id(order["warehouse"]),
        "warehouse_name": name(order.get("warehouse")),
    }


def purchase_order_deliveries(delivery: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per delivery; ``lines`` are its product sizes with per-unit unit cost, landed cost and
    customs value, in the line's currency and in the base currency. ``stock_change_id`` is null until the
    delivery is booked into stock (stock_changes' lines of that id are what arrived)."""
    lines = delivery["lines"]
    yield {
        "id": delivery["id"],
        "number": delivery["number"],
        "status": delivery["status"],
        "created_at": to_utc(delivery["createdAt"]),
        "expected_arrival_at": to_utc(delivery.get("ETA")),
        "purchase_order_id": ref_id(delivery["purchaseOrder"]),
        "purchase_order_number": (delivery["purchaseOrder"] or {}).get("number"),
        "supplier_id": ref_id(delivery["supplier"]),
        "supplier_name": name(delivery["supplier"]),
        "warehouse_id": ref_id(delivery["warehouse"]),
        "warehouse_name": name(delivery["warehouse"]),
        "stock_change_id": ref_id(delivery["stockChange"]),
        "base_currency": base_currency(extras),
        "lines": None if lines is None else [_delivery_line(line) for line in lines],
    }


def _delivery_line(line: Node) -> Record:
    size = line["productSize"] or {}
    variant = size.get("productVariant") or {}
    rate = number(dig(line, "unitCost", "conversionRate"))
    amounts = {"unit_cost": money(line["unitCost"]), "landed_cost": money(line["landedCost"]),
               "customs_value": money(line["customsValue"])}
    return {
        "size_id": size.get("id"),
        "variant_id": ref_id(variant),
        "product_id": ref_id(variant.get("product")),
        "sku": size.get("SKU"),
        "quantity": line["quantity"],
        **amounts,
        "customs_percent": number(line.get("customsPercent")),
        "currency": currency_code(line["unitCost"]),
        "conversion_rate": rate,
        **{f"{field}_base": base_amount(value, rate) for field, value in amounts.items()},
    }


def order_item_allocations(order: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per allocation of an order line's units to a stock-change line; its unit cost is the
    stock-change line's (Centra's cost of those units). Join to order_items on (order_id, line_id) and
    keep the allocations whose ``order_updated_at`` is the order line's: an allocation Centra removed (a
    cancelled unit) is then left out with the older read of its order."""
    store = store_id_name(order, extras)
    for line in order["lines"]:
        for allocation in line["allocations"] or ():
            source = allocation["stockChangeLine"] or {}
            rate = number(source.get("currencyBaseRate"))
            cost = money(source.get("unitCost"))
            yield {
                "id": allocation["id"],
                "order_id": order["id"],
                "order_number": order.get("number"),
                "line_id": line["id"],
                "order_updated_at": to_utc(order["updatedAt"]),
                "store_id": store["store_id"],
                "quantity": allocation["quantity"],
                "warehouse_id": ref_id(allocation["warehouse"]),
                "stock_change_line_id": source.get("id"),
                "unit_cost": cost,
                "currency": currency_code(source.get("unitCost")),
                "currency_base_rate": rate,
                "unit_cost_base": base_amount(cost, rate),
                "base_currency": base_currency(extras),
            }
