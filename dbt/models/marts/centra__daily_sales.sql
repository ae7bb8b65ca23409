-- One row per day × store × market × shipping country × currency: orders, units, gross and net
-- revenue, discounts, shipping, and returns counted both by order date and by return date.
-- Metric definitions: centra__daily_sales.yml. Days are UTC days.
{%- set dims = ['store_id', 'market_id', 'country_code', 'currency'] %}
{%- set measures = [
    'orders', 'new_customer_orders', 'repeat_customer_orders', 'units_sold', 'units_cancelled', 'net_units',
    'gross_revenue', 'discount_amount', 'revenue_after_discounts', 'returned_revenue', 'net_revenue',
    'revenue_after_discounts_ex_tax', 'net_revenue_ex_tax', 'shipping', 'handling',
    'gross_revenue_base', 'discount_amount_base', 'revenue_after_discounts_base', 'returned_revenue_base',
    'net_revenue_base', 'revenue_after_discounts_ex_tax_base', 'net_revenue_ex_tax_base', 'shipping_base',
    'handling_base',
    'returned_units_by_order_date', 'returned_revenue_by_order_date', 'returned_revenue_by_order_date_base',
    'returns_by_return_date', 'returned_units_by_return_date', 'returned_revenue_by_return_date',
    'returned_revenue_by_return_date_base',
] %}

{#- measures that count things (integers); all others are amounts -#}
{%- set counts = ['orders', 'new_customer_orders', 'repeat_customer_orders', 'units_sold', 'units_cancelled',
                  'net_units', 'returned_units_by_order_date', 'returns_by_return_date', 'returned_units_by_return_date'] %}

with lines as (
    select * from {{ ref('centra__order_lines') }}
),

orders as (
    select * from {{ ref('centra__orders') }}
),

return_lines as (
    select * from {{ ref('centra__return_lines') }}
),

-- each part fills its own measures and 0 for the others; the union is then summed per row key
line_part as (
    select
        order_date as date_day, store_id, market_id, shipping_country_code as country_code, currency,
        units_sold, units_cancelled, net_units,
        gross_revenue, discount_amount, revenue_after_discounts, returned_revenue, net_revenue,
        revenue_after_discounts_ex_tax, net_revenue_ex_tax,
        gross_revenue_base, discount_amount_base, revenue_after_discounts_base, returned_revenue_base,
        net_revenue_base, revenue_after_discounts_ex_tax_base, net_revenue_ex_tax_base
    from lines
),

order_part as (
    select
        order_date as date_day, store_id, market_id, shipping_country_code as country_code, currency,
        case when is_counted then 1 else 0 end as orders,
        case when customer_type = 'new' then 1 else 0 end as new_customer_orders,
        case when customer_type = 'repeat' then 1 else 0 end as repeat_customer_orders,
        shipping, handling, shipping_base, handling_base
    from orders
),

returns_by_order_date as (
    select
        order_date as date_day, store_id, market_id, shipping_country_code as country_code, currency,
        units_returned as returned_units_by_order_date,
        returned_revenue as returned_revenue_by_order_date,
        returned_revenue_base as returned_revenue_by_order_date_base
    from return_lines
),

returns_by_return_date as (
    select
        return_date as date_day, store_id, market_id, shipping_country_code as country_code, currency,
        return_id,
        units_returned as returned_units_by_return_date,
        returned_revenue as returned_revenue_by_return_date,
        returned_revenue_base as returned_revenue_by_return_date_base
    from return_lines
),

return_counts as (
    select date_day, store_id, market_id, country_code, currency, count(distinct return_id) as returns_by_return_date
    from returns_by_return_date
    group by date_day, store_id, market_id, country_code, currency
),

{%- set parts = {
    'line_part': ['units_sold', 'units_cancelled', 'net_units', 'gross_revenue', 'discount_amount',
                  'revenue_after_discounts', 'returned_revenue', 'net_revenue', 'revenue_after_discounts_ex_tax',
                  'net_revenue_ex_tax', 'gross_revenue_base', 'discount_amount_base', 'revenue_after_discounts_base',
                  'returned_revenue_base', 'net_revenue_base', 'revenue_after_discounts_ex_tax_base',
                  'net_revenue_ex_tax_base'],
    'order_part': ['orders', 'new_customer_orders', 'repeat_customer_orders', 'shipping', 'handling',
                   'shipping_base', 'handling_base'],
    'returns_by_order_date': ['returned_units_by_order_date', 'returned_revenue_by_order_date',
                              'returned_revenue_by_order_date_base'],
    'returns_by_return_date': ['returned_units_by_return_date', 'returned_revenue_by_return_date',
                               'returned_revenue_by_return_date_base'],
    'return_counts': ['returns_by_return_date'],
} %}

unioned as (
    {%- for part, filled in parts.items() %}
    select
        date_day, store_id, market_id, country_code, currency
        {%- for measure in measures %},
        {% if measure in filled %}{{ measure }}{% elif measure in counts %}0{% else %}{{ centra_amount('0') }}{% endif %} as {{ measure }}
        {%- endfor %}
    from {{ part }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

summed as (
    select
        date_day, store_id, market_id, country_code, currency
        {%- for measure in measures %},
        sum({{ measure }}) as {{ measure }}
        {%- endfor %}
    from unioned
    group by date_day, store_id, market_id, country_code, currency
),

stores as (
    select store_id, store_name, store_type from {{ ref('stg_centra__stores') }}
),

markets as (
    select market_id, market_name from {{ ref('stg_centra__markets') }}
),

base_currency as (
    select max(base_currency) as base_currency from {{ ref('stg_centra__orders') }}
)

select
    {{ centra_key(['summed.date_day', 'summed.store_id', 'summed.market_id', 'summed.country_code', 'summed.currency']) }} as daily_sales_key,
    summed.date_day,
    {{ centra_month('summed.date_day') }} as month,
    summed.store_id,
    stores.store_name,
    stores.store_type,
    summed.market_id,
    markets.market_name,
    summed.country_code,
    summed.currency,
    base_currency.base_currency
    {%- for measure in measures %},
    summed.{{ measure }}
    {%- endfor %},
    {{ centra_ratio('summed.revenue_after_discounts', 'summed.orders') }} as average_order_value,
    {{ centra_ratio('summed.revenue_after_discounts_base', 'summed.orders') }} as average_order_value_base,
    {{ centra_ratio('summed.units_sold', 'summed.orders') }} as units_per_order,
    {{ centra_ratio('summed.returned_units_by_order_date', 'summed.units_sold') }} as return_rate_by_order_date
from summed
left join stores on stores.store_id = summed.store_id
left join markets on markets.market_id = summed.market_id
cross join base_currency
