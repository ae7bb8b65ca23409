-- Customers and cohorts add up to the orders they come from: Σ customers' orders and lifetime value =
-- the counted orders with a customer; Σ cohort orders and net revenue = the same; Σ cohort sizes =
-- the customers with orders. Rows returned = measures that do not reconcile.
{%- set tolerance = var('centra_reconciliation_tolerance') %}
with orders as (
    select count(*) as orders, sum(net_revenue_base) as net_revenue_base, count(distinct customer_key) as customers
    from {{ ref('centra__orders') }}
    where is_counted and customer_key is not null
),
customers as (
    select sum(orders) as orders, sum(lifetime_value_base) as net_revenue_base,
           sum(case when orders > 0 then 1 else 0 end) as customers
    from {{ ref('centra__customers') }}
),
cohorts as (
    select sum(orders) as orders, sum(net_revenue_base) as net_revenue_base
    from {{ ref('centra__customer_cohorts') }}
),
cohort_sizes as (
    select sum(cohort_customers) as customers
    from (select distinct cohort_month, cohort_customers from {{ ref('centra__customer_cohorts') }}) as sizes
)
select *
from orders cross join customers cross join cohorts cross join cohort_sizes
where orders.orders <> coalesce(customers.orders, 0)
   or orders.orders <> coalesce(cohorts.orders, 0)
   or orders.customers <> coalesce(customers.customers, 0)
   or orders.customers <> coalesce(cohort_sizes.customers, 0)
   or abs(orders.net_revenue_base - coalesce(customers.net_revenue_base, 0)) > {{ tolerance }}
   or abs(orders.net_revenue_base - coalesce(cohorts.net_revenue_base, 0)) > {{ tolerance }}
