-- centra__inventory_value per warehouse: its units = the stock snapshot's physical units, and its value = Σ
-- physical units × the SKU's latest purchase cost there (else anywhere), found here without window functions
-- (no newer booked-in line exists). Rows returned = warehouses that do not reconcile.
{%- set tolerance = var('centra_reconciliation_tolerance') %}
with booked_in as (
    select warehouse_id, sku, created_at, stock_change_line_id, unit_cost_base
    from {{ ref('stg_centra__stock_changes') }}
    where delivered_quantity > 0 and unit_cost_base is not null and created_from_shipment_line_id is null
      and sku is not null
),

latest_here as (
    select b.warehouse_id, b.sku, b.unit_cost_base
    from booked_in as b
    where not exists (
        select 1 from booked_in as newer
        where newer.warehouse_id = b.warehouse_id and newer.sku = b.sku
          and (newer.created_at > b.created_at
               or (newer.created_at = b.created_at and newer.stock_change_line_id > b.stock_change_line_id))
    )
),

latest_anywhere as (
    select b.sku, b.unit_cost_base
    from booked_in as b
    where not exists (
        select 1 from booked_in as newer
        where newer.sku = b.sku
          and (newer.created_at > b.created_at
               or (newer.created_at = b.created_at and newer.stock_change_line_id > b.stock_change_line_id))
    )
),

expected as (
    select stock.warehouse_id,
           sum(stock.physical_quantity) as units,
           sum(stock.physical_quantity * coalesce(latest_here.unit_cost_base, latest_anywhere.unit_cost_base)) as value
    from {{ ref('stg_centra__stock') }} as stock
    left join latest_here on latest_here.warehouse_id = stock.warehouse_id and latest_here.sku = stock.sku
    left join latest_anywhere on latest_anywhere.sku = stock.sku
    group by stock.warehouse_id
),

found as (
    select warehouse_id, sum(physical_quantity) as units, sum(inventory_value_base) as value
    from {{ ref('centra__inventory_value') }}
    group by warehouse_id
)

select coalesce(found.warehouse_id, expected.warehouse_id) as warehouse_id,
       found.units as found_units, expected.units as expected_units,
       found.value as found_value, expected.value as expected_value
from found
full outer join expected on expected.warehouse_id = found.warehouse_id
where coalesce(found.units, -1) <> coalesce(expected.units, -1)
   or abs(coalesce(found.value, 0) - coalesce(expected.value, 0)) > {{ tolerance }}
