{#- The strings of a JSON array column (e.g. orders.voucher_codes), one row each. dbt has no
    cross-database macro for this, so it is dispatched here per adapter:

      select o.order_id, {{ centra_json_string_element('codes') }} as code
      from orders as o
      {{ centra_unnest_json_strings('o.voucher_codes', 'codes') }}

    Postgres (jsonb, as Airbyte's Postgres destination writes it, or json / text), DuckDB (JSON),
    BigQuery (JSON or STRING) and Snowflake (VARIANT / ARRAY) are implemented; other adapters get the
    Postgres form. A null, a JSON null or an empty array gives no rows. -#}

{% macro centra_unnest_json_strings(column, alias) -%}
  {{ return(adapter.dispatch('centra_unnest_json_strings', 'centra')(column, alias)) }}
{%- endmacro %}

{% macro default__centra_unnest_json_strings(column, alias) -%}
  {{ return(postgres__centra_unnest_json_strings(column, alias)) }}
{%- endmacro %}

{#- jsonb_array_elements_text fails on a scalar (a JSON null is one): only arrays are unnested. -#}
{% macro postgres__centra_unnest_json_strings(column, alias) -%}
cross join lateral jsonb_array_elements_text(
    case when jsonb_typeof(cast({{ column }} as jsonb)) = 'array' then cast({{ column }} as jsonb) end
) as {{ alias }}(element)
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
