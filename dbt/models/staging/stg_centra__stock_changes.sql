-- One stock-change line (the stock ledger: deliveries booked in, returns booked back, manual changes): typed,
-- renamed, one row per primary key (id → stock_change_line_id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('stock_changes', ['id'], cursor='created_at',
        columns=['id', 'stock_change_id', 'type', 'comment', 'created_at', 'warehouse_id', 'warehouse_name', 'size_id', 'variant_id', 'product_id', 'sku', 'ean', 'size', 'delivered_quantity', 'unit_cost', 'currency', 'currency_base_rate', 'unit_cost_base', 'base_currency', 'created_from_shipment_line_id']) }}
)

select
    {{ centra_int('id') }} as stock_change_line_id,
    {{ centra_int('stock_change_id') }} as stock_change_id,
    {{ centra_string('type') }} as stock_change_type,
    {{ centra_string('comment') }} as stock_change_comment,
    {{ centra_timestamp('created_at') }} as created_at,
    {{ centra_int('warehouse_id') }} as warehouse_id,
    {{ centra_string('warehouse_name') }} as warehouse_name,
    {{ centra_int('size_id') }} as size_id,
    {{ centra_int('variant_id') }} as variant_id,
    {{ centra_int('product_id') }} as product_id,
    {{ centra_string('sku') }} as sku,
    {{ centra_string('ean') }} as ean,
    {{ centra_string('size') }} as size,
    {{ centra_int('delivered_quantity') }} as delivered_quantity,
    {{ centra_money('unit_cost') }} as unit_cost,
    {{ centra_string('currency') }} as currency,
    {{ centra_number('currency_base_rate') }} as currency_base_rate,
    {{ centra_money('unit_cost_base') }} as unit_cost_base,
    {{ centra_string('base_currency') }} as base_currency,
    {{ centra_int('created_from_shipment_line_id') }} as created_from_shipment_line_id,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
