-- One line of a purchase order delivery (a product size): the deliveries' `lines` array, one row each, typed.
-- Costs are per unit, in the line's currency and (`_base`) in the base currency.
with deliveries as (
    select * from {{ ref('stg_centra__purchase_order_deliveries') }}
),

lines as (
    select
        deliveries.delivery_id,
        deliveries.delivery_status,
        deliveries.purchase_order_id,
        deliveries.warehouse_id,
        deliveries.stock_change_id,
        deliveries.expected_arrival_at,
        {{ centra_json_object_field('delivery_lines', 'size_id') }} as size_id,
        {{ centra_json_object_field('delivery_lines', 'variant_id') }} as variant_id,
        {{ centra_json_object_field('delivery_lines', 'product_id') }} as product_id,
        {{ centra_json_object_field('delivery_lines', 'sku') }} as sku,
        {{ centra_json_object_field('delivery_lines', 'quantity') }} as quantity,
        {{ centra_json_object_field('delivery_lines', 'unit_cost') }} as unit_cost,
        {{ centra_json_object_field('delivery_lines', 'landed_cost') }} as landed_cost,
        {{ centra_json_object_field('delivery_lines', 'customs_value') }} as customs_value,
        {{ centra_json_object_field('delivery_lines', 'currency') }} as currency,
        {{ centra_json_object_field('delivery_lines', 'unit_cost_base') }} as unit_cost_base,
        {{ centra_json_object_field('delivery_lines', 'landed_cost_base') }} as landed_cost_base
    from deliveries
    {{ centra_unnest_json_objects('deliveries.lines', 'delivery_lines') }}
)

select
    {{ centra_key(['delivery_id', 'size_id']) }} as delivery_line_key,
    delivery_id,
    delivery_status,
    purchase_order_id,
    warehouse_id,
    stock_change_id,
    expected_arrival_at,
    {{ centra_int('size_id') }} as size_id,
    {{ centra_int('variant_id') }} as variant_id,
    {{ centra_int('product_id') }} as product_id,
    {{ centra_string('sku') }} as sku,
    {{ centra_int('quantity') }} as quantity,
    {{ centra_money('unit_cost') }} as unit_cost,
    {{ centra_money('landed_cost') }} as landed_cost,
    {{ centra_money('customs_value') }} as customs_value,
    {{ centra_string('currency') }} as currency,
    {{ centra_money('unit_cost_base') }} as unit_cost_base,
    {{ centra_money('landed_cost_base') }} as landed_cost_base
from lines
