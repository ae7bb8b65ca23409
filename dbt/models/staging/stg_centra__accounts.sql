-- One wholesale account: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('accounts', ['id'], cursor='updated_at',
        columns=['id', 'name', 'status', 'created_at', 'updated_at', 'store_id', 'store_name', 'market_id', 'market_name', 'pricelist_id', 'pricelist_name', 'discount_percent', 'is_discount_visible', 'account_email', 'billing_email', 'shipping_email', 'vat_number', 'website_url', 'external_id', 'allow_consignation', 'apply_credit_limit', 'block_if_unpaid_invoices', 'has_brands_restriction', 'is_internal', 'credit_limit', 'currency', 'contact_first_name', 'contact_last_name', 'contact_email', 'contact_phone_number', 'address1', 'address2', 'city', 'zip_code', 'country_code', 'billing_city', 'billing_country_code']) }}
)

select
    {{ centra_int('id') }} as account_id,
    {{ centra_string('name') }} as account_name,
    {{ centra_string('status') }} as account_status,
    {{ centra_timestamp('created_at') }} as created_at,
    {{ centra_timestamp('updated_at') }} as updated_at,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_string('store_name') }} as store_name,
    {{ centra_int('market_id') }} as market_id,
    {{ centra_string('market_name') }} as market_name,
    {{ centra_int('pricelist_id') }} as pricelist_id,
    {{ centra_string('pricelist_name') }} as pricelist_name,
    {{ centra_number('discount_percent') }} as discount_percent,
    {{ centra_bool('is_discount_visible') }} as is_discount_visible,
    {{ centra_string('account_email') }} as account_email,
    {{ centra_string('billing_email') }} as billing_email,
    {{ centra_string('shipping_email') }} as shipping_email,
    {{ centra_string('vat_number') }} as vat_number,
    {{ centra_string('website_url') }} as website_url,
    {{ centra_string('external_id') }} as external_id,
    {{ centra_bool('allow_consignation') }} as allow_consignation,
    {{ centra_bool('apply_credit_limit') }} as apply_credit_limit,
    {{ centra_bool('block_if_unpaid_invoices') }} as block_if_unpaid_invoices,
    {{ centra_bool('has_brands_restriction') }} as has_brands_restriction,
    {{ centra_bool('is_internal') }} as is_internal,
    {{ centra_money('credit_limit') }} as credit_limit,
    {{ centra_string('currency') }} as currency,
    {{ centra_string('contact_first_name') }} as contact_first_name,
    {{ centra_string('contact_last_name') }} as contact_last_name,
    {{ centra_string('contact_email') }} as contact_email,
    {{ centra_string('contact_phone_number') }} as contact_phone_number,
    {{ centra_string('address1') }} as address1,
    {{ centra_string('address2') }} as address2,
    {{ centra_string('city') }} as city,
    {{ centra_string('zip_code') }} as zip_code,
    {{ centra_string('country_code') }} as country_code,
    {{ centra_string('billing_city') }} as billing_city,
    {{ centra_string('billing_country_code') }} as billing_country_code,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
