-- One campaign: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('campaigns', ['id'], cursor='updated_at',
        columns=['id', 'name', 'status', 'start_at', 'stop_at', 'created_at', 'updated_at', 'store_id', 'store_name', 'market_ids', 'pricelist_ids']) }}
)

select
    {{ centra_int('id') }} as campaign_id,
    {{ centra_string('name') }} as campaign_name,
    {{ centra_string('status') }} as campaign_status,
    {{ centra_timestamp('start_at') }} as start_at,
    {{ centra_timestamp('stop_at') }} as stop_at,
    {{ centra_timestamp('created_at') }} as created_at,
    {{ centra_timestamp('updated_at') }} as updated_at,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_string('store_name') }} as store_name,
    market_ids as market_ids,
    pricelist_ids as pricelist_ids,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
