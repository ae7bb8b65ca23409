-- One purchase order: typed, renamed, one row per primary key (id → purchase_order_id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('purchase_orders', ['id'], cursor='updated_at',
        columns=['id', 'number', 'status', 'created_at', 'updated_at', 'supplier_id', 'supplier_name', 'warehouse_id', 'warehouse_name']) }}
)

select
    {{ centra_int('id') }} as purchase_order_id,
    {{ centra_string('number') }} as purchase_order_number,
    {{ centra_string('status') }} as purchase_order_status,
    {{ centra_timestamp('created_at') }} as created_at,
    {{ centra_timestamp('updated_at') }} as updated_at,
    {{ centra_int('supplier_id') }} as supplier_id,
    {{ centra_string('supplier_name') }} as supplier_name,
    {{ centra_int('warehouse_id') }} as warehouse_id,
    {{ centra_string('warehouse_name') }} as warehouse_name,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
