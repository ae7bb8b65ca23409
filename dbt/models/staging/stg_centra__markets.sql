-- One market: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
with latest as (
    {{ centra_latest('markets', ['id']) }}
)

select
    {{ centra_int('id') }} as market_id,
    {{ centra_string('name') }} as market_name,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_string('store_name') }} as store_name,
    country_codes as country_codes,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
