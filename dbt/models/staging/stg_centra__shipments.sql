-- One shipment with its lines as an array: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
with latest as (
    {{ centra_latest('shipments', ['id'], cursor='updated_at') }}
)

select
    {{ centra_int('id') }} as shipment_id,
    {{ centra_string('number') }} as shipment_number,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_string('store_name') }} as store_name,
    {{ centra_string('store_type') }} as store_type,
    {{ centra_string('order_id') }} as order_id,
    {{ centra_int('order_number') }} as order_number,
    {{ centra_timestamp('created_at') }} as created_at,
    {{ centra_timestamp('updated_at') }} as updated_at,
    {{ centra_timestamp('shipped_at') }} as shipped_at,
    {{ centra_timestamp('paid_at') }} as paid_at,
    {{ centra_bool('is_good_to_go') }} as is_good_to_go,
    {{ centra_bool('is_shipped') }} as is_shipped,
    {{ centra_bool('is_paid') }} as is_paid,
    {{ centra_bool('is_captured') }} as is_captured,
    {{ centra_string('tracking_number') }} as tracking_number,
    {{ centra_string('return_tracking_number') }} as return_tracking_number,
    {{ centra_int('number_of_packages') }} as number_of_packages,
    {{ centra_string('carrier_name') }} as carrier_name,
    {{ centra_string('service_name') }} as service_name,
    {{ centra_string('currency') }} as currency,
    {{ centra_number('currency_base_rate') }} as currency_base_rate,
    {{ centra_money('grand_total') }} as grand_total,
    {{ centra_money('grand_total_ex_tax') }} as grand_total_ex_tax,
    {{ centra_money('grand_total_base') }} as grand_total_base,
    {{ centra_money('grand_total_ex_tax_base') }} as grand_total_ex_tax_base,
    lines as lines,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
