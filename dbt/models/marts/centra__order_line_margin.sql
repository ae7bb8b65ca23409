-- One row per order line: revenue excl. tax, cost of goods (Centra's allocations, else an estimate), gross
-- margin and the margin after returns, in the base currency. Definitions: centra__order_line_margin.yml.
with lines as (
    select * from {{ ref('centra__order_lines') }}
),

current_items as (
    select order_line_key, order_updated_at from {{ ref('stg_centra__order_items') }}
),

-- the allocations read with the order line's latest version: one Centra removed drops out with its older read
allocations as (
    select
        allocations.order_line_key,
        sum(allocations.quantity) as allocated_units,
        sum(allocations.quantity * allocations.unit_cost_base) as allocated_cogs_base,
        sum(case when allocations.unit_cost_base is null then allocations.quantity else 0 end) as allocated_units_without_cost
    from {{ ref('stg_centra__order_item_allocations') }} as allocations
    inner join current_items
        on current_items.order_line_key = allocations.order_line_key
        and current_items.order_updated_at = allocations.order_updated_at
    group by allocations.order_line_key
),

-- the latest purchase cost of each SKU: stock-change lines that booked units in with a cost and did not come
-- back from a return (deliveries), newest first
booked_in as (
    select
        sku,
        unit_cost_base,
        row_number() over (partition by sku order by created_at desc, stock_change_line_id desc) as newest
    from {{ ref('stg_centra__stock_changes') }}
    where delivered_quantity > 0 and unit_cost_base is not null and created_from_shipment_line_id is null
        and sku is not null
),

latest_cost as (
    select sku, unit_cost_base as estimated_unit_cost_base from booked_in where newest = 1
),

costed as (
    select
        lines.*,
        coalesce(allocations.allocated_units, 0) as allocated_units,
        coalesce(allocations.allocated_cogs_base, 0) as allocated_cogs_base,
        coalesce(allocations.allocated_units_without_cost, 0) as allocated_units_without_cost,
        latest_cost.estimated_unit_cost_base,
        case when lines.units_sold > coalesce(allocations.allocated_units, 0)
             then lines.units_sold - coalesce(allocations.allocated_units, 0) else 0 end as estimated_units
    from lines
    left join allocations on allocations.order_line_key = lines.order_line_key
    left join latest_cost on latest_cost.sku = lines.sku
),

sourced as (
    select
        *,
        case
            when units_sold = 0 then 'none'
            when allocated_units_without_cost > 0 then 'unavailable'
            when estimated_units = 0 then 'allocated'
            when estimated_unit_cost_base is null then 'unavailable'
            when allocated_units = 0 then 'estimated'
            else 'mixed'
        end as cogs_source
    from costed
),

amounts as (
    select
        *,
        case when cogs_source = 'unavailable' then null
             else allocated_cogs_base + estimated_units * coalesce(estimated_unit_cost_base, 0) end as cogs_base,
        case when cogs_source in ('estimated', 'mixed') then estimated_units * estimated_unit_cost_base
             when cogs_source = 'unavailable' then null else 0 end as estimated_cogs_base,
        coalesce({{ centra_ratio('units_returned', 'units_sold') }}, 0) as returned_share
    from sourced
)

select
    order_line_key,
    order_id,
    line_id,
    order_number,
    order_status,
    ordered_at,
    order_date,
    order_month,
    store_id,
    store_name,
    store_type,
    market_id,
    market_name,
    shipping_country_code,
    currency,
    base_currency,
    line_type,
    product_id,
    product_number,
    product_name,
    variant_id,
    variant_name,
    size,
    sku,
    brand,
    units_sold,
    units_returned,
    allocated_units,
    estimated_units,
    cogs_source,
    estimated_unit_cost_base,
    {{ centra_amount('revenue_after_discounts_ex_tax_base') }} as revenue_ex_tax_base,
    {{ centra_amount('returned_revenue_ex_tax_base') }} as returned_revenue_ex_tax_base,
    {{ centra_amount('net_revenue_ex_tax_base') }} as net_revenue_ex_tax_base,
    {{ centra_amount('allocated_cogs_base') }} as allocated_cogs_base,
    {{ centra_amount('estimated_cogs_base') }} as estimated_cogs_base,
    {{ centra_amount('cogs_base') }} as cogs_base,
    {{ centra_amount('cogs_base * returned_share') }} as returned_cogs_base,
    {{ centra_amount('cogs_base * (1 - returned_share)') }} as net_cogs_base,
    {{ centra_amount('revenue_after_discounts_ex_tax_base - cogs_base') }} as gross_margin_base,
    {{ centra_ratio('100 * (revenue_after_discounts_ex_tax_base - cogs_base)', 'revenue_after_discounts_ex_tax_base') }} as gross_margin_percent,
    {{ centra_amount('net_revenue_ex_tax_base - cogs_base * (1 - returned_share)') }} as return_adjusted_margin_base,
    {{ centra_ratio('100 * (net_revenue_ex_tax_base - cogs_base * (1 - returned_share))', 'net_revenue_ex_tax_base') }} as return_adjusted_margin_percent
from amounts
