-- One direct-to-consumer customer: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('customers', ['id'], cursor='updated_at',
        columns=['id', 'email', 'first_name', 'last_name', 'phone_number', 'cell_phone_number', 'status', 'created_at', 'updated_at', 'last_login_at', 'store_id', 'store_name', 'market_id', 'market_name', 'total_orders', 'is_registered', 'is_anonymized', 'gender', 'birthdate', 'billing_address1', 'billing_address2', 'billing_city', 'billing_zip_code', 'billing_country_code']) }}
)

select
    {{ centra_int('id') }} as customer_id,
    {{ centra_string('email') }} as customer_email,
    {{ centra_string('first_name') }} as first_name,
    {{ centra_string('last_name') }} as last_name,
    {{ centra_string('phone_number') }} as phone_number,
    {{ centra_string('cell_phone_number') }} as cell_phone_number,
    {{ centra_string('status') }} as customer_status,
    {{ centra_timestamp('created_at') }} as created_at,
    {{ centra_timestamp('updated_at') }} as updated_at,
    {{ centra_timestamp('last_login_at') }} as last_login_at,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_string('store_name') }} as store_name,
    {{ centra_int('market_id') }} as market_id,
    {{ centra_string('market_name') }} as market_name,
    {{ centra_int('total_orders') }} as total_orders,
    {{ centra_bool('is_registered') }} as is_registered,
    {{ centra_bool('is_anonymized') }} as is_anonymized,
    {{ centra_string('gender') }} as gender,
    {{ dbt.safe_cast('birthdate', 'date') }} as birthdate,
    {{ centra_string('billing_address1') }} as billing_address1,
    {{ centra_string('billing_address2') }} as billing_address2,
    {{ centra_string('billing_city') }} as billing_city,
    {{ centra_string('billing_zip_code') }} as billing_zip_code,
    {{ centra_string('billing_country_code') }} as billing_country_code,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
