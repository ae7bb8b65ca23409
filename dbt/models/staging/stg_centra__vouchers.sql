-- One voucher: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('vouchers', ['id'], cursor='updated_at',
        columns=['id', 'name', 'code', 'method', 'type', 'status', 'start_at', 'stop_at', 'created_at', 'updated_at', 'store_id', 'store_name', 'market_ids', 'url', 'max_usages', 'successful_usages', 'priority', 'reuse', 'combine_with_other_vouchers']) }}
)

select
    {{ centra_int('id') }} as voucher_id,
    {{ centra_string('name') }} as voucher_name,
    {{ centra_string('code') }} as voucher_code,
    {{ centra_string('method') }} as voucher_method,
    {{ centra_string('type') }} as voucher_type,
    {{ centra_string('status') }} as voucher_status,
    {{ centra_timestamp('start_at') }} as start_at,
    {{ centra_timestamp('stop_at') }} as stop_at,
    {{ centra_timestamp('created_at') }} as created_at,
    {{ centra_timestamp('updated_at') }} as updated_at,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_string('store_name') }} as store_name,
    market_ids as market_ids,
    {{ centra_string('url') }} as url,
    {{ centra_int('max_usages') }} as max_usages,
    {{ centra_int('successful_usages') }} as successful_usages,
    {{ centra_int('priority') }} as priority,
    {{ centra_bool('reuse') }} as reuse,
    {{ centra_bool('combine_with_other_vouchers') }} as combine_with_other_vouchers,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
