-- One product with its variants and sizes nested: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
with latest as (
    {{ centra_latest('products', ['id'], cursor='updated_at') }}
)

select
    {{ centra_int('id') }} as product_id,
    {{ centra_string('name') }} as product_name,
    {{ centra_string('number') }} as product_number,
    {{ centra_string('status') }} as product_status,
    {{ centra_bool('is_bundle') }} as is_bundle,
    {{ centra_timestamp('created_at') }} as created_at,
    {{ centra_timestamp('updated_at') }} as updated_at,
    attributes as attributes,
    variants as variants,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
