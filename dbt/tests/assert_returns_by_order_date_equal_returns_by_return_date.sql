-- The two ways of counting returns in centra__daily_sales move returns between days, never in or
-- out: per store × market × country × currency, Σ over days of returns by order date = Σ of returns
-- by return date (units, value, base value). Rows returned = groups where they differ.
{%- set tolerance = var('centra_reconciliation_tolerance') %}
with totals as (
    select
        store_id, market_id, country_code, currency,
        sum(returned_units_by_order_date) as units_by_order_date,
        sum(returned_units_by_return_date) as units_by_return_date,
        sum(returned_revenue_by_order_date) as revenue_by_order_date,
        sum(returned_revenue_by_return_date) as revenue_by_return_date,
        sum(returned_revenue_by_order_date_base) as revenue_base_by_order_date,
        sum(returned_revenue_by_return_date_base) as revenue_base_by_return_date
    from {{ ref('centra__daily_sales') }}
    group by store_id, market_id, country_code, currency
)

select *
from totals
where units_by_order_date <> units_by_return_date
   or abs(revenue_by_order_date - revenue_by_return_date) > {{ tolerance }}
   or abs(revenue_base_by_order_date - revenue_base_by_return_date) > {{ tolerance }}
