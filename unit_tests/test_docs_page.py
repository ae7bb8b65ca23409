"""The user docs say what the product does: every count, stream table and example of the docs page
(docs/integrations/sources/centra.md) covers the rows of ``STREAMS``; the example queries read every
stream and add money only in the base currency or per currency; the README lists every config key.
The examples themselves run on the demo's DuckDB in integration_tests/test_pyairbyte.py."""
from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from source_centra.stream import NESTED_PAGE_SIZE
from source_centra.streams import STREAMS, Paging

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "integrations" / "sources" / "centra.md"
TEXT = PAGE.read_text(encoding="utf-8")
NAMES = [spec.name for spec in STREAMS]
INCREMENTAL = [spec.name for spec in STREAMS if spec.cursor_field]
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13}


def number(word: str) -> int | None:
    return int(word) if word.isdigit() else WORDS.get(word.lower())


def section(title: str, text: str = TEXT) -> str:
    """The text under a heading, up to the next heading of the same or a higher level."""
    match = re.search(rf"^(#+) {re.escape(title)}\n", text, re.M)
    assert match, title
    rest = text[match.end():]
    end = re.search(rf"^#{{1,{len(match.group(1))}}} ", rest, re.M)
    return rest[:end.start()] if end else rest


def table_rows(text: str) -> list[list[str]]:
    """Body rows of the Markdown tables in ``text``, as cells."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not set(line) <= set("|-: "):
            rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))])
    return rows


def streams_in(cell: str) -> list[str]:
    return [name for name in re.findall(r"`([a-z_]+)`", cell) if name in NAMES]


def sql_statements(text: str) -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", text, re.S)
    return [s.strip() for block in blocks for s in block.split(";") if s.strip()]


def example_statements() -> list[str]:
    return sql_statements(section("Example queries, one per domain"))


# ---------------------------------------------------------------- counts and tables


def test_given_counts_of_streams_then_they_are_the_tables_counts() -> None:
    counts = {"all": len(NAMES), "incremental": len(INCREMENTAL)}
    found = [("all", m) for m in re.findall(r"\ball (\w+) streams\b", TEXT)]
    found += [("all", m) for m in re.findall(r"\bin (\w+)\s+streams:", TEXT)]
    found += [("incremental", m) for m in re.findall(r"\b(\w+) (?:incremental streams|streams sync incrementally)", TEXT)]
    found += [("incremental", m) for m in re.findall(r"\bthe same (\w+) \|", TEXT)]
    assert found, "the page states its counts"
    wrong = [(kind, word) for kind, word in found if number(word) != counts[kind]]
    assert wrong == [], f"counts on the page that are not {counts}"


@pytest.mark.parametrize("doc", ["README.md", "dbt/README.md"])
def test_given_other_docs_then_their_counts_of_all_streams_are_the_tables(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    found = re.findall(r"\ball (\w+)\s+streams\b", text)
    assert [word for word in found if number(word) != len(NAMES)] == []


def test_given_supported_streams_tables_then_every_row_of_the_stream_table_with_its_key_and_cursor() -> None:
    rows = table_rows(section("Supported streams"))
    by_name = {streams_in(row[0])[0]: row for row in rows if streams_in(row[0]) and len(row) == 8}
    assert sorted(by_name) == sorted(NAMES)
    for spec in STREAMS:
        row = by_name[spec.name]
        assert re.findall(r"`([a-z_]+)`", row[2]) == list(spec.primary_key), spec.name
        cursor = re.match(r"`([a-z_]+)`", row[3])
        assert (cursor.group(1) if cursor else None) == spec.cursor_field, spec.name


def test_given_sync_modes_table_then_incremental_and_full_refresh_rows_list_the_right_streams() -> None:
    rows = {row[0]: row[1] for row in table_rows(section("Supported sync modes"))}
    incremental = next(cells for mode, cells in rows.items() if mode.startswith("Incremental \\| Append") and "`" in cells)
    assert sorted(streams_in(incremental)) == sorted(INCREMENTAL)
    full_only = next(cells for mode, cells in rows.items() if mode.startswith("Full Refresh") and "`" in cells)
    assert sorted(streams_in(full_only)) == sorted(name for name in NAMES if name not in INCREMENTAL)


def test_given_complexity_table_then_every_stream_at_the_page_size_read_and_the_formulas_figure() -> None:
    from unit_tests.test_queries import complexity

    rows = [row for row in table_rows(section("Performance considerations and rate limits"))
            if streams_in(row[0]) and len(row) == 3 and row[1].isdigit()]  # | stream | rows per page | cost |
    assert sorted(streams_in(row[0])[0] for row in rows) == sorted(NAMES)
    for row in rows:
        spec = next(spec for spec in STREAMS if spec.name == streams_in(row[0])[0])
        size = NESTED_PAGE_SIZE if spec.paging is Paging.NESTED else min(100, spec.max_page_size or 100)
        assert int(row[1]) == size, spec.name
        stated = int(re.search(r"≈ ([\d,]+)", row[2]).group(1).replace(",", ""))
        assert abs(stated - complexity(spec.name, size)) <= 0.05 * complexity(spec.name, size) + 50, spec.name


def test_readme_lists_every_config_key() -> None:
    spec = yaml.safe_load((ROOT / "source_centra" / "spec.yaml").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    keys = spec["connectionSpecification"]["properties"]
    assert [key for key in keys if f"`{key}`" not in readme and f'"{key}"' not in readme] == []
    assert [key for key in keys if f"`{key}`" not in section("Configuration reference")] == []


# ---------------------------------------------------------------- the example queries


def money_fields() -> set[str]:
    """Record fields holding an amount in a record's own currency: those with a ``_base`` twin."""
    fields: set[str] = set()
    for spec in STREAMS:
        properties = json.loads((files("source_centra") / "schemas" / f"{spec.name}.json").read_text())["properties"]
        fields |= {name for name in properties if f"{name}_base" in properties}
    return fields


