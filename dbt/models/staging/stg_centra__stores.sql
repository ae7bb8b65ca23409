-- One store: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
with latest as (
    {{ centra_latest('stores', ['id']) }}
)

select
    {{ centra_int('id') }} as store_id,
    {{ centra_string('name') }} as store_name,
    {{ centra_string('type') }} as store_type,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
