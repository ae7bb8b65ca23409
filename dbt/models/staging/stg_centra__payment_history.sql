-- One payment history entry (auth, capture, refund, : typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
with latest as (
    {{ centra_latest('payment_history', ['id'], cursor='created_at') }}
)

select
    {{ centra_int('id') }} as payment_entry_id,
    {{ centra_string('order_id') }} as order_id,
    {{ centra_int('order_number') }} as order_number,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_string('store_name') }} as store_name,
    {{ centra_int('return_id') }} as return_id,
    {{ centra_timestamp('created_at') }} as created_at,
    {{ centra_string('entry_type') }} as entry_type,
    {{ centra_string('status') }} as status,
    {{ centra_money('value') }} as value,
    {{ centra_money('value_base') }} as value_base,
    {{ centra_string('currency') }} as currency,
    {{ centra_number('currency_base_rate') }} as currency_base_rate,
    {{ centra_string('base_currency') }} as base_currency,
    {{ centra_string('payment_method') }} as payment_method,
    {{ centra_string('external_reference') }} as external_reference,
    {{ centra_string('source') }} as source,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
