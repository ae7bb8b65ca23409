-- One collection: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('collections', ['id'],
        columns=['id', 'name', 'uri', 'status']) }}
)

select
    {{ centra_int('id') }} as collection_id,
    {{ centra_string('name') }} as collection_name,
    {{ centra_string('uri') }} as uri,
    {{ centra_string('status') }} as collection_status,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
