-- One row per SKU (product size) × warehouse: free-to-allocate stock against the units sold in the
-- trailing window (var centra_stock_cover_days, 28), as days of cover. Definitions: centra__stock_cover.yml.
{%- set days = var('centra_stock_cover_days') %}
with stock as (
    select * from {{ ref('stg_centra__stock') }}
),

lines as (
    select * from {{ ref('centra__order_lines') }}
),

as_of as (
    select
        {%- if var('centra_stock_cover_as_of', none) %}
        {{ dbt.cast("'" ~ var('centra_stock_cover_as_of') ~ "'", dbt.type_timestamp()) }} as as_of_at
        {%- else %}
        max(ordered_at) as as_of_at
        {%- endif %}
    from lines
),

sold as (
    select
        lines.sku,
        sum(lines.units_sold) as units_sold_in_window,
        max(lines.product_name) as product_name,
        max(lines.variant_name) as variant_name,
        max(lines.size) as size_name
    from lines
    cross join as_of
    where lines.ordered_at > {{ dbt.cast(dbt.dateadd('day', -days, 'as_of.as_of_at'), dbt.type_timestamp()) }}
      and lines.ordered_at <= as_of.as_of_at
      and lines.sku is not null
    group by lines.sku
),

names as (
    select sku, max(product_name) as product_name, max(variant_name) as variant_name, max(size) as size_name
    from lines
    where sku is not null
    group by sku
),

sku_stock as (
    select sku, sum(free_to_allocate_quantity) as sku_free_to_allocate_quantity
    from stock
    group by sku
),

warehouses as (
    select warehouse_id, warehouse_name, warehouse_status from {{ ref('stg_centra__warehouses') }}
)

select
    stock.stock_key,
    stock.warehouse_id,
    coalesce(warehouses.warehouse_name, stock.warehouse_name) as warehouse_name,
    warehouses.warehouse_status,
    stock.product_id,
    stock.variant_id,
    stock.size_id,
    stock.sku,
    stock.ean,
    coalesce(sold.product_name, names.product_name) as product_name,
    coalesce(sold.variant_name, names.variant_name) as variant_name,
    coalesce(stock.size, sold.size_name, names.size_name) as size,
    stock.synced_at as stock_synced_at,
    as_of.as_of_at as sales_window_end_at,
    {{ days }} as sales_window_days,
    stock.free_to_allocate_quantity,
    stock.physical_quantity,
    stock.allocated_quantity,
    stock.incoming_quantity,
    coalesce(sold.units_sold_in_window, 0) as units_sold_in_window,
    {{ centra_ratio('coalesce(sold.units_sold_in_window, 0)', days) }} as units_sold_per_day,
    {{ centra_ratio('stock.free_to_allocate_quantity * ' ~ days, 'sold.units_sold_in_window') }} as stock_cover_days,
    sku_stock.sku_free_to_allocate_quantity,
    {{ centra_ratio('sku_stock.sku_free_to_allocate_quantity * ' ~ days, 'sold.units_sold_in_window') }} as sku_stock_cover_days,
    stock.free_to_allocate_quantity <= 0 as is_out_of_stock
from stock
cross join as_of
left join sold on sold.sku = stock.sku
left join names on names.sku = stock.sku
left join sku_stock on sku_stock.sku = stock.sku
left join warehouses on warehouses.warehouse_id = stock.warehouse_id
