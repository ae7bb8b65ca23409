{#- The strings of a JSON array column (e.g. orders.voucher_codes), one row each. dbt has no
    cross-database macro for this, so it is dispatched here per adapter:

      select o.order_id, {{ centra_json_string_element('codes') }} as code
      from orders as o
      {{ centra_unnest_json_strings('o.voucher_codes', 'codes') }}

    DuckDB (JSON), BigQuery (JSON or STRING) and Snowflake (VARIANT / ARRAY) are implemented; the
    default is Postgres-style jsonb. A null or empty array gives no rows. -#}

{% macro centra_unnest_json_strings(column, alias) -%}
  {{ return(adapter.dispatch('centra_unnest_json_strings', 'centra')(column, alias)) }}
{%- endmacro %}

{% macro default__centra_unnest_json_strings(column, alias) -%}
cross join lateral jsonb_array_elements_text(cast({{ column }} as jsonb)) as {{ alias }}(element)
{%- endmacro %}

{% macro duckdb__centra_unnest_json_strings(column, alias) -%}
cross join unnest(from_json({{ column }}, '["VARCHAR"]')) as {{ alias }}(element)
{%- endmacro %}

{% macro bigquery__centra_unnest_json_strings(column, alias) -%}
cross join unnest(json_value_array({{ column }})) as {{ alias }}_element
{%- endmacro %}

{% macro snowflake__centra_unnest_json_strings(column, alias) -%}
, lateral flatten(input => {{ column }}) as {{ alias }}
{%- endmacro %}

{% macro centra_json_string_element(alias) -%}
  {{ return(adapter.dispatch('centra_json_string_element', 'centra')(alias)) }}
{%- endmacro %}

{% macro default__centra_json_string_element(alias) -%} {{ alias }}.element {%- endmacro %}
{% macro bigquery__centra_json_string_element(alias) -%} {{ alias }}_element {%- endmacro %}
{% macro snowflake__centra_json_string_element(alias) -%} {{ alias }}.value::string {%- endmacro %}
