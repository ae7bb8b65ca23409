-- One row per voucher code: the orders that carry it (orders.voucher_codes), the discount given and
-- the net revenue, in the base currency; with the vouchers stream's record. Definitions: centra__voucher_performance.yml.
with orders as (
    select * from {{ ref('centra__orders') }}
    where is_counted
),

order_codes as (
    select orders.order_id, {{ centra_json_string_element('codes') }} as voucher_code
    from orders
    {{ centra_unnest_json_strings('orders.voucher_codes', 'codes') }}
),

code_counts as (
    select order_id, count(*) as codes_on_order
    from order_codes
    group by order_id
),

used as (
    select
        order_codes.voucher_code,
        count(*) as orders,
        count(distinct orders.customer_key) as customers,
        sum(case when orders.customer_type = 'new' then 1 else 0 end) as new_customer_orders,
        sum(case when code_counts.codes_on_order > 1 then 1 else 0 end) as orders_with_other_codes,
        min(orders.ordered_at) as first_used_at,
        max(orders.ordered_at) as last_used_at,
        sum(orders.units_sold) as units_sold,
        sum(orders.gross_revenue_base) as gross_revenue_base,
        sum(orders.order_discount_amount_base) as order_discount_amount_base,
        sum(orders.discount_amount_base) as discount_amount_base,
        sum(orders.revenue_after_discounts_base) as revenue_after_discounts_base,
        sum(orders.returned_revenue_base) as returned_revenue_base,
        sum(orders.net_revenue_base) as net_revenue_base
    from order_codes
    join orders on orders.order_id = order_codes.order_id
    join code_counts on code_counts.order_id = order_codes.order_id
    group by order_codes.voucher_code
),

vouchers as (
    select * from (
        select
            *,
            row_number() over (partition by voucher_code order by voucher_id) as record_number,
            count(*) over (partition by voucher_code) as voucher_records
        from {{ ref('stg_centra__vouchers') }}
        where voucher_code is not null
    ) as numbered
    where record_number = 1
),

codes as (
    select voucher_code
    from (
        select voucher_code from used
        union all
        select voucher_code from vouchers
    ) as all_codes
    group by voucher_code
)

select
    codes.voucher_code,
    vouchers.voucher_id,
    coalesce(vouchers.voucher_records, 0) as voucher_records,
    vouchers.voucher_name,
    vouchers.voucher_method,
    vouchers.voucher_type,
    vouchers.voucher_status,
    vouchers.store_id,
    vouchers.start_at,
    vouchers.stop_at,
    vouchers.successful_usages as centra_successful_usages,
    used.first_used_at,
    used.last_used_at,
    coalesce(used.orders, 0) as orders,
    coalesce(used.customers, 0) as customers,
    coalesce(used.new_customer_orders, 0) as new_customer_orders,
    coalesce(used.orders_with_other_codes, 0) as orders_with_other_codes,
    coalesce(used.units_sold, 0) as units_sold,
    {{ centra_amount('coalesce(used.gross_revenue_base, 0)') }} as gross_revenue_base,
    {{ centra_amount('coalesce(used.order_discount_amount_base, 0)') }} as order_discount_amount_base,
    {{ centra_amount('coalesce(used.discount_amount_base, 0)') }} as discount_amount_base,
    {{ centra_amount('coalesce(used.revenue_after_discounts_base, 0)') }} as revenue_after_discounts_base,
    {{ centra_amount('coalesce(used.returned_revenue_base, 0)') }} as returned_revenue_base,
    {{ centra_amount('coalesce(used.net_revenue_base, 0)') }} as net_revenue_base,
    {{ centra_ratio('used.revenue_after_discounts_base', 'used.orders') }} as average_order_value_base,
    {{ centra_ratio('used.order_discount_amount_base', 'used.gross_revenue_base') }} as discount_rate
from codes
left join used on used.voucher_code = codes.voucher_code
left join vouchers on vouchers.voucher_code = codes.voucher_code
