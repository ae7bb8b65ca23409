"""The README's main job: PyAirbyte syncs every stream from a fresh fake Centra into DuckDB, then
a second run is incremental; and the docs page's example queries run on that DuckDB file."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from source_centra.streams import STREAMS
from unit_tests.test_docs_page import PAGE, example_statements, sql_statements

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # two PyAirbyte syncs into DuckDB: started first on the parallel workers


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(output, DuckDB path) of examples/pyairbyte_duckdb.py, run once for the module."""
    db = tmp_path_factory.mktemp("demo") / "centra.duckdb"
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "pyairbyte_duckdb.py"), "--orders", "150", "--db", str(db)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done.stdout, db


def test_given_demo_then_all_streams_land_in_duckdb_and_second_sync_is_incremental(demo):
    output, _db = demo
    counts = dict(re.findall(r"^  (\w+)\s+(\d+)$", output, re.M))
    expected_streams = {spec.name for spec in STREAMS}  # the fake's token may read every stream
    assert expected_streams <= set(counts), counts
    assert int(counts["orders"]) == 150 and all(int(counts[s]) > 0 for s in expected_streams)
    assert "Revenue by market and month" in output and re.search(r"\d{4}-\d{2}\s+\d+\s+\d+\s+[\d,]+\.\d\d", output)
    first = int(re.search(r"First sync \(full history\): (\d+) records", output).group(1))
    second = int(re.search(r"Second sync .*?: (\d+) records", output).group(1))
    assert "Repeat-purchase rate by store" in output and re.search(r"\d+ customers\s+[\d.]+% bought again", output)
    snapshots = sum(int(counts.get(s, 0)) for s in ("stock", "prices"))  # snapshots are read whole every sync
    assert 5 <= second - snapshots < (first - snapshots) / 10  # the 5 new orders (+ lines, payments) and small lists
    rows, distinct = map(int, re.search(r"order_items after both syncs: (\d+) rows, (\d+) distinct", output).groups())
    assert rows == distinct


def test_given_demo_then_its_history_runs_up_to_today_and_the_new_orders_are_the_newest(demo):
    """The fake's history ends yesterday (serve --history-end today), so the 5 orders the demo creates
    continue it: the history's last update is days before them, not a year (150 orders over two years
    leave gaps of a week; the demo's 2,000 have some every day)."""
    duckdb = pytest.importorskip("duckdb")
    _output, db = demo
    with duckdb.connect(str(db), read_only=True) as connection:
        (history_gap_days, new_days_ago), = connection.execute(
            "WITH o AS (SELECT order_date, updated_at, row_number() OVER (ORDER BY order_date DESC) AS n FROM orders) "
            "SELECT date_diff('day', max(updated_at) FILTER (WHERE n > 5), min(order_date) FILTER (WHERE n <= 5)), "
            "date_diff('day', min(order_date) FILTER (WHERE n <= 5), now()::TIMESTAMP) FROM o").fetchall()
    assert history_gap_days <= 14 and new_days_ago <= 1, (history_gap_days, new_days_ago)


@pytest.mark.parametrize("statement", example_statements(),
                         ids=lambda s: s.splitlines()[0][3:50])
def test_given_docs_example_query_then_it_runs_on_the_demos_duckdb_and_answers(demo, statement):
    duckdb = pytest.importorskip("duckdb")
    _output, db = demo
    with duckdb.connect(str(db), read_only=True) as connection:
        relation = connection.sql(statement)
        rows = relation.fetchall()
        print(f"\n{statement.splitlines()[0]}\n{relation.columns}\n" + "\n".join(map(str, rows[:3])))
    assert rows, "the example answers nothing on the demo's data"


def test_given_docs_attribute_example_then_it_runs_on_the_demos_duckdb(demo):
    duckdb = pytest.importorskip("duckdb")
    _output, db = demo
    (statement,) = [s for s in sql_statements(PAGE.read_text(encoding="utf-8")) if "type_name" in s]
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.sql(statement).fetchall()
