"""After `dbt build` (scripts/demo.sh runs it on the demo's DuckDB file): print a few lines from the
Centra marts and draw daily net revenue and return rate into a small PNG.

Runs in dbt's venv (dbt/.venv: duckdb + matplotlib): dbt/.venv/bin/python examples/dbt_marts.py [--db ...] [--png ...]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent

DAILY_SQL = """
select date_day, store_name, market_name, country_code, currency, orders, units_sold, net_units,
       gross_revenue, discount_amount, net_revenue, net_revenue_base, shipping,
       returned_units_by_order_date, returned_units_by_return_date
from analytics.centra__daily_sales
where orders > 0
order by date_day desc, store_id, market_id, country_code
limit 3
"""

MONTHS_SQL = """
select strftime(month, '%Y-%m') as month, sum(orders) as orders, sum(new_customer_orders) as new,
       sum(repeat_customer_orders) as repeat, sum(units_sold) as units, sum(net_units) as net_units,
       sum(gross_revenue_base) as gross, sum(discount_amount_base) as discounts, sum(net_revenue_base) as net,
       sum(revenue_after_discounts_base) / nullif(sum(orders), 0) as aov,
       sum(returned_revenue_by_order_date_base) as returned_by_order_date,
       sum(returned_revenue_by_return_date_base) as returned_by_return_date
from analytics.centra__daily_sales
group by 1 order by 1 desc limit 6
"""

PRODUCTS_SQL = """
select product_name, sum(units_sold) as sold, sum(units_returned) as returned,
       sum(units_returned) / nullif(sum(units_sold), 0) as return_rate, sum(returned_revenue_base) as returned_value
from analytics.centra__product_returns
where product_id is not null
group by product_id, product_name
having sum(units_sold) >= 20
order by return_rate desc, product_name limit 5
"""

VOUCHERS_SQL = """
select voucher_code, coalesce(voucher_name, ''), orders, customers, new_customer_orders, order_discount_amount_base,
       net_revenue_base, average_order_value_base
from analytics.centra__voucher_performance
where orders > 0
order by orders desc, voucher_code limit 5
"""

COHORTS_SQL = """
select strftime(cohort_month, '%Y-%m'), max(cohort_customers),
       max(case when months_since_first_order = 3 then retention_rate end),
       max(case when months_since_first_order = 6 then retention_rate end),
       max(cumulative_value_per_customer_base)
from analytics.centra__customer_cohorts
group by cohort_month order by cohort_month limit 4
"""

STOCK_SQL = """
select warehouse_name, sku, product_name, free_to_allocate_quantity, units_sold_in_window, stock_cover_days, sku_stock_cover_days
from analytics.centra__stock_cover
where units_sold_in_window > 0
order by sku_stock_cover_days, stock_cover_days, sku, warehouse_name limit 5
"""

MARGIN_BY_STORE_SQL = """
select coalesce(store_name, cast(store_id as varchar)) as store, sum(units_with_cogs) as units,
       sum(revenue_with_cogs_ex_tax_base) as revenue, sum(cogs_base) as cogs, sum(gross_margin_base) as margin,
       100 * sum(gross_margin_base) / nullif(sum(revenue_with_cogs_ex_tax_base), 0) as margin_percent,
       sum(estimated_cogs_base) as estimated, sum(return_adjusted_margin_base) as after_returns
from analytics.centra__daily_margin
group by 1 order by 1
"""

LOWEST_MARGIN_SQL = """
select coalesce(product_name, sku) as product, sku, units_sold, units_returned, net_revenue_ex_tax_base,
       return_adjusted_margin_base, return_adjusted_margin_percent
from analytics.centra__product_margin
where return_adjusted_margin_percent is not null and units_sold > 0
order by return_adjusted_margin_percent, sku limit 5
"""

MARGIN_CHART_SQL = """
select date_day, sum(gross_margin_base) as margin, sum(revenue_with_cogs_ex_tax_base) as revenue
from analytics.centra__daily_margin group by 1 order by 1
"""

CHART_SQL = """
select date_day, sum(net_revenue_base) as net_revenue, sum(units_sold) as sold,
       sum(returned_units_by_order_date) as returned
