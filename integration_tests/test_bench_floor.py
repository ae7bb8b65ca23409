"""The benchmark's floor client (bench/floor_client.py) reads what the connector reads: the same
records of order_items, stock and prices, with the documents the connector sends
(bench/prepare.py documents). Guards the benchmark itself: the floor once sent the query files with
their ``@required`` markers, which the server rejects."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from integration_tests import cli

ROOT = Path(__file__).resolve().parents[1]
SYNC_START = "2026-01-01T00:00:00+00:00"


def floor(fake, tmp_path: Path, *args: str) -> list[dict]:
    out = tmp_path / "floor.jsonl"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "floor_client.py"), "--url", fake.url, "--token",
                           fake.token, *args, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line)["record"] for line in out.read_text().splitlines()]


def comparable(records, drop=()) -> list[str]:
    """Data without null fields (the CDK's serializer omits them) and without ``drop``, sorted."""
    return sorted(json.dumps({k: v for k, v in r.items() if v is not None and k not in drop}, sort_keys=True)
                  for r in records)


def test_given_the_planned_documents_when_the_floor_reads_then_it_gets_the_connectors_records(
        fake_centra_factory, tmp_path: Path) -> None:
    fake = fake_centra_factory(orders=120, seed=7, products=60, quota_requests=10**6, quota_complexity=10**9,
                               quota_requests_hour=10**6, quota_complexity_hour=10**10)  # the floor never waits
    documents = json.loads(subprocess.run(
        [sys.executable, str(ROOT / "bench" / "prepare.py"), "documents", fake.url, fake.token,
         "order_items", "stock", "prices"], check=True, cwd=ROOT, capture_output=True, text=True).stdout)
    files = []
    for name in ("order_items", "stock", "prices"):
        (tmp_path / f"{name}.graphql").write_text(documents[name])
        files += ["--document", f"{name}={tmp_path / f'{name}.graphql'}"]
        assert "@required" not in documents[name]

    snapshot = floor(fake, tmp_path, "--snapshot", "stock=1,2,3,4", "--snapshot", "prices=1,2,3,4,5,6,7,8",
                     "--synced-at", SYNC_START, *files)
    stores = sorted(s["id"] for s in fake.data.stores())
    base = next(c["code"] for c in fake.data.currencies() if c["is_base"])
    items = floor(fake, tmp_path, "--stores", ",".join(map(str, stores)), "--to", SYNC_START, "--base-currency", base,
                  *files)
    read = cli.run("read", cli.config_for(fake), cli.catalog(["order_items", "stock", "prices"], mode="full_refresh"))

    assert read.exit_code == 0, read.stderr[-2000:]
    by_stream = {name: [r["data"] for r in snapshot + items if r["stream"] == name] for name in ("stock", "prices", "order_items")}
    assert len(by_stream["stock"]) == fake.data.count_stock() and len(by_stream["prices"]) == fake.data.count_prices()
    for name in ("stock", "prices"):
        assert comparable(by_stream[name], drop=("synced_at",)) == comparable(read.records[name], drop=("synced_at",))
    assert comparable(by_stream["order_items"]) == comparable(read.records["order_items"])
