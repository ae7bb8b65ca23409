-- One invoice with its lines (cost of goods) and payments nested: typed, renamed, one row per primary key (id; latest _airbyte_extracted_at wins).
-- An optional stream (a permission beyond Supermetrics'): without its table this model is empty.
with latest as (
    {{ centra_latest('invoices', ['id'], cursor='updated_at',
        columns=['id', 'number', 'type', 'status', 'is_draft', 'created_at', 'updated_at', 'due_date', 'order_date', 'is_overdue', 'purchase_order_number', 'our_reference', 'pdf_url', 'store_id', 'store_name', 'account_id', 'account_name', 'billing_country_code', 'order_ids', 'shipment_ids', 'currency', 'currency_base_rate', 'base_currency', 'total', 'total_ex_tax', 'paid_amount', 'total_base', 'total_ex_tax_base', 'paid_amount_base', 'lines', 'payments']) }}
)

select
    {{ centra_int('id') }} as invoice_id,
    {{ centra_int('number') }} as invoice_number,
    {{ centra_string('type') }} as invoice_type,
    {{ centra_string('status') }} as invoice_status,
    {{ centra_bool('is_draft') }} as is_draft,
    {{ centra_timestamp('created_at') }} as created_at,
    {{ centra_timestamp('updated_at') }} as updated_at,
    {{ dbt.safe_cast('due_date', 'date') }} as due_date,
    {{ dbt.safe_cast('order_date', 'date') }} as invoice_order_date,
    {{ centra_bool('is_overdue') }} as is_overdue,
    {{ centra_string('purchase_order_number') }} as purchase_order_number,
    {{ centra_string('our_reference') }} as our_reference,
    {{ centra_string('pdf_url') }} as pdf_url,
    {{ centra_int('store_id') }} as store_id,
    {{ centra_string('store_name') }} as store_name,
    {{ centra_int('account_id') }} as account_id,
    {{ centra_string('account_name') }} as account_name,
    {{ centra_string('billing_country_code') }} as billing_country_code,
    order_ids as order_ids,
    shipment_ids as shipment_ids,
    {{ centra_string('currency') }} as currency,
    {{ centra_number('currency_base_rate') }} as currency_base_rate,
    {{ centra_string('base_currency') }} as base_currency,
    {{ centra_money('total') }} as total,
    {{ centra_money('total_ex_tax') }} as total_ex_tax,
    {{ centra_money('paid_amount') }} as paid_amount,
    {{ centra_money('total_base') }} as total_base,
    {{ centra_money('total_ex_tax_base') }} as total_ex_tax_base,
    {{ centra_money('paid_amount_base') }} as paid_amount_base,
    lines as lines,
    payments as payments,
    _airbyte_raw_id,
    _airbyte_extracted_at
from latest
