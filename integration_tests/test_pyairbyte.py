"""The README's main job: PyAirbyte syncs every stream from a fresh fake Centra into DuckDB, then
a second run is incremental."""
import re
import subprocess
import sys
from pathlib import Path

from source_centra.streams import STREAMS

ROOT = Path(__file__).resolve().parent.parent


def test_given_demo_then_all_streams_land_in_duckdb_and_second_sync_is_incremental(tmp_path):
    db = tmp_path / "centra.duckdb"
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "pyairbyte_duckdb.py"), "--orders", "150", "--db", str(db)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    output = done.stdout
    assert done.returncode == 0, (output + done.stderr)[-3000:]
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
