{#- The objects of a JSON array column (e.g. purchase_order_deliveries.lines), one row each, and a field of
    such an object as a string (typed by the caller with the centra_* casts). dbt has no cross-database macro
    for this, so it is dispatched here per adapter, as centra_unnest_json_strings:

      select d.delivery_id, {{ centra_json_object_field('lines', 'quantity') }} as quantity
      from deliveries as d
      {{ centra_unnest_json_objects('d.lines', 'lines') }}

    DuckDB (JSON), BigQuery (JSON or STRING) and Snowflake (VARIANT / ARRAY) are implemented; the default
    is Postgres-style jsonb (a JSON null or a non-array gives no rows). A null or empty array gives no rows. -#}

{% macro centra_unnest_json_objects(column, alias) -%}
  {{ return(adapter.dispatch('centra_unnest_json_objects', 'centra')(column, alias)) }}
{%- endmacro %}

{% macro default__centra_unnest_json_objects(column, alias) -%}
cross join lateral jsonb_array_elements(
    case when jsonb_typeof(cast({{ column }} as jsonb)) = 'array' then cast({{ column }} as jsonb) else '[]'::jsonb end
) as {{ alias }}(element)
{%- endmacro %}

{% macro duckdb__centra_unnest_json_objects(column, alias) -%}
cross join unnest(from_json({{ column }}, '["JSON"]')) as {{ alias }}(element)
{%- endmacro %}

{% macro bigquery__centra_unnest_json_objects(column, alias) -%}
cross join unnest(json_query_array({{ column }})) as {{ alias }}_element
{%- endmacro %}

{% macro snowflake__centra_unnest_json_objects(column, alias) -%}
, lateral flatten(input => {{ column }}) as {{ alias }}
{%- endmacro %}

{% macro centra_json_object_field(alias, key) -%}
  {{ return(adapter.dispatch('centra_json_object_field', 'centra')(alias, key)) }}
{%- endmacro %}

{% macro default__centra_json_object_field(alias, key) -%} {{ alias }}.element ->> '{{ key }}' {%- endmacro %}
{% macro duckdb__centra_json_object_field(alias, key) -%} json_extract_string({{ alias }}.element, '$.{{ key }}') {%- endmacro %}
{% macro bigquery__centra_json_object_field(alias, key) -%} json_value({{ alias }}_element, '$.{{ key }}') {%- endmacro %}
{% macro snowflake__centra_json_object_field(alias, key) -%} {{ alias }}.value:{{ key }}::string {%- endmacro %}
