-- One row per order: totals, net value, new vs repeat customer (by customer_email). Metric
-- definitions: centra__orders.yml.
with orders as (
    select * from {{ ref('stg_centra__orders') }}
),

lines as (
    select
        order_id,
        count(*) as lines,
        sum(units_sold) as units_sold,
        sum(units_returned) as units_returned,
        sum(net_units) as net_units,
        sum(gross_revenue) as gross_revenue,
        sum(discount_amount) as discount_amount,
        sum(returned_revenue) as returned_revenue,
        sum(revenue_after_discounts_ex_tax) as revenue_after_discounts_ex_tax,
        sum(returned_revenue_ex_tax) as returned_revenue_ex_tax,
        sum(gross_revenue_base) as gross_revenue_base,
        sum(discount_amount_base) as discount_amount_base,
        sum(returned_revenue_base) as returned_revenue_base,
        sum(revenue_after_discounts_ex_tax_base) as revenue_after_discounts_ex_tax_base,
        sum(returned_revenue_ex_tax_base) as returned_revenue_ex_tax_base
    from {{ ref('centra__order_lines') }}
    group by order_id
),

counted as (
    select
        orders.*,
        nullif(lower(trim(orders.customer_email)), '') as customer_key,
        coalesce(orders.quantity, 0) > 0 as is_counted
    from orders
),

sequenced as (
    select
        order_id,
        row_number() over (partition by customer_key order by ordered_at, order_number) as customer_order_sequence
    from counted
    where is_counted and customer_key is not null
)

select
    counted.order_id,
    counted.order_number,
    counted.order_status,
    counted.ordered_at,
    {{ centra_date('counted.ordered_at') }} as order_date,
    {{ centra_month('counted.ordered_at') }} as order_month,
    counted.store_id,
    counted.store_name,
    counted.store_type,
    counted.market_id,
    counted.market_name,
    counted.pricelist_id,
    counted.pricelist_name,
    counted.shipping_country_code,
    counted.currency,
    counted.base_currency,
    counted.currency_base_rate,
    counted.customer_email,
    counted.customer_key,
    counted.voucher_codes,
    counted.is_counted,
    sequenced.customer_order_sequence,
    case
        when not counted.is_counted then null
        when counted.customer_key is null then 'unknown'
        when sequenced.customer_order_sequence = 1 then 'new'
        else 'repeat'
    end as customer_type,

    coalesce(lines.lines, 0) as lines,
    counted.original_quantity as units_ordered,
    counted.cancelled_quantity as units_cancelled,
    counted.quantity as units_sold,
    coalesce(lines.units_returned, 0) as units_returned,
    counted.quantity - coalesce(lines.units_returned, 0) as net_units,

    counted.line_values as items_value,
    counted.discounts as order_discount_amount,
    counted.shipping,
    counted.handling,
    counted.grand_total,
    counted.grand_total_ex_tax,
    {{ centra_amount('coalesce(lines.gross_revenue, 0)') }} as gross_revenue,
    {{ centra_amount('coalesce(lines.discount_amount, 0)') }} as discount_amount,
    {{ centra_amount('counted.line_values - counted.discounts') }} as revenue_after_discounts,
    {{ centra_amount('coalesce(lines.returned_revenue, 0)') }} as returned_revenue,
    {{ centra_amount('counted.line_values - counted.discounts - coalesce(lines.returned_revenue, 0)') }} as net_revenue,
    {{ centra_amount('coalesce(lines.revenue_after_discounts_ex_tax, 0)') }} as revenue_after_discounts_ex_tax,
    {{ centra_amount('coalesce(lines.revenue_after_discounts_ex_tax, 0) - coalesce(lines.returned_revenue_ex_tax, 0)') }} as net_revenue_ex_tax,

    counted.line_values_base as items_value_base,
    counted.discounts_base as order_discount_amount_base,
    counted.shipping_base,
    counted.handling_base,
    counted.grand_total_base,
    counted.grand_total_ex_tax_base,
    {{ centra_amount('coalesce(lines.gross_revenue_base, 0)') }} as gross_revenue_base,
    {{ centra_amount('coalesce(lines.discount_amount_base, 0)') }} as discount_amount_base,
    {{ centra_amount('counted.line_values_base - counted.discounts_base') }} as revenue_after_discounts_base,
    {{ centra_amount('coalesce(lines.returned_revenue_base, 0)') }} as returned_revenue_base,
    {{ centra_amount('counted.line_values_base - counted.discounts_base - coalesce(lines.returned_revenue_base, 0)') }} as net_revenue_base,
    {{ centra_amount('coalesce(lines.revenue_after_discounts_ex_tax_base, 0)') }} as revenue_after_discounts_ex_tax_base,
    {{ centra_amount('coalesce(lines.revenue_after_discounts_ex_tax_base, 0) - coalesce(lines.returned_revenue_ex_tax_base, 0)') }} as net_revenue_ex_tax_base
from counted
left join sequenced on sequenced.order_id = counted.order_id
left join lines on lines.order_id = counted.order_id
