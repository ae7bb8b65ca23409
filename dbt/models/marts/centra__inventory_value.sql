-- One row per product size × warehouse of the stock snapshot: physical units valued at the latest purchase cost
-- of the SKU in that warehouse (else in any warehouse), in the base currency. Definitions: centra__inventory_value.yml.
with stock as (
    select * from {{ ref('stg_centra__stock') }}
),

booked_in as (
    select
        warehouse_id,
        sku,
        unit_cost_base,
        created_at,
        row_number() over (partition by warehouse_id, sku order by created_at desc, stock_change_line_id desc) as newest_here,
        row_number() over (partition by sku order by created_at desc, stock_change_line_id desc) as newest_anywhere
    from {{ ref('stg_centra__stock_changes') }}
    where delivered_quantity > 0 and unit_cost_base is not null and created_from_shipment_line_id is null
        and sku is not null
),

here as (
    select warehouse_id, sku, unit_cost_base, created_at from booked_in where newest_here = 1
),

anywhere as (
    select sku, unit_cost_base, created_at from booked_in where newest_anywhere = 1
),

valued as (
    select
        stock.*,
        coalesce(here.unit_cost_base, anywhere.unit_cost_base) as unit_cost_base,
        coalesce(here.created_at, anywhere.created_at) as unit_cost_booked_at,
        case when here.unit_cost_base is not null then 'warehouse'
             when anywhere.unit_cost_base is not null then 'other_warehouse'
             else 'unavailable' end as cost_source
    from stock
    left join here on here.warehouse_id = stock.warehouse_id and here.sku = stock.sku
    left join anywhere on anywhere.sku = stock.sku
),

warehouses as (
    select warehouse_id, warehouse_name, warehouse_status from {{ ref('stg_centra__warehouses') }}
)

select
    valued.stock_key,
    valued.warehouse_id,
    coalesce(warehouses.warehouse_name, valued.warehouse_name) as warehouse_name,
    warehouses.warehouse_status,
    valued.product_id,
    valued.variant_id,
    valued.size_id,
    valued.sku,
    valued.size,
    valued.synced_at as stock_synced_at,
    valued.physical_quantity,
    valued.free_to_allocate_quantity,
    valued.allocated_quantity,
    valued.incoming_quantity,
    valued.cost_source,
    valued.unit_cost_booked_at,
    {{ centra_amount('valued.unit_cost_base') }} as unit_cost_base,
    {{ centra_amount('valued.physical_quantity * valued.unit_cost_base') }} as inventory_value_base,
    {{ centra_amount('valued.free_to_allocate_quantity * valued.unit_cost_base') }} as free_inventory_value_base
from valued
left join warehouses on warehouses.warehouse_id = valued.warehouse_id
