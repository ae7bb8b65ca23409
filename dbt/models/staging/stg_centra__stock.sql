-- One product size in one warehouse, a snapshot: typed, renamed, one row per primary key (warehouse_id, size_id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('stock', ['warehouse_id', 'size_id'], cursor='synced_at',
        columns=['warehouse_id', 'warehouse_name', 'size_id', 'variant_id', 'product_id', 'sku', 'ean', 'size', 'size_number', 'free_to_allocate_quantity', 'physical_quantity', 'available_now_quantity', 'allocated_quantity', 'incoming_quantity', 'synced_at']) }}
)

select
    {{ centra_key(['warehouse_id', 'size_id']) }} as stock_key,
    {{ centra_int('warehouse_id') }} as warehouse_id,
    {{ centra_string('warehouse_name') }} as warehouse_name,
    {{ centra_int('size_id') }} as size_id,
    {{ centra_int('variant_id') }} as variant_id,
    {{ centra_int('product_id') }} as product_id,
    {{ centra_string('sku') }} as sku,
    {{ centra_string('ean') }} as ean,
    {{ centra_string('size') }} as size,
    {{ centra_string('size_number') }} as size_number,
    {{ centra_int('free_to_allocate_quantity') }} as free_to_allocate_quantity,
    {{ centra_int('physical_quantity') }} as physical_quantity,
    {{ centra_int('available_now_quantity') }} as available_now_quantity,
    {{ centra_int('allocated_quantity') }} as allocated_quantity,
    {{ centra_int('incoming_quantity') }} as incoming_quantity,
    {{ centra_timestamp('synced_at') }} as synced_at,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
