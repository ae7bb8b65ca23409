-- One row per monthly cohort (month of the customers' first order) × order month: active customers,
-- retention, orders, net revenue and cumulative value per customer. Definitions: centra__customer_cohorts.yml.
with orders as (
    select customer_key, order_month, net_revenue_base
    from {{ ref('centra__orders') }}
    where is_counted and customer_key is not null
),

firsts as (
    select customer_key, min(order_month) as cohort_month
    from orders
    group by customer_key
),

sizes as (
    select cohort_month, count(*) as cohort_customers
    from firsts
    group by cohort_month
),

activity as (
    select
        firsts.cohort_month,
        orders.order_month,
        count(distinct orders.customer_key) as active_customers,
        count(*) as orders,
        sum(orders.net_revenue_base) as net_revenue_base
    from orders
    join firsts on firsts.customer_key = orders.customer_key
    group by firsts.cohort_month, orders.order_month
)

select
    {{ centra_key(['activity.cohort_month', 'activity.order_month']) }} as cohort_month_key,
    activity.cohort_month,
    activity.order_month,
    {{ dbt.datediff('activity.cohort_month', 'activity.order_month', 'month') }} as months_since_first_order,
    sizes.cohort_customers,
    activity.active_customers,
    activity.orders,
    {{ centra_amount('activity.net_revenue_base') }} as net_revenue_base,
    {{ centra_amount('sum(activity.net_revenue_base) over (partition by activity.cohort_month order by activity.order_month rows between unbounded preceding and current row)') }} as cumulative_net_revenue_base,
    {{ centra_ratio('activity.active_customers', 'sizes.cohort_customers') }} as retention_rate,
    {{ centra_ratio('sum(activity.net_revenue_base) over (partition by activity.cohort_month order by activity.order_month rows between unbounded preceding and current row)', 'sizes.cohort_customers') }} as cumulative_value_per_customer_base
from activity
join sizes on sizes.cohort_month = activity.cohort_month
