-- The order lines' allocated cost of goods (centra__order_line_margin) = Σ quantity × unit cost of the allocations
-- read with each line's latest version, per store (units and cost); no line has more units allocated than it
-- sold; and every allocation's unit cost is its stock-change line's (where both streams are synced).
-- Rows returned = what does not reconcile.
{%- set tolerance = var('centra_reconciliation_tolerance') %}
with current_allocations as (
    select allocations.*
    from {{ ref('stg_centra__order_item_allocations') }} as allocations
    where exists (
        select 1 from {{ ref('stg_centra__order_items') }} as items
        where items.order_line_key = allocations.order_line_key and items.order_updated_at = allocations.order_updated_at
    )
),

from_allocations as (
    select store_id, sum(quantity) as units, sum(quantity * unit_cost_base) as cogs
    from current_allocations
    group by store_id
),

from_lines as (
    select store_id, sum(allocated_units) as units, sum(allocated_cogs_base) as cogs
    from {{ ref('centra__order_line_margin') }}
    group by store_id
),

totals as (
    select coalesce(from_lines.store_id, from_allocations.store_id) as store_id,
           coalesce(from_lines.units, 0) as line_units, coalesce(from_allocations.units, 0) as allocation_units,
           coalesce(from_lines.cogs, 0) as line_cogs, coalesce(from_allocations.cogs, 0) as allocation_cogs
    from from_lines
    full outer join from_allocations on from_allocations.store_id = from_lines.store_id
)

select 'allocated units per store' as check_name, {{ dbt.cast('store_id', dbt.type_string()) }} as row_key,
       {{ centra_amount('line_units') }} as found, {{ centra_amount('allocation_units') }} as expected
from totals where line_units <> allocation_units
union all
select 'allocated cost of goods per store', {{ dbt.cast('store_id', dbt.type_string()) }},
       {{ centra_amount('line_cogs') }}, {{ centra_amount('allocation_cogs') }}
from totals where abs(line_cogs - allocation_cogs) > {{ tolerance }}
union all
select 'more units allocated than sold', order_line_key, {{ centra_amount('allocated_units') }}, {{ centra_amount('units_sold') }}
from {{ ref('centra__order_line_margin') }} where allocated_units > units_sold
union all
select 'allocation cost differs from its stock-change line', {{ dbt.cast('allocations.allocation_id', dbt.type_string()) }},
       {{ centra_amount('allocations.unit_cost_base') }}, {{ centra_amount('lines.unit_cost_base') }}
from current_allocations as allocations
inner join {{ ref('stg_centra__stock_changes') }} as lines on lines.stock_change_line_id = allocations.stock_change_line_id
where abs(allocations.unit_cost_base - lines.unit_cost_base) > {{ tolerance }}
   or allocations.currency <> lines.currency
