-- One category: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('categories', ['id'],
        columns=['id', 'name', 'uri', 'status', 'is_top_category', 'parent_id', 'store_id', 'store_name']) }}
)

select
    {{ centra_int('id') }} as category_id,
    {{ centra_string('name') }} as category_name,
    {{ centra_string('uri') }} as uri,
    {{ centra_string('status') }} as category_status,
    {{ centra_bool('is_top_category') }} as is_top_category,
    {{ centra_int('parent_id') }} as parent_category_id,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_string('store_name') }} as store_name,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
