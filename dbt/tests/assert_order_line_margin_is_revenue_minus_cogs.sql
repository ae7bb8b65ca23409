-- Per order line (centra__order_line_margin): cost of goods = allocated + estimated; gross margin = revenue −
-- cost of goods; return-adjusted margin = net revenue − net cost of goods; a cost for every line whose source
-- says it has one. Rows returned = lines that do not add up.
{%- set tolerance = var('centra_reconciliation_tolerance') %}
with margin as (
    select * from {{ ref('centra__order_line_margin') }}
)

select order_line_key, 'cogs = allocated + estimated' as check_name
from margin
where cogs_base is not null and abs(cogs_base - allocated_cogs_base - coalesce(estimated_cogs_base, 0)) > {{ tolerance }}
union all
select order_line_key, 'gross margin = revenue - cogs'
from margin
where cogs_base is not null and abs(gross_margin_base - (revenue_ex_tax_base - cogs_base)) > {{ tolerance }}
union all
select order_line_key, 'return-adjusted margin = net revenue - net cogs'
from margin
where cogs_base is not null
  and abs(return_adjusted_margin_base - (net_revenue_ex_tax_base - net_cogs_base)) > {{ tolerance }}
union all
select order_line_key, 'returned cogs credited back'
from margin
where cogs_base is not null and abs(net_cogs_base + returned_cogs_base - cogs_base) > {{ tolerance }}
union all
select order_line_key, 'a cost for every costed line'
from margin
where (cogs_base is null) <> (cogs_source = 'unavailable')
