-- One pricelist: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('pricelists', ['id'],
        columns=['id', 'name', 'status', 'is_default_for_currency', 'currency', 'store_id', 'store_name', 'updated_at']) }}
)

select
    {{ centra_int('id') }} as pricelist_id,
    {{ centra_string('name') }} as pricelist_name,
    {{ centra_string('status') }} as pricelist_status,
    {{ centra_bool('is_default_for_currency') }} as is_default_for_currency,
    {{ centra_string('currency') }} as currency,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_string('store_name') }} as store_name,
    {{ centra_timestamp('updated_at') }} as updated_at,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
