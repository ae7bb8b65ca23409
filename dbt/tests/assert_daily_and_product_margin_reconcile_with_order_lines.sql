-- centra__daily_margin summed over all days, and centra__product_margin summed over all SKUs, = the order lines'
-- margin (centra__order_line_margin) per currency; the returns' cost of goods by return date = by order date.
-- Rows returned = measures that do not reconcile.
{%- set tolerance = var('centra_reconciliation_tolerance') %}
{%- set measures = ['units_sold', 'revenue_ex_tax_base', 'cogs_base', 'gross_margin_base', 'return_adjusted_margin_base'] %}
with lines as (
    select currency
        {%- for m in measures %}, sum(coalesce({{ m }}, 0)) as {{ m }}{% endfor %},
        sum(coalesce(returned_cogs_base, 0)) as returned_cogs_base
    from {{ ref('centra__order_line_margin') }}
    group by currency
),

daily as (
    select currency
        {%- for m in measures %}, sum({{ m }}) as {{ m }}{% endfor %},
        sum(returned_cogs_base_by_order_date) as returned_cogs_base,
        sum(returned_cogs_base_by_return_date) as returned_cogs_base_by_return_date
    from {{ ref('centra__daily_margin') }}
    group by currency
),

products as (
    select
        {%- for m in measures %} sum(coalesce({{ m }}, 0)) as {{ m }}{% if not loop.last %},{% endif %}{% endfor %}
    from {{ ref('centra__product_margin') }}
),

all_lines as (
    select
        {%- for m in measures %} sum({{ m }}) as {{ m }}{% if not loop.last %},{% endif %}{% endfor %}
    from lines
)

{%- for m in measures %}
select 'daily {{ m }}' as check_name, lines.currency, lines.{{ m }} as expected, coalesce(daily.{{ m }}, 0) as found
from lines left join daily on daily.currency = lines.currency
where abs(lines.{{ m }} - coalesce(daily.{{ m }}, 0)) > {{ tolerance }}
union all
select 'product {{ m }}', 'all', all_lines.{{ m }}, coalesce(products.{{ m }}, 0)
from all_lines cross join products
where abs(coalesce(all_lines.{{ m }}, 0) - coalesce(products.{{ m }}, 0)) > {{ tolerance }}
union all
{%- endfor %}
select 'returned cogs by return date = by order date', daily.currency, daily.returned_cogs_base, daily.returned_cogs_base_by_return_date
from daily
where abs(daily.returned_cogs_base - daily.returned_cogs_base_by_return_date) > {{ tolerance }}
