-- Σ of each order's lines = the order's own totals (the orders stream, read independently of the
-- lines): items value, order discount, revenue after discounts, net revenue, units; in the order
-- currency and the base currency. Rows returned = orders that do not reconcile.
{%- set tolerance = var('centra_reconciliation_tolerance') %}
with lines as (
    select
        order_id,
        count(*) as lines,
        sum(units_sold) as units_sold,
        sum(revenue_after_discounts + order_discount_amount) as items_value,
        sum(order_discount_amount) as order_discount_amount,
        sum(revenue_after_discounts) as revenue_after_discounts,
        sum(net_revenue) as net_revenue,
        sum(revenue_after_discounts_base) as revenue_after_discounts_base,
        sum(net_revenue_base) as net_revenue_base
    from {{ ref('centra__order_lines') }}
    group by order_id
),

orders as (
    select * from {{ ref('centra__orders') }}
),

compared as (
    select
        orders.order_id,
        orders.units_sold as order_units_sold,
        coalesce(lines.units_sold, 0) as line_units_sold,
        orders.items_value - coalesce(lines.items_value, 0) as items_value_difference,
        orders.order_discount_amount - coalesce(lines.order_discount_amount, 0) as order_discount_difference,
        orders.revenue_after_discounts - coalesce(lines.revenue_after_discounts, 0) as revenue_difference,
        orders.net_revenue - coalesce(lines.net_revenue, 0) as net_revenue_difference,
        orders.revenue_after_discounts_base - coalesce(lines.revenue_after_discounts_base, 0) as revenue_base_difference,
        orders.net_revenue_base - coalesce(lines.net_revenue_base, 0) as net_revenue_base_difference,
        {{ tolerance }} * (1 + coalesce(lines.lines, 0)) as tolerance
    from orders
    left join lines on lines.order_id = orders.order_id
)

select *
from compared
where order_units_sold <> line_units_sold
   or abs(items_value_difference) > tolerance
   or abs(order_discount_difference) > tolerance
   or abs(revenue_difference) > tolerance
   or abs(net_revenue_difference) > tolerance
   or abs(revenue_base_difference) > tolerance
   or abs(net_revenue_base_difference) > tolerance
