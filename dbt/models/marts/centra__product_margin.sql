-- One row per product × variant × size (SKU): units, revenue excl. tax, cost of goods, gross margin and the
-- margin after returns, in the base currency. Definitions: centra__product_margin.yml.
with margin as (
    select * from {{ ref('centra__order_line_margin') }}
)

select
    {{ centra_key(['line_type', 'product_id', 'variant_id', 'sku']) }} as product_size_key,
    line_type,
    product_id,
    variant_id,
    sku,
    max(product_number) as product_number,
    max(product_name) as product_name,
    max(variant_name) as variant_name,
    max(size) as size,
    max(brand) as brand,
    sum(units_sold) as units_sold,
    sum(units_returned) as units_returned,
    sum(allocated_units) as allocated_units,
    sum(estimated_units) as estimated_units,
    sum(case when cogs_base is null then units_sold else 0 end) as units_without_cogs,
    sum(revenue_ex_tax_base) as revenue_ex_tax_base,
    sum(case when cogs_base is not null then revenue_ex_tax_base else 0 end) as revenue_with_cogs_ex_tax_base,
    sum(net_revenue_ex_tax_base) as net_revenue_ex_tax_base,
    sum(case when cogs_base is not null then net_revenue_ex_tax_base else 0 end) as net_revenue_with_cogs_ex_tax_base,
    sum(cogs_base) as cogs_base,
    sum(estimated_cogs_base) as estimated_cogs_base,
    sum(net_cogs_base) as net_cogs_base,
    sum(gross_margin_base) as gross_margin_base,
    sum(return_adjusted_margin_base) as return_adjusted_margin_base,
    {{ centra_ratio('100 * sum(gross_margin_base)', 'sum(case when cogs_base is not null then revenue_ex_tax_base else 0 end)') }} as gross_margin_percent,
    {{ centra_ratio('100 * sum(return_adjusted_margin_base)', 'sum(case when cogs_base is not null then net_revenue_ex_tax_base else 0 end)') }} as return_adjusted_margin_percent
from margin
group by line_type, product_id, variant_id, sku
