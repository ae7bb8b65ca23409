-- One delivery of a purchase order (`lines` stays JSON; stg_centra__purchase_order_delivery_lines has one row per
-- line): typed, renamed, one row per primary key (id → delivery_id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('purchase_order_deliveries', ['id'], cursor='created_at',
        columns=['id', 'number', 'status', 'created_at', 'expected_arrival_at', 'purchase_order_id', 'purchase_order_number', 'supplier_id', 'supplier_name', 'warehouse_id', 'warehouse_name', 'stock_change_id', 'base_currency', 'lines']) }}
)

select
    {{ centra_int('id') }} as delivery_id,
    {{ centra_string('number') }} as delivery_number,
    {{ centra_string('status') }} as delivery_status,
    {{ centra_timestamp('created_at') }} as created_at,
    {{ centra_timestamp('expected_arrival_at') }} as expected_arrival_at,
    {{ centra_int('purchase_order_id') }} as purchase_order_id,
    {{ centra_string('purchase_order_number') }} as purchase_order_number,
    {{ centra_int('supplier_id') }} as supplier_id,
    {{ centra_string('supplier_name') }} as supplier_name,
    {{ centra_int('warehouse_id') }} as warehouse_id,
    {{ centra_string('warehouse_name') }} as warehouse_name,
    {{ centra_int('stock_change_id') }} as stock_change_id,
    {{ centra_string('base_currency') }} as base_currency,
    lines as lines,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
