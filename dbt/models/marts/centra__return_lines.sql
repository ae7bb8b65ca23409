-- One row per return line, valued at the price the customer paid (after line and order discounts),
-- with its return date and its order date. Metric definitions: centra__return_lines.yml.
with returns as (
    select * from {{ ref('stg_centra__return_items') }}
),

order_lines as (
    select
        order_line_key,
        units_sold,
        {{ centra_ratio('revenue_after_discounts', 'units_sold') }} as paid_unit_price,
        {{ centra_ratio('revenue_after_discounts_ex_tax', 'units_sold') }} as paid_unit_price_ex_tax,
        {{ centra_ratio('revenue_after_discounts_base', 'units_sold') }} as paid_unit_price_base,
        {{ centra_ratio('revenue_after_discounts_ex_tax_base', 'units_sold') }} as paid_unit_price_ex_tax_base
    from {{ ref('centra__order_lines') }}
)

select
    returns.return_line_key,
    returns.return_id,
    returns.return_line_id,
    returns.return_status,
    -- COMPLETED is the only status read as done: any other (PENDING, one Centra adds, null) is open
    coalesce(returns.return_status = 'COMPLETED', false) as is_completed,
    not coalesce(returns.return_status = 'COMPLETED', false) as is_open,
    returns.returned_to_stock,
    returns.return_created_at,
    {{ centra_date('returns.return_created_at') }} as return_date,
    {{ centra_month('returns.return_created_at') }} as return_month,
    returns.ordered_at,
    {{ centra_date('returns.ordered_at') }} as order_date,
    {{ centra_month('returns.ordered_at') }} as order_month,
    returns.order_id,
    returns.order_number,
    returns.order_line_id,
    returns.order_line_key,
    returns.shipment_line_id,
    returns.store_id,
    returns.store_name,
    returns.store_type,
    returns.market_id,
    returns.market_name,
    returns.shipping_country_code,
    returns.currency,
    returns.base_currency,
    returns.currency_base_rate,
    returns.line_type,
    returns.product_id,
    returns.product_number,
    returns.product_name,
    returns.variant_id,
    returns.variant_name,
    returns.size,
    returns.sku,
    returns.ean,
    returns.brand,
    returns.quantity as units_returned,
    {{ centra_amount('coalesce(returns.quantity * order_lines.paid_unit_price, returns.line_value)') }} as returned_revenue,
    {{ centra_amount('coalesce(returns.quantity * order_lines.paid_unit_price_ex_tax, returns.line_value_ex_tax)') }} as returned_revenue_ex_tax,
    {{ centra_amount('coalesce(returns.quantity * order_lines.paid_unit_price_base, returns.line_value_base)') }} as returned_revenue_base,
    {{ centra_amount('coalesce(returns.quantity * order_lines.paid_unit_price_ex_tax_base, returns.line_value_ex_tax_base)') }} as returned_revenue_ex_tax_base,
    returns.line_value as return_line_value,
    returns.line_value_ex_tax as return_line_value_ex_tax,
    returns.line_value_base as return_line_value_base,
    returns.line_value_ex_tax_base as return_line_value_ex_tax_base
from returns
left join order_lines on order_lines.order_line_key = returns.order_line_key
