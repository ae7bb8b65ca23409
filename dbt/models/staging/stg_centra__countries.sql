-- One country: typed, renamed, one row per primary key (code; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('countries', ['code'],
        columns=['code', 'name', 'id', 'is_eu', 'continent', 'states']) }}
)

select
    {{ centra_string('code') }} as country_code,
    {{ centra_string('name') }} as country_name,
    {{ centra_int('id') }} as country_id,
    {{ centra_bool('is_eu') }} as is_eu,
    {{ centra_string('continent') }} as continent,
    states as states,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
