"""The main job, end to end: start a fake Centra, sync every stream through PyAirbyte into DuckDB,
print what arrived and a revenue table; then change data in Centra and sync again incrementally.

Run it with `scripts/demo.sh` (which sets up the venv). Against a real Centra, set
CENTRA_ENDPOINT_URL and CENTRA_API_TOKEN instead and the fake is not started.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")  # no registry download: the connector is local
warnings.filterwarnings("ignore", category=FutureWarning)  # cloud SDKs PyAirbyte imports warn about Python versions

import airbyte as ab  # noqa: E402
from sqlalchemy import text  # noqa: E402
from airbyte.caches import DuckDBCache  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

REVENUE_SQL = """
select market_name,
       strftime(cast(order_date as timestamptz) at time zone 'UTC', '%Y-%m') as month,
       count(distinct order_id)                   as orders,
       sum(quantity)                              as units,
       round(sum(line_value_base), 2)             as revenue_sek_incl_tax
from order_items
where order_status <> 'CANCELLED'
group by 1, 2
order by 2 desc, 1
limit 12
"""

REPEAT_SQL = """
select c.store_name,
       count(*)                                            as customers_who_bought,
       round(100.0 * count(*) filter (where n >= 2) / count(*), 1) as repeat_rate_pct
from customers c
join (select customer_email, count(*) as n from orders where customer_email is not null group by 1) o
  on o.customer_email = c.email
group by 1
order by 1
"""


class FakeCentraProcess:
    """`python -m fake_centra serve` from the repo root (the fake is a dev tool, not installed with the
    connector) in a subprocess; its first two lines are the endpoint and the token."""

    def __init__(self, orders: int, seed: int):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fake_centra", "serve", "--port", "0", "--orders", str(orders), "--seed", str(seed),
             # a quota like Centra's "Enhanced" plan keeps the demo short; the connector paces to half of it
             "--quota-requests", "150", "--quota-complexity", "900000",
             # and its hourly quotas (centra-api §4.1): with Growth's 30M an hour the cost streams' first sync
             # (about 2.5M complexity for 2,000 orders) waits minutes for the hourly share
             "--quota-requests-hour", "20000", "--quota-complexity-hour", "90000000"],
            stdout=subprocess.PIPE, text=True, cwd=ROOT)
        fields = {}
        while len(fields) < 3:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit("fake-centra did not start")
            key, _, value = line.strip().partition(": ")
            fields[key] = value
        self.endpoint, self.token, self.admin_secret = fields["endpoint"], fields["token"], fields["admin_secret"]

    def admin(self, action: str, **kwargs):
        url = self.endpoint.replace("/graphql", f"/admin/{action}")
        request = urllib.request.Request(url, data=json.dumps(kwargs).encode(), method="POST",
                                         headers={"X-Admin-Secret": self.admin_secret, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def query(cache, sql: str) -> list:
    """SQL on the PyAirbyte DuckDB cache through its own engine (one process, one connection config)."""
    with cache.get_sql_engine().connect() as connection:
        return connection.execute(text(sql)).fetchall()


def sync(source, cache, label: str) -> int:
    started = time.monotonic()
    result = source.read(cache=cache)
    print(f"\n{label}: {result.processed_records} records read in {time.monotonic() - started:.1f}s")
    return result.processed_records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", default=str(ROOT / ".demo" / "centra.duckdb"))
    args = parser.parse_args()

    fake = None
    if os.environ.get("CENTRA_ENDPOINT_URL"):
        config = {"endpoint_url": os.environ["CENTRA_ENDPOINT_URL"], "api_token": os.environ["CENTRA_API_TOKEN"]}
    else:
        fake = FakeCentraProcess(args.orders, args.seed)
        print(f"Fake Centra with {args.orders} orders at {fake.endpoint} (token ****)")
        config = {"endpoint_url": fake.endpoint, "api_token": fake.token}
    try:
        Path(args.db).parent.mkdir(parents=True, exist_ok=True)
        for leftover in (Path(args.db), Path(args.db + ".wal")):
            leftover.unlink(missing_ok=True)
        cache = DuckDBCache(db_path=args.db, schema_name="main")
        source = ab.get_source("source-centra", local_executable=str(BIN / "source-centra"), config=config)
        source.check()
        source.select_all_streams()

        sync(source, cache, "First sync (full history)")
        print("\nRows per stream in", args.db)
        tables = [row[0] for row in query(cache, "select table_name from information_schema.tables where "
                                                 "table_schema='main' and table_name not like '_airbyte%' order by 1")]
        for table in tables:
            print(f"  {table:<16} {query(cache, f'select count(*) from main.{table}')[0][0]:>8}")
        print("\nRevenue by market and month (SEK, incl. tax, from order_items.line_value_base):")
        print(f"  {'market':<18} {'month':<8} {'orders':>7} {'units':>7} {'revenue':>14}")
        for market, month, orders, units, revenue in query(cache, REVENUE_SQL):
            print(f"  {str(market):<18} {month:<8} {orders:>7} {units:>7} {revenue:>14,.2f}")

        print("\nRepeat-purchase rate by store (customers + orders: customers with 2+ orders):")
        for store, buyers, rate in query(cache, REPEAT_SQL):
            print(f"  {str(store):<18} {buyers:>7} customers  {rate:>5}% bought again")

        if fake is not None:
            changed = [fake.admin("create_order") for _ in range(5)]
            print(f"\nChanged data in Centra: created {len(changed)} orders.")
        sync(source, cache, "Second sync (incremental: only what changed, plus the lookback windows)")
        total, distinct = query(cache, "select count(*), count(distinct (order_id, line_id)) from main.order_items")[0]
        print(f"order_items after both syncs: {total} rows, {distinct} distinct keys (deduplicated by primary key)")
    finally:
        if fake is not None:
            fake.stop()


if __name__ == "__main__":
    main()
