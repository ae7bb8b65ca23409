-- One brand: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('brands', ['id'],
        columns=['id', 'name', 'uri', 'external_id']) }}
)

select
    {{ centra_int('id') }} as brand_id,
    {{ centra_string('name') }} as brand_name,
    {{ centra_string('uri') }} as uri,
    {{ centra_string('external_id') }} as external_id,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
