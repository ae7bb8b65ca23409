-- One row per product × variant × size (SKU): units sold and returned, return rate, returned value,
-- in the base currency (so every currency adds up). Metric definitions: centra__product_returns.yml.
-- Centra has no return reason (its public docs show none), so there is no reason breakdown.
with sold as (
    select
        {{ centra_key(['line_type', 'product_id', 'variant_id', 'sku']) }} as product_size_key,
        line_type, product_id, variant_id, sku,
        product_number, product_name, variant_name, size, ean, brand,
        order_id,
        units_sold,
        revenue_after_discounts_base,
        0 as units_returned,
        {{ centra_amount('0') }} as returned_revenue_base,
        {{ centra_amount('0') }} as return_line_value_base,
        {{ dbt.cast('null', dbt.type_bigint()) }} as return_id
    from {{ ref('centra__order_lines') }}
),

returned as (
    select
        {{ centra_key(['line_type', 'product_id', 'variant_id', 'sku']) }} as product_size_key,
        line_type, product_id, variant_id, sku,
        product_number, product_name, variant_name, size, ean, brand,
        {{ dbt.cast('null', dbt.type_string()) }} as order_id,
        0 as units_sold,
        {{ centra_amount('0') }} as revenue_after_discounts_base,
        units_returned,
        returned_revenue_base,
        return_line_value_base,
        return_id
    from {{ ref('centra__return_lines') }}
),

unioned as (
    select * from sold
    union all
    select * from returned
),

summed as (
    select
        product_size_key,
        max(line_type) as line_type,
        max(product_id) as product_id,
        max(variant_id) as variant_id,
        max(sku) as sku,
        max(product_number) as product_number,
        max(product_name) as product_name,
        max(variant_name) as variant_name,
        max(size) as size,
        max(ean) as ean,
        max(brand) as brand,
        count(distinct order_id) as orders,
        sum(units_sold) as units_sold,
        sum(units_returned) as units_returned,
        count(distinct return_id) as returns,
        sum(revenue_after_discounts_base) as revenue_after_discounts_base,
        sum(returned_revenue_base) as returned_revenue_base,
        sum(return_line_value_base) as return_line_value_base
    from unioned
    group by product_size_key
)

select
    *,
    {{ centra_ratio('units_returned', 'units_sold') }} as return_rate,
    {{ centra_ratio('returned_revenue_base', 'revenue_after_discounts_base') }} as value_return_rate
from summed
