-- One row per UTC day × store × market × currency: revenue excl. tax, cost of goods and gross margin in the
-- base currency by order date, and the returns' revenue and cost of goods by order date and by return date.
-- Definitions: centra__daily_margin.yml (the line-level ones: centra__order_line_margin.yml).
{%- set measures = [
    'units_sold', 'units_with_cogs', 'revenue_ex_tax_base', 'revenue_with_cogs_ex_tax_base', 'cogs_base',
    'allocated_cogs_base', 'estimated_cogs_base', 'gross_margin_base',
    'returned_units_by_order_date', 'returned_revenue_ex_tax_base_by_order_date', 'returned_cogs_base_by_order_date',
    'return_adjusted_margin_base',
    'returned_units_by_return_date', 'returned_revenue_ex_tax_base_by_return_date', 'returned_cogs_base_by_return_date',
] %}
{%- set counts = ['units_sold', 'units_with_cogs', 'returned_units_by_order_date', 'returned_units_by_return_date'] %}

with margin as (
    select * from {{ ref('centra__order_line_margin') }}
),

-- each part fills its own measures and 0 for the others; the union is then summed per row key
line_part as (
    select
        order_date as date_day, store_id, market_id, currency,
        units_sold,
        case when cogs_base is not null then units_sold else 0 end as units_with_cogs,
        revenue_ex_tax_base,
        case when cogs_base is not null then revenue_ex_tax_base else 0 end as revenue_with_cogs_ex_tax_base,
        coalesce(cogs_base, 0) as cogs_base,
        coalesce(allocated_cogs_base, 0) as allocated_cogs_base,
        coalesce(estimated_cogs_base, 0) as estimated_cogs_base,
        coalesce(gross_margin_base, 0) as gross_margin_base,
        units_returned as returned_units_by_order_date,
        returned_revenue_ex_tax_base as returned_revenue_ex_tax_base_by_order_date,
        coalesce(returned_cogs_base, 0) as returned_cogs_base_by_order_date,
        coalesce(return_adjusted_margin_base, 0) as return_adjusted_margin_base
    from margin
),

return_part as (
    select
        return_lines.return_date as date_day, return_lines.store_id, return_lines.market_id, return_lines.currency,
        return_lines.units_returned as returned_units_by_return_date,
        return_lines.returned_revenue_ex_tax_base as returned_revenue_ex_tax_base_by_return_date,
        coalesce(return_lines.units_returned * {{ centra_ratio('margin.cogs_base', 'margin.units_sold') }}, 0)
            as returned_cogs_base_by_return_date
    from {{ ref('centra__return_lines') }} as return_lines
    left join margin on margin.order_line_key = return_lines.order_line_key
),

{%- set parts = {
    'line_part': ['units_sold', 'units_with_cogs', 'revenue_ex_tax_base', 'revenue_with_cogs_ex_tax_base', 'cogs_base',
                  'allocated_cogs_base', 'estimated_cogs_base', 'gross_margin_base', 'returned_units_by_order_date',
                  'returned_revenue_ex_tax_base_by_order_date', 'returned_cogs_base_by_order_date',
                  'return_adjusted_margin_base'],
    'return_part': ['returned_units_by_return_date', 'returned_revenue_ex_tax_base_by_return_date',
                    'returned_cogs_base_by_return_date'],
} %}

unioned as (
    {%- for part, filled in parts.items() %}
    select
        date_day, store_id, market_id, currency
        {%- for measure in measures %},
        {% if measure in filled %}{{ measure }}{% elif measure in counts %}0{% else %}{{ centra_amount('0') }}{% endif %} as {{ measure }}
        {%- endfor %}
    from {{ part }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

summed as (
    select
        date_day, store_id, market_id, currency
        {%- for measure in measures %},
        sum({{ measure }}) as {{ measure }}
        {%- endfor %}
    from unioned
    group by date_day, store_id, market_id, currency
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
    {{ centra_key(['summed.date_day', 'summed.store_id', 'summed.market_id', 'summed.currency']) }} as daily_margin_key,
    summed.date_day,
    {{ centra_month('summed.date_day') }} as month,
    summed.store_id,
    stores.store_name,
    stores.store_type,
    summed.market_id,
    markets.market_name,
    summed.currency,
    base_currency.base_currency
    {%- for measure in measures %},
    summed.{{ measure }}
    {%- endfor %},
    {{ centra_ratio('100 * summed.gross_margin_base', 'summed.revenue_with_cogs_ex_tax_base') }} as gross_margin_percent
from summed
left join stores on stores.store_id = summed.store_id
left join markets on markets.market_id = summed.market_id
cross join base_currency