def test_given_example_queries_then_together_they_read_every_stream() -> None:
    read = {name for statement in example_statements()
            for name in re.findall(r"\b(?:FROM|JOIN)\s+([a-z_]+)", statement, re.I)} | {
        name for statement in example_statements() for name in re.findall(r",\s*([a-z_]+)\s+[a-z]+\s*(?:,|WHERE|JOIN)", statement)}
    assert [name for name in NAMES if name not in read] == []


@pytest.mark.parametrize("statement", example_statements(), ids=lambda s: s.splitlines()[0][3:50])
def test_given_example_query_then_money_is_added_in_the_base_currency_or_per_currency(statement: str) -> None:
    """``sum``/``avg`` of an amount in the record's currency mixes currencies unless the query is per
    currency: it must use the ``_base`` field, or select and group by a ``currency`` column."""
    money = money_fields()
    aggregated = re.findall(r"\b(?:sum|avg)\s*\(((?:[^()]|\([^()]*\))*)\)", statement, re.I)
    mixed = [expr for expr in aggregated if set(re.findall(r"\b([a-z_]+)\b", expr)) & money]
    per_currency = re.search(r"\b(?:[a-z]+\.)?currency\b", statement.split("FROM")[0]) and "GROUP BY" in statement
    assert not mixed or per_currency, f"adds amounts across currencies: {mixed}"
    assert statement.startswith("-- "), "each example says what it answers"


def test_the_currency_rule_finds_a_sum_across_currencies() -> None:
    assert money_fields() >= {"grand_total", "discounts", "line_value", "unit_price", "total", "value"}
    bad = "-- old voucher example\nSELECT v.code, sum(o.discounts), sum(o.grand_total) FROM orders o JOIN vouchers v ON true GROUP BY 1"
    with pytest.raises(AssertionError):
        test_given_example_query_then_money_is_added_in_the_base_currency_or_per_currency(bad)


def test_given_dbt_readmes_python_one_liner_then_it_prints_the_mart(tmp_path) -> None:
    """The line that shows a mart must not print a relation whose connection is already closed."""
    import subprocess
    import sys

    duckdb = pytest.importorskip("duckdb")
    readme = (ROOT / "dbt" / "README.md").read_text(encoding="utf-8")
    (line,) = re.findall(r'`\.venv/bin/python -c "(.*?)"`', readme)
    db = tmp_path / "centra.duckdb"
    with duckdb.connect(str(db)) as connection:
        connection.execute("CREATE SCHEMA analytics; CREATE TABLE analytics.centra__daily_sales AS "
                           "SELECT DATE '2026-01-02' AS sales_date, 1234.5 AS net_revenue_base")
    done = subprocess.run([sys.executable, "-c", line.replace(".demo/centra.duckdb", str(db))],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "1234.5" in done.stdout, done.stderr[-2000:]
