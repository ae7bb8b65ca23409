-- One row per customer (by customer_email): lifetime value, first / last order, order count,
-- cohort month; with the customers stream's record where one matches. Definitions: centra__customers.yml.
with orders as (
    select * from {{ ref('centra__orders') }}
    where is_counted and customer_key is not null
),

per_customer as (
    select
        customer_key,
        count(*) as orders,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at,
        sum(units_sold) as units_sold,
        sum(net_units) as net_units,
        sum(gross_revenue_base) as gross_revenue_base,
        sum(discount_amount_base) as discount_amount_base,
        sum(revenue_after_discounts_base) as revenue_after_discounts_base,
        sum(returned_revenue_base) as returned_revenue_base,
        sum(net_revenue_base) as net_revenue_base,
        sum(net_revenue_ex_tax_base) as net_revenue_ex_tax_base,
        count(distinct currency) as currencies
    from orders
    group by customer_key
),

first_orders as (
    select customer_key, store_id as first_order_store_id, market_id as first_order_market_id,
           shipping_country_code as first_order_country_code
    from orders
    where customer_order_sequence = 1
),

records as (
    select
        *,
        coalesce(nullif(lower(trim(customer_email)), ''),
                 {{ dbt.concat(["'customer_id:'", dbt.cast('customer_id', dbt.type_string())]) }}) as customer_key,
        row_number() over (
            partition by coalesce(nullif(lower(trim(customer_email)), ''), {{ dbt.cast('customer_id', dbt.type_string()) }})
            order by created_at, customer_id
        ) as record_number,
        count(*) over (
            partition by coalesce(nullif(lower(trim(customer_email)), ''), {{ dbt.cast('customer_id', dbt.type_string()) }})
        ) as customer_records
    from {{ ref('stg_centra__customers') }}
),

customer_records as (
    select * from records where record_number = 1
),

all_customers as (
    select customer_key
    from (
        select customer_key from per_customer
        union all
        select customer_key from customer_records
    ) as keys
    group by customer_key
)

select
    all_customers.customer_key,
    customer_records.customer_id,
    coalesce(customer_records.customer_records, 0) as customer_records,
    customer_records.customer_status,
    customer_records.is_registered,
    customer_records.created_at as customer_created_at,
    customer_records.store_id as customer_store_id,
    customer_records.market_id as customer_market_id,
    customer_records.billing_country_code,
    customer_records.total_orders as centra_total_orders,
    first_orders.first_order_store_id,
    first_orders.first_order_market_id,
    first_orders.first_order_country_code,
    per_customer.first_order_at,
    per_customer.last_order_at,
    {{ centra_date('per_customer.first_order_at') }} as first_order_date,
    {{ centra_date('per_customer.last_order_at') }} as last_order_date,
    {{ centra_month('per_customer.first_order_at') }} as cohort_month,
    {{ dbt.datediff('per_customer.first_order_at', 'per_customer.last_order_at', 'day') }} as days_first_to_last_order,
    coalesce(per_customer.orders, 0) as orders,
    coalesce(per_customer.orders, 0) > 1 as is_repeat_customer,
    coalesce(per_customer.units_sold, 0) as units_sold,
    coalesce(per_customer.net_units, 0) as net_units,
    coalesce(per_customer.currencies, 0) as currencies,
    {{ centra_amount('coalesce(per_customer.gross_revenue_base, 0)') }} as gross_revenue_base,
    {{ centra_amount('coalesce(per_customer.discount_amount_base, 0)') }} as discount_amount_base,
    {{ centra_amount('coalesce(per_customer.revenue_after_discounts_base, 0)') }} as revenue_after_discounts_base,
    {{ centra_amount('coalesce(per_customer.returned_revenue_base, 0)') }} as returned_revenue_base,
    {{ centra_amount('coalesce(per_customer.net_revenue_base, 0)') }} as lifetime_value_base,
    {{ centra_amount('coalesce(per_customer.net_revenue_ex_tax_base, 0)') }} as lifetime_value_ex_tax_base,
    {{ centra_ratio('per_customer.revenue_after_discounts_base', 'per_customer.orders') }} as average_order_value_base
from all_customers
left join per_customer on per_customer.customer_key = all_customers.customer_key
left join first_orders on first_orders.customer_key = all_customers.customer_key
left join customer_records on customer_records.customer_key = all_customers.customer_key
