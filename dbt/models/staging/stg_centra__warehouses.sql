-- One warehouse: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('warehouses', ['id'],
        columns=['id', 'name', 'status', 'is_hidden_from_stock_view', 'threshold', 'is_consignation', 'address', 'city', 'zip_code', 'country_code']) }}
)

select
    {{ centra_int('id') }} as warehouse_id,
    {{ centra_string('name') }} as warehouse_name,
    {{ centra_string('status') }} as warehouse_status,
    {{ centra_bool('is_hidden_from_stock_view') }} as is_hidden_from_stock_view,
    {{ centra_int('threshold') }} as threshold,
    {{ centra_bool('is_consignation') }} as is_consignation,
    {{ centra_string('address') }} as address,
    {{ centra_string('city') }} as city,
    {{ centra_string('zip_code') }} as zip_code,
    {{ centra_string('country_code') }} as country_code,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
