"""The margin marts' figures computed here, in Python, from the fake's own data (never from the connector's
records or the package's SQL): revenue excl. tax per order line as the package defines it, cost of goods from
the fake ledger's allocations (units × unit cost in the base currency), the estimate for units not allocated
(the SKU's latest purchase cost), returns credited back, and inventory value. Used by test_dbt.py; the
definitions are those of dbt/models/marts/centra__order_line_margin.yml, read there in words."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def base(amount: float, rate: float) -> Decimal:
    """The connector's x_base: x × rate with decimals, rounded half-up to cents."""
    return (Decimal(str(amount)) * Decimal(str(rate))).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class LineMargin:
    order_id: str
    line_id: int
    store_id: int
    day: object
    sku: str | None
    units_sold: int
    units_returned: int
    revenue: Decimal  # excl. tax, base currency
    cogs: Decimal | None
    source: str

    @property
    def returned_share(self) -> Decimal:
        return Decimal(self.units_returned) / Decimal(self.units_sold) if self.units_sold else Decimal(0)

    @property
    def margin(self) -> Decimal | None:
        return None if self.cogs is None else self.revenue - self.cogs

    @property
    def return_adjusted_margin(self) -> Decimal | None:
        return None if self.cogs is None else (self.revenue - self.cogs) * (1 - self.returned_share)


def latest_purchase_costs(data, served: bool) -> tuple[dict, dict]:
    """(sku → base unit cost, (warehouse, sku) → base unit cost) of the newest stock-change line that booked
    units in with a cost and did not come back from a return; empty where the instance serves no costs."""
    if not served:
        return {}, {}
    newest: dict = {}
    newest_here: dict = {}
    for change in data.stock_changes():
        for line in change["lines"]:
            if line["delivered_quantity"] <= 0 or line["unit_cost"] is None or line["created_from_shipment_line_id"]:
                continue
            key = (change["created_at"], line["id"])
            value = (key, base(line["unit_cost"], line["currency_base_rate"]))
            if line["sku"] not in newest or newest[line["sku"]][0] < key:
                newest[line["sku"]] = value
            here = (line["warehouse_id"], line["sku"])
            if here not in newest_here or newest_here[here][0] < key:
                newest_here[here] = value
    return {k: v[1] for k, v in newest.items()}, {k: v[1] for k, v in newest_here.items()}


def order_line_margins(data, served: bool) -> list[LineMargin]:
    """Every order line's revenue excl. tax and cost of goods; ``served``: the instance serves the cost
    streams (the lean profile does not: every cost is then unknown)."""
    latest, _here = latest_purchase_costs(data, served)
    allocations = defaultdict(list)
    if served:
        for alloc in data.allocations():
            allocations[alloc["order_line_id"]].append(alloc)
    out = []
    for order in data.orders():
        rate = order["currency_base_rate"]
        line_values = sum(Decimal(str(line["line_value"])) for line in order["lines"])
        discounts = base(order["totals"]["discounts"], rate)
        for line in order["lines"]:
            share = Decimal(str(line["line_value"])) / line_values if line_values else Decimal(0)
            paid = base(line["line_value"], rate) - discounts * share
            if line["line_value"]:
                factor = Decimal(str(line["line_value_ex_tax"])) / Decimal(str(line["line_value"]))
            else:
                factor = 1 / (1 + Decimal(str(line["tax_percent"])) / 100)
            units = line["quantity"]
            allocated = [a for a in allocations[line["id"]]]
            allocated_units = sum(a["quantity"] for a in allocated)
            known = all(a["unit_cost"] is not None for a in allocated)
            allocated_cogs = sum((a["quantity"] * base(a["unit_cost"], a["currency_base_rate"]) for a in allocated
                                  if a["unit_cost"] is not None), Decimal(0))
            estimated_units = max(units - allocated_units, 0)
            estimate = latest.get(line.get("sku"))
            if units == 0:
                source, cogs = "none", Decimal(0)
            elif not known:
                source, cogs = "unavailable", None
            elif estimated_units == 0:
                source, cogs = "allocated", allocated_cogs
            elif estimate is None:
                source, cogs = "unavailable", None
            else:
                source = "estimated" if allocated_units == 0 else "mixed"
                cogs = allocated_cogs + estimated_units * estimate
            out.append(LineMargin(order["id"], line["id"], order["store_id"], order["order_date"].date(), line.get("sku"),
                                  units, line["returned_quantity"], paid * factor, cogs, source))
    return out


def inventory_value(data, served: bool) -> dict[int, tuple[int, Decimal]]:
    """warehouse → (physical units, Σ physical × latest purchase cost there, else anywhere)."""
    latest, here = latest_purchase_costs(data, served)
    out: dict = defaultdict(lambda: [0, Decimal(0)])
    for row in data.stock():
        cost = here.get((row["warehouse_id"], row["sku"]), latest.get(row["sku"]))
        out[row["warehouse_id"]][0] += row["physical_quantity"]
        if cost is not None:
            out[row["warehouse_id"]][1] += row["physical_quantity"] * cost
    return {k: (v[0], v[1]) for k, v in out.items()}


def open_purchases(data, served: bool) -> dict[int, int]:
    """purchase order → units on deliveries not yet booked into stock."""
    if not served:
        return {}
    out: dict = defaultdict(int)
    for delivery in data.purchase_order_deliveries():
        out[delivery["purchase_order_id"]] += 0 if delivery["stock_change_id"] else sum(
            line["quantity"] for line in delivery["lines"])
    return dict(out)
