-- centra__product_returns summed over all SKUs = the order lines (units sold, paid value) and the
-- return lines (units returned, returned value). Rows returned = measures that do not reconcile.
{%- set tolerance = var('centra_reconciliation_tolerance') %}
with products as (
    select sum(units_sold) as units_sold, sum(units_returned) as units_returned,
           sum(revenue_after_discounts_base) as revenue_base, sum(returned_revenue_base) as returned_base
    from {{ ref('centra__product_returns') }}
),
lines as (
    select sum(units_sold) as units_sold, sum(revenue_after_discounts_base) as revenue_base
    from {{ ref('centra__order_lines') }}
),
returns as (
    select sum(units_returned) as units_returned, sum(returned_revenue_base) as returned_base
    from {{ ref('centra__return_lines') }}
)
select *
from products cross join lines cross join returns
where products.units_sold <> lines.units_sold
   or products.units_returned <> returns.units_returned
   or abs(products.revenue_base - lines.revenue_base) > {{ tolerance }}
   or abs(products.returned_base - returns.returned_base) > {{ tolerance }}
