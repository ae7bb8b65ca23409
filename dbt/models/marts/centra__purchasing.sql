-- One row per purchase order: its deliveries, units received and still on their way, their value at unit and
-- landed cost in the base currency, and the next expected arrival. Definitions: centra__purchasing.yml.
with orders as (
    select * from {{ ref('stg_centra__purchase_orders') }}
),

deliveries as (
    select * from {{ ref('stg_centra__purchase_order_deliveries') }}
),

lines as (
    select * from {{ ref('stg_centra__purchase_order_delivery_lines') }}
),

by_delivery as (
    select
        deliveries.purchase_order_id,
        deliveries.delivery_id,
        deliveries.stock_change_id is not null as is_received,
        deliveries.expected_arrival_at,
        sum(lines.quantity) as units,
        sum(lines.quantity * lines.unit_cost_base) as unit_cost_value_base,
        sum(lines.quantity * lines.landed_cost_base) as landed_cost_value_base
    from deliveries
    left join lines on lines.delivery_id = deliveries.delivery_id
    group by deliveries.purchase_order_id, deliveries.delivery_id, deliveries.stock_change_id, deliveries.expected_arrival_at
),

received_at as (
    select stock_change_id, min(created_at) as received_at
    from {{ ref('stg_centra__stock_changes') }}
    group by stock_change_id
),

by_order as (
    select
        by_delivery.purchase_order_id,
        count(*) as deliveries,
        sum(case when by_delivery.is_received then 1 else 0 end) as deliveries_received,
        sum(case when by_delivery.is_received then by_delivery.units else 0 end) as units_received,
        sum(case when by_delivery.is_received then 0 else by_delivery.units end) as units_open,
        sum(case when by_delivery.is_received then by_delivery.unit_cost_value_base else 0 end) as received_value_base,
        sum(case when by_delivery.is_received then 0 else by_delivery.unit_cost_value_base end) as open_value_base,
        sum(case when by_delivery.is_received then by_delivery.landed_cost_value_base else 0 end) as received_landed_value_base,
        sum(case when by_delivery.is_received then 0 else by_delivery.landed_cost_value_base end) as open_landed_value_base,
        min(case when by_delivery.is_received then null else by_delivery.expected_arrival_at end) as next_expected_arrival_at,
        max(received_at.received_at) as last_received_at
    from by_delivery
    left join deliveries on deliveries.delivery_id = by_delivery.delivery_id
    left join received_at on received_at.stock_change_id = deliveries.stock_change_id
    group by by_delivery.purchase_order_id
),

ids as (  -- purchase orders, and those only known from their deliveries (no PurchaseOrder:read)
    select distinct purchase_order_id from (
        select purchase_order_id from orders
        union all
        select purchase_order_id from by_order where purchase_order_id is not null
    ) as both_sides
)

select
    ids.purchase_order_id,
    orders.purchase_order_number,
    orders.purchase_order_status,
    orders.created_at,
    orders.updated_at,
    orders.supplier_id,
    orders.supplier_name,
    orders.warehouse_id,
    orders.warehouse_name,
    coalesce(by_order.deliveries, 0) as deliveries,
    coalesce(by_order.deliveries_received, 0) as deliveries_received,
    coalesce(by_order.units_received, 0) as units_received,
    coalesce(by_order.units_open, 0) as units_open,
    {{ centra_amount('coalesce(by_order.received_value_base, 0)') }} as received_value_base,
    {{ centra_amount('coalesce(by_order.open_value_base, 0)') }} as open_value_base,
    {{ centra_amount('coalesce(by_order.received_landed_value_base, 0)') }} as received_landed_value_base,
    {{ centra_amount('coalesce(by_order.open_landed_value_base, 0)') }} as open_landed_value_base,
    by_order.next_expected_arrival_at,
    by_order.last_received_at,
    coalesce(by_order.units_open, 0) > 0 as is_open
from ids
left join orders on orders.purchase_order_id = ids.purchase_order_id
left join by_order on by_order.purchase_order_id = ids.purchase_order_id
