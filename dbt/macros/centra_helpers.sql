{#- Helpers of the staging models: typing with dbt's cross-database macros, and the deduplication
    of Airbyte's tables. dbt dispatches its own macros per adapter; centra_timestamp has a Postgres
    branch of its own. -#}

{% macro centra_int(column) -%} {{ dbt.safe_cast(column, dbt.type_bigint()) }} {%- endmacro %}
{% macro centra_money(column) -%} {{ dbt.safe_cast(column, dbt.type_numeric()) }} {%- endmacro %}
{% macro centra_number(column) -%} {{ dbt.safe_cast(column, dbt.type_numeric()) }} {%- endmacro %}
{% macro centra_string(column) -%} {{ dbt.safe_cast(column, dbt.type_string()) }} {%- endmacro %}
{% macro centra_bool(column) -%} {{ dbt.safe_cast(column, dbt.type_boolean()) }} {%- endmacro %}

{#- A UTC timestamp without time zone, from what the destination wrote: a timestamp with time zone
    (Postgres, Snowflake TIMESTAMP_TZ), a timestamp (PyAirbyte's DuckDB cache: UTC), or an ISO 8601
    string with offset (the connector's records). Dispatched: Postgres converts a timestamptz to
    `timestamp` in the *session* time zone, so a server that is not on UTC would move orders to
    other days; its branch converts at UTC explicitly. -#}
{% macro centra_timestamp(column) -%}
  {{ return(adapter.dispatch('centra_timestamp', 'centra')(column)) }}
{%- endmacro %}

{% macro default__centra_timestamp(column) -%} {{ dbt.safe_cast(column, dbt.type_timestamp()) }} {%- endmacro %}

{#- Airbyte's Postgres destination writes timestamptz (and a string with offset casts the same way).
    A naive `timestamp` column would be read as session time here: no Airbyte writer makes one. -#}
{% macro postgres__centra_timestamp(column) -%} (cast({{ column }} as timestamptz) at time zone 'UTC') {%- endmacro %}

{#- A key from several columns, as a string: 'a-b'. -#}
{% macro centra_key(columns) -%}
  {%- set parts = [] -%}
  {%- for column in columns -%}
    {%- if not loop.first %}{% do parts.append("'-'") %}{% endif -%}
    {%- do parts.append("coalesce(" ~ dbt.cast(column, dbt.type_string()) ~ ", '')") -%}
  {%- endfor -%}
  {{ dbt.concat(parts) }}
{%- endmacro %}

{#- The rows of an Airbyte table, one per primary key: the latest _airbyte_extracted_at wins (then
    the later cursor, then the greater _airbyte_raw_id, so the choice is deterministic). Airbyte's
    Append and Full Refresh | Append modes, and re-reads of incremental syncs, leave several rows
    per key; Append + Deduped and PyAirbyte's cache leave one, which this keeps.
    `columns` (the optional streams): when the table does not exist (the token lacks the stream's
    permission, so the connector does not offer it), no rows, with these columns (as strings; the
    staging model types them). Without `columns` a missing table is an error, as with any source.
    var centra_check_optional_tables: false skips the look-up (every table assumed present). -#}
{% macro centra_latest(source_name, primary_key, cursor=none, columns=none) -%}
{%- set relation = source('centra', source_name) -%}
{%- if execute and columns is not none and var('centra_check_optional_tables', true) and load_relation(relation) is none -%}
    {%- do log("centra: no table " ~ relation ~ " (optional stream " ~ source_name ~ " not synced): its staging model is empty", info=true) -%}
select
    {%- for column in columns %}
    {{ dbt.cast('null', dbt.type_string()) }} as {{ column }},
    {%- endfor %}
    {{ dbt.cast('null', dbt.type_string()) }} as _airbyte_raw_id,
    {{ dbt.cast('null', dbt.type_timestamp()) }} as _airbyte_extracted_at,
    1 as _centra_row_number
where 1 = 0
{%- else -%}
select * from (
    select
        source_rows.*,
        row_number() over (
            partition by {{ primary_key | join(', ') }}
            order by _airbyte_extracted_at desc{% if cursor %}, {{ cursor }} desc{% endif %}, _airbyte_raw_id desc
        ) as _centra_row_number
    from {{ relation }} as source_rows
) as ranked
where _centra_row_number = 1
{%- endif %}
{%- endmacro %}

{#- Marts' helpers. -#}
{% macro centra_amount(expression) -%} {{ dbt.cast(expression, dbt.type_numeric()) }} {%- endmacro %}
{% macro centra_date(timestamp) -%} {{ dbt.cast(dbt.date_trunc('day', timestamp), 'date') }} {%- endmacro %}
{% macro centra_month(timestamp) -%} {{ dbt.cast(dbt.date_trunc('month', timestamp), 'date') }} {%- endmacro %}
{#- numerator / denominator, null when the denominator is 0 or null. -#}
{% macro centra_ratio(numerator, denominator) -%}
  {{ dbt.cast(numerator, dbt.type_numeric()) }} / nullif({{ dbt.cast(denominator, dbt.type_numeric()) }}, 0)
{%- endmacro %}