from analytics.centra__daily_sales group by 1 order by 1
"""


def chart(rows: list[tuple], base_currency: str, png: Path, margins: dict | None = None) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from datetime import timedelta

    by_day = {row[0]: row for row in rows}  # every calendar day, 0 where nothing happened
    rows = [by_day.get(rows[0][0] + timedelta(days=i), (rows[0][0] + timedelta(days=i), 0, 0, 0))
            for i in range((rows[-1][0] - rows[0][0]).days + 1)]
    days = [row[0] for row in rows]
    revenue = [float(row[1]) for row in rows]
    window = 28
    rolling_revenue, rolling_rate = [], []
    for i in range(len(rows)):
        part = rows[max(0, i - window + 1): i + 1]
        rolling_revenue.append(sum(float(r[1]) for r in part) / len(part))
        sold = sum(r[2] for r in part)
        rolling_rate.append(100 * sum(r[3] for r in part) / sold if sold else None)
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(8, 4.8), sharex=True, height_ratios=(3, 2))
    top.bar(days, revenue, width=1.0, color="#9ecae1", label="daily")
    top.plot(days, rolling_revenue, color="#08519c", label=f"{window}-day mean")
    top.set_ylabel(f"net revenue ({base_currency})")
    top.set_title("Centra (fake): daily net revenue, return rate and gross margin")
    top.legend(loc="upper left", fontsize=8)
    bottom.plot(days, rolling_rate, color="#a63603", label="return rate %")
    margins = margins or {}
    if any(margins.get(day, (0, 0))[1] for day in days):  # gross margin %, 28-day window (centra__daily_margin)
        rolling_margin = []
        for i in range(len(days)):
            part = [margins.get(day, (0, 0)) for day in days[max(0, i - window + 1): i + 1]]
            revenue_part = sum(float(r) for _m, r in part)
            rolling_margin.append(100 * sum(float(m) for m, _r in part) / revenue_part if revenue_part else None)
        bottom.plot(days, rolling_margin, color="#31a354", label="gross margin % (excl. tax)")
        bottom.legend(loc="upper left", fontsize=8)
    bottom.set_ylabel("%")
    bottom.set_xlabel(f"order date (UTC); return rate = units returned / units sold, by order date, {window}-day window")
    bottom.xaxis.label.set_size(8)
    figure.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(png, dpi=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / ".demo" / "centra.duckdb"))
    parser.add_argument("--png", default=str(ROOT / ".demo" / "daily_sales.png"))
    args = parser.parse_args()
    with duckdb.connect(args.db, read_only=True) as db:
        base_currency = db.execute("select coalesce(max(base_currency), 'base') from analytics.centra__daily_sales").fetchone()[0]
        print("\ncentra__daily_sales, the latest 3 rows with orders (day × store × market × country × currency):")
        print(f"  {'day':<10} {'store':<10} {'market':<14} {'ctry':<4} {'cur':<3} {'orders':>6} {'units':>5} {'net u':>5} "
              f"{'gross':>10} {'discount':>9} {'net rev':>10} {'net ' + base_currency:>10} {'ship':>6} {'ret/od':>6} {'ret/rd':>6}")
        for (day, store, market, country, currency, orders, units, net_units, gross, discount, net, net_base, shipping,
             ret_order, ret_return) in db.execute(DAILY_SQL).fetchall():
            print(f"  {day!s:<10} {store:<10} {market:<14} {country:<4} {currency:<3} {orders:>6} {units:>5} {net_units:>5} "
                  f"{gross:>10,.2f} {discount:>9,.2f} {net:>10,.2f} {net_base:>10,.2f} {shipping:>6,.2f} {ret_order:>6} {ret_return:>6}")
        print(f"\nBy month, all stores ({base_currency}, incl. tax): returns by order date vs by return date")
        print(f"  {'month':<8} {'orders':>6} {'new':>4} {'rep':>4} {'units':>6} {'net u':>6} {'gross':>12} {'discounts':>10} "
              f"{'net revenue':>12} {'AOV':>8} {'ret by od':>10} {'ret by rd':>10}")
        for month, orders, new, repeat, units, net_units, gross, discounts, net, aov, by_order, by_return in db.execute(MONTHS_SQL).fetchall():
            print(f"  {month:<8} {orders:>6} {new:>4} {repeat:>4} {units:>6} {net_units:>6} {gross:>12,.2f} {discounts:>10,.2f} "
                  f"{net:>12,.2f} {aov or 0:>8,.2f} {by_order:>10,.2f} {by_return:>10,.2f}")
        print("\nHighest return rates by product (centra__product_returns, at least 20 units sold):")
        for name, sold, returned, rate, value in db.execute(PRODUCTS_SQL).fetchall():
            print(f"  {name:<22} {sold:>5} sold {returned:>4} returned  {100 * rate:5.1f} %  {value:>10,.2f} {base_currency}")
        print(f"\nVoucher codes (centra__voucher_performance, {base_currency}):")
        for code, name, orders, customers, new, discount, net, aov in db.execute(VOUCHERS_SQL).fetchall():
            print(f"  {code:<12} {name:<18} {orders:>4} orders {customers:>4} customers {new:>3} new  discount {discount:>9,.2f}"
                  f"  net {net:>11,.2f}  AOV {aov:>8,.2f}")
        print(f"\nMonthly cohorts (centra__customer_cohorts): customers, retention after 3 and 6 months, value per customer ({base_currency}):")
        for month, size, m3, m6, value in db.execute(COHORTS_SQL).fetchall():
            pct = lambda r: f"{100 * r:5.1f} %" if r is not None else "    - "  # noqa: E731
            print(f"  {month}  {size:>4} customers  {pct(m3)}  {pct(m6)}  {value:>10,.2f}")
        stock = db.execute(STOCK_SQL).fetchall()
        if stock:
            print("\nLowest stock cover (centra__stock_cover: free to allocate vs units sold in the trailing 28 days):")
            for warehouse, sku, name, free, sold, cover, sku_cover in stock:
                print(f"  {warehouse:<26} {sku:<10} {str(name):<18} {free:>4} free {sold:>3} sold  {cover:6.1f} days here"
                      f"  {sku_cover:6.1f} days all warehouses")
        margin_rows = db.execute(MARGIN_BY_STORE_SQL).fetchall()
        if any(row[3] for row in margin_rows):
            print(f"\nGross margin by store (centra__daily_margin, {base_currency}, excl. tax; cost of goods from Centra's "
                  "allocations, else estimated; units and revenue of the lines whose cost is known, so revenue - COGS = "
                  "margin):")
            print(f"  {'store':<12} {'units':>6} {'revenue':>13} {'COGS':>13} {'margin':>13} {'margin %':>8} "
                  f"{'estimated':>11} {'after returns':>13}")
            for store, units, revenue, cogs, margin, percent, estimated, after in margin_rows:
                print(f"  {store:<12} {units:>6} {revenue:>13,.2f} {cogs:>13,.2f} {margin:>13,.2f} {percent or 0:>7.1f}% "
                      f"{estimated:>11,.2f} {after:>13,.2f}")
            print("\nLowest return-adjusted margin (centra__product_margin: margin on the units customers kept):")
            for product, sku, sold, returned, net, margin, percent in db.execute(LOWEST_MARGIN_SQL).fetchall():
                print(f"  {product:<20} {sku:<10} {sold:>4} sold {returned:>3} returned  net {net:>10,.2f}  "
                      f"margin {margin:>10,.2f} {base_currency} {percent:6.1f} %")
        else:
            print("\nGross margin: no cost of goods synced (the token or instance lacks the cost streams).")
        margins = {day: (margin, revenue) for day, margin, revenue in db.execute(MARGIN_CHART_SQL).fetchall()}
        rows = db.execute(CHART_SQL).fetchall()
    # the orders the demo creates "now" can lie long after the generated history: chart up to the gap
    gap = next((i for i in range(1, len(rows)) if (rows[i][0] - rows[i - 1][0]).days > 60), len(rows))
    chart(rows[:gap], base_currency, Path(args.png), margins)
    note = f" (to {rows[gap - 1][0]}; {len(rows) - gap} later day(s) after a gap of over 60 days left out)" if gap < len(rows) else ""
    print(f"\nChart of daily net revenue, return rate and gross margin{note}: {args.png}")


if __name__ == "__main__":
    main()
