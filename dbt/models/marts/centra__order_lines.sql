-- One row per order line, with net units and gross / discount / net revenue incl. and excl. tax,
-- in the order currency and the base currency. Metric definitions: centra__order_lines.yml.
with lines as (
    select * from {{ ref('stg_centra__order_items') }}
),

orders as (
    select order_id, line_values as order_line_values, discounts as order_discounts,
           discounts_base as order_discounts_base
    from {{ ref('stg_centra__orders') }}
),

shares as (
    select
        lines.*,
        -- the line's share of its order's order-level discount (vouchers): by line value
        coalesce({{ centra_ratio('lines.line_value', 'orders.order_line_values') }}, 0) as order_discount_share,
        -- amount excl. tax per amount incl. tax on this line
        coalesce({{ centra_ratio('lines.line_value_ex_tax', 'lines.line_value') }},
                 1 / (1 + coalesce(lines.tax_percent, 0) / 100)) as ex_tax_factor,
        -- the share of the units sold that came back
        coalesce({{ centra_ratio('lines.returned_quantity', 'lines.quantity') }}, 0) as returned_share,
        coalesce(orders.order_discounts, 0) as order_discounts,
        coalesce(orders.order_discounts_base, 0) as order_discounts_base
    from lines
    left join orders on orders.order_id = lines.order_id
),

amounts as (
    select
        *,
        line_value + discount_value as gross_revenue,
        line_value_base + discount_value_base as gross_revenue_base,
        discount_value as line_discount_amount,
        discount_value_base as line_discount_amount_base,
        order_discounts * order_discount_share as order_discount_amount,
        order_discounts_base * order_discount_share as order_discount_amount_base,
        line_value - order_discounts * order_discount_share as revenue_after_discounts,
        line_value_base - order_discounts_base * order_discount_share as revenue_after_discounts_base
    from shares
)

select
    order_line_key,
    order_id,
    line_id,
    order_number,
    order_status,
    ordered_at,
    {{ centra_date('ordered_at') }} as order_date,
    {{ centra_month('ordered_at') }} as order_month,
    store_id,
    store_name,
    store_type,
    market_id,
    market_name,
    pricelist_id,
    pricelist_name,
    shipping_country_code,
    currency,
    base_currency,
    currency_base_rate,
    customer_email,
    line_type,
    product_id,
    product_number,
    product_name,
    variant_id,
    variant_name,
    size,
    sku,
    ean,
    brand,
    tax_percent,
    discount_percent,
    unit_original_price,
    unit_price,

    original_quantity as units_ordered,
    cancelled_quantity as units_cancelled,
    quantity as units_sold,
    returned_quantity as units_returned,
    original_quantity - cancelled_quantity - returned_quantity as net_units,

    {{ centra_amount('gross_revenue') }} as gross_revenue,
    {{ centra_amount('line_discount_amount') }} as line_discount_amount,
    {{ centra_amount('order_discount_amount') }} as order_discount_amount,
    {{ centra_amount('line_discount_amount + order_discount_amount') }} as discount_amount,
    {{ centra_amount('revenue_after_discounts') }} as revenue_after_discounts,
    {{ centra_amount('revenue_after_discounts * returned_share') }} as returned_revenue,
    {{ centra_amount('revenue_after_discounts * (1 - returned_share)') }} as net_revenue,

    {{ centra_amount('gross_revenue * ex_tax_factor') }} as gross_revenue_ex_tax,
    {{ centra_amount('(line_discount_amount + order_discount_amount) * ex_tax_factor') }} as discount_amount_ex_tax,
    {{ centra_amount('revenue_after_discounts * ex_tax_factor') }} as revenue_after_discounts_ex_tax,
    {{ centra_amount('revenue_after_discounts * returned_share * ex_tax_factor') }} as returned_revenue_ex_tax,
    {{ centra_amount('revenue_after_discounts * (1 - returned_share) * ex_tax_factor') }} as net_revenue_ex_tax,

    {{ centra_amount('gross_revenue_base') }} as gross_revenue_base,
    {{ centra_amount('line_discount_amount_base') }} as line_discount_amount_base,
    {{ centra_amount('order_discount_amount_base') }} as order_discount_amount_base,
    {{ centra_amount('line_discount_amount_base + order_discount_amount_base') }} as discount_amount_base,
    {{ centra_amount('revenue_after_discounts_base') }} as revenue_after_discounts_base,
    {{ centra_amount('revenue_after_discounts_base * returned_share') }} as returned_revenue_base,
    {{ centra_amount('revenue_after_discounts_base * (1 - returned_share)') }} as net_revenue_base,

    {{ centra_amount('gross_revenue_base * ex_tax_factor') }} as gross_revenue_ex_tax_base,
    {{ centra_amount('(line_discount_amount_base + order_discount_amount_base) * ex_tax_factor') }} as discount_amount_ex_tax_base,
    {{ centra_amount('revenue_after_discounts_base * ex_tax_factor') }} as revenue_after_discounts_ex_tax_base,
    {{ centra_amount('revenue_after_discounts_base * returned_share * ex_tax_factor') }} as returned_revenue_ex_tax_base,
    {{ centra_amount('revenue_after_discounts_base * (1 - returned_share) * ex_tax_factor') }} as net_revenue_ex_tax_base
from amounts
