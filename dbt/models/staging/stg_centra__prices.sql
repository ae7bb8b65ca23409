-- One price of one variant on one pricelist, a snapshot: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('prices', ['id'], cursor='synced_at',
        columns=['id', 'pricelist_id', 'pricelist_name', 'store_id', 'store_name', 'product_id', 'variant_id', 'price', 'recommended_retail_price', 'currency', 'synced_at']) }}
)

select
    {{ centra_int('id') }} as price_id,
    {{ centra_int('pricelist_id') }} as pricelist_id,
    {{ centra_string('pricelist_name') }} as pricelist_name,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_string('store_name') }} as store_name,
    {{ centra_int('product_id') }} as product_id,
    {{ centra_int('variant_id') }} as variant_id,
    {{ centra_money('price') }} as price,
    {{ centra_money('recommended_retail_price') }} as recommended_retail_price,
    {{ centra_string('currency') }} as currency,
    {{ centra_timestamp('synced_at') }} as synced_at,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
