-- Σ orders and discount given over the voucher codes = the counted orders with codes, each counted
-- once per code it carries. Rows returned = measures that do not reconcile.
{%- set tolerance = var('centra_reconciliation_tolerance') %}
with order_codes as (
    select orders.order_id, orders.order_discount_amount_base
    from {{ ref('centra__orders') }} as orders
    {{ centra_unnest_json_strings('orders.voucher_codes', 'codes') }}
    where orders.is_counted
),
expected as (
    select count(*) as order_codes, coalesce(sum(order_discount_amount_base), 0) as discount_base from order_codes
),
vouchers as (
    select coalesce(sum(orders), 0) as order_codes, coalesce(sum(order_discount_amount_base), 0) as discount_base
    from {{ ref('centra__voucher_performance') }}
)
select *
from expected cross join vouchers
where expected.order_codes <> vouchers.order_codes
   or abs(expected.discount_base - vouchers.discount_base) > {{ tolerance }}
