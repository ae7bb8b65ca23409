-- centra__daily_sales summed over all days = its inputs: the order lines (units, revenue), the
-- orders (order count, shipping) and the return lines (returns by order date and by return date),
-- per currency. Rows returned = currencies and measures that do not reconcile.
{%- set tolerance = var('centra_reconciliation_tolerance') %}
{%- set line_measures = ['units_sold', 'net_units', 'gross_revenue', 'discount_amount', 'revenue_after_discounts',
                         'returned_revenue', 'net_revenue', 'net_revenue_ex_tax', 'net_revenue_base'] %}
with daily as (
    select
        currency
        {%- for m in line_measures %}, sum({{ m }}) as {{ m }}{% endfor %},
        sum(orders) as orders,
        sum(shipping) as shipping,
        sum(returned_units_by_order_date) as returned_units_by_order_date,
        sum(returned_units_by_return_date) as returned_units_by_return_date,
        sum(returned_revenue_by_order_date) as returned_revenue_by_order_date,
        sum(returned_revenue_by_return_date) as returned_revenue_by_return_date
    from {{ ref('centra__daily_sales') }}
    group by currency
),

lines as (
    select
        currency
        {%- for m in line_measures %}, sum({{ m }}) as {{ m }}{% endfor %}
    from {{ ref('centra__order_lines') }}
    group by currency
),

orders as (
    select currency, sum(case when is_counted then 1 else 0 end) as orders, sum(shipping) as shipping
    from {{ ref('centra__orders') }}
    group by currency
),

return_lines as (
    select currency, sum(units_returned) as units_returned, sum(returned_revenue) as returned_revenue
    from {{ ref('centra__return_lines') }}
    group by currency
),

differences as (
    {%- for m in line_measures %}
    select lines.currency, '{{ m }}' as measure, coalesce(daily.{{ m }}, 0) as daily_total, lines.{{ m }} as source_total
    from lines left join daily on daily.currency = lines.currency
    union all
    {%- endfor %}
    select orders.currency, 'orders', coalesce(daily.orders, 0), orders.orders
    from orders left join daily on daily.currency = orders.currency
    union all
    select orders.currency, 'shipping', coalesce(daily.shipping, 0), orders.shipping
    from orders left join daily on daily.currency = orders.currency
    union all
    select return_lines.currency, 'returned_units_by_order_date', coalesce(daily.returned_units_by_order_date, 0), return_lines.units_returned
    from return_lines left join daily on daily.currency = return_lines.currency
    union all
    select return_lines.currency, 'returned_units_by_return_date', coalesce(daily.returned_units_by_return_date, 0), return_lines.units_returned
    from return_lines left join daily on daily.currency = return_lines.currency
    union all
    select return_lines.currency, 'returned_revenue_by_order_date', coalesce(daily.returned_revenue_by_order_date, 0), return_lines.returned_revenue
    from return_lines left join daily on daily.currency = return_lines.currency
    union all
    select return_lines.currency, 'returned_revenue_by_return_date', coalesce(daily.returned_revenue_by_return_date, 0), return_lines.returned_revenue
    from return_lines left join daily on daily.currency = return_lines.currency
)

select *
from differences
where abs(daily_total - source_total) > {{ tolerance }}
