-- One allocation of units of an order line to a stock-change line, with that line's unit cost: typed, renamed,
-- one row per primary key (id → allocation_id; latest _airbyte_extracted_at wins). An allocation Centra removed
-- (a cancelled unit) keeps its last row here; the margin marts keep only the allocations read with the order
-- line's latest version (same order_updated_at).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('order_item_allocations', ['id'], cursor='order_updated_at',
        columns=['id', 'order_id', 'order_number', 'line_id', 'order_updated_at', 'store_id', 'quantity', 'warehouse_id', 'stock_change_line_id', 'unit_cost', 'currency', 'currency_base_rate', 'unit_cost_base', 'base_currency']) }}
)

select
    {{ centra_int('id') }} as allocation_id,
    {{ centra_key(['order_id', 'line_id']) }} as order_line_key,
    {{ centra_string('order_id') }} as order_id,
    {{ centra_int('order_number') }} as order_number,
    {{ centra_int('line_id') }} as line_id,
    {{ centra_timestamp('order_updated_at') }} as order_updated_at,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_int('quantity') }} as quantity,
    {{ centra_int('warehouse_id') }} as warehouse_id,
    {{ centra_int('stock_change_line_id') }} as stock_change_line_id,
    {{ centra_money('unit_cost') }} as unit_cost,
    {{ centra_string('currency') }} as currency,
    {{ centra_number('currency_base_rate') }} as currency_base_rate,
    {{ centra_money('unit_cost_base') }} as unit_cost_base,
    {{ centra_string('base_currency') }} as base_currency,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
