"""The dbt package (dbt/) on data nobody wrote by hand: a fake Centra, in both schema profiles, synced
through PyAirbyte into DuckDB; `dbt build` (models + every data test, the reconciliation tests
included) must pass, and mart figures must equal values computed here, independently, from the
fake's own data (`fake.data`): revenue per market and month, return rate per product, units and
orders per day, returns per return day, new customers. Then a tampered copy must fail the build.

dbt runs in its own venv (scripts/dbt.sh creates dbt/.venv from dbt/requirements.txt)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")  # read when airbyte is imported: the connector is local
ab = pytest.importorskip("airbyte", reason="PyAirbyte (the demo extra) is not installed on this Python")
duckdb = pytest.importorskip("duckdb")
from airbyte.caches import DuckDBCache  # noqa: E402

from fake_centra import FakeCentra  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(sys.executable).parent / "source-centra"
ORDERS = 300
CENT = Decimal("0.01")


def dbt(db: Path, work: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CENTRA_DUCKDB": str(db), "DBT_TARGET_PATH": str(work / "target"),
           "DBT_LOG_PATH": str(work / "logs"), "NO_COLOR": "1"}
    return subprocess.run([str(ROOT / "scripts" / "dbt.sh"), *args], capture_output=True, text=True,
                          timeout=600, env=env, cwd=ROOT)


def sync(fake: FakeCentra, db: Path) -> None:
    warnings.filterwarnings("ignore", category=FutureWarning)
    cache = DuckDBCache(db_path=str(db), schema_name="main")
    source = ab.get_source("source-centra", local_executable=str(SOURCE),
                           config={"endpoint_url": fake.start(), "api_token": fake.token})
    source.select_all_streams()
    source.read(cache=cache)
    cache.get_sql_engine().dispose()  # release the file for dbt's process


@pytest.fixture(scope="module", params=["full", "lean"])
def built(request, tmp_path_factory):
    """(fake, path of the DuckDB file after `dbt build`, dbt's output) per schema profile."""
    work = tmp_path_factory.mktemp(f"dbt-{request.param}")
    db = work / "centra.duckdb"
    fake = FakeCentra(orders=ORDERS, seed=7, schema_profile=request.param,
                      quota_requests=10_000, quota_complexity=100_000_000)
    try:
        sync(fake, db)
    finally:
        fake.stop()
    done = dbt(db, work, "build")
    assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
    return fake, db, work, done.stdout


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def base(amount: float, rate: float) -> Decimal:
    """The connector's x_base: x × currency_base_rate with decimals, rounded half-up to cents."""
    return (Decimal(str(amount)) * Decimal(str(rate))).quantize(CENT, rounding=ROUND_HALF_UP)


def expected_from_fake(fake: FakeCentra) -> dict:
    orders = list(fake.data.orders())
    line_product = {}
    revenue = defaultdict(Decimal)  # (market_id, 'YYYY-MM') -> paid for the items, base currency
    net = defaultdict(Decimal)      # the same after returns
    units_per_day, net_units_per_day, orders_per_day = defaultdict(int), defaultdict(int), defaultdict(int)
    sold_per_product, returned_per_product = defaultdict(int), defaultdict(int)
    first_order = {}
    customer_orders, customer_value = defaultdict(int), defaultdict(Decimal)  # by email: counted orders, Σ net base
    last_order_at = max(order["order_date"] for order in orders)
    window_start = last_order_at - timedelta(days=28)
    sold_in_window = defaultdict(int)  # sku -> units sold in the 28 days up to the latest order
    for order in orders:
        key = (order["market_id"], order["order_date"].strftime("%Y-%m"))
        day = order["order_date"].date()
        rate = order["currency_base_rate"]
        line_values = sum(Decimal(str(line["line_value"])) for line in order["lines"])
        discounts = base(order["totals"]["discounts"], rate)
        email = (order.get("customer") or {}).get("email") if order["store_type"] == "DIRECT_TO_CONSUMER" else None
        order_net = Decimal(0)
        for line in order["lines"]:
            line_product[(order["id"], line["id"])] = line["product_id"]
            share = Decimal(str(line["line_value"])) / line_values if line_values else Decimal(0)
            paid = base(line["line_value"], rate) - discounts * share
            revenue[key] += paid
            if line["quantity"]:
                net[key] += paid * (line["quantity"] - line["returned_quantity"]) / line["quantity"]
                order_net += paid * (line["quantity"] - line["returned_quantity"]) / line["quantity"]
            if line.get("sku") and window_start < order["order_date"] <= last_order_at:
                sold_in_window[line["sku"]] += line["quantity"]
            units_per_day[day] += line["quantity"]
            net_units_per_day[day] += line["quantity"] - line["returned_quantity"]
            sold_per_product[line["product_id"]] += line["quantity"]
        if order["totals"]["quantity"] > 0:
            orders_per_day[day] += 1
            if email:
                first_order.setdefault(email.strip().lower(), order["id"])
                customer_orders[email.strip().lower()] += 1
                customer_value[email.strip().lower()] += order_net

    returned_per_day = defaultdict(int)
    for ret in fake.data.returns():
        for line in ret["lines"]:
            returned_per_product[line_product[(ret["order_id"], line["order_line_id"])]] += line["quantity"]
            returned_per_day[ret["created_at"].date()] += line["quantity"]
    return {"revenue": revenue, "net": net, "units_per_day": units_per_day, "net_units_per_day": net_units_per_day,
            "orders_per_day": orders_per_day, "returned_per_day": returned_per_day,
            "return_rate": {p: returned_per_product[p] / sold for p, sold in sold_per_product.items() if sold},
            "new_customers": len(first_order), "customer_orders": customer_orders, "customer_value": customer_value,
            "sold_in_window": sold_in_window}


def test_given_synced_fake_when_dbt_build_then_models_and_all_data_tests_pass(built):
    _, db, _, output = built
    assert "ERROR=0" in output and "WARN=0" in output, output[-3000:]
    tables = {row[0] for row in query(db, "select table_name from information_schema.tables where table_schema = 'analytics'")}
    assert {"centra__order_lines", "centra__orders", "centra__return_lines", "centra__daily_sales",
            "centra__product_returns", "centra__customers", "centra__customer_cohorts", "centra__stock_cover",
            "centra__voucher_performance"} <= tables
    # the reconciliation tests ran (and passed)
    for test in ("assert_order_lines_reconcile_with_orders", "assert_daily_sales_reconcile_with_order_lines",
                 "assert_returns_by_order_date_equal_returns_by_return_date"):
        assert test in output


def test_given_fake_data_then_revenue_per_market_month_matches(built):
    fake, db, _, _ = built
    expected = expected_from_fake(fake)
    rows = query(db, "select market_id, strftime(month, '%Y-%m'), sum(revenue_after_discounts_base), sum(net_revenue_base) "
                     "from analytics.centra__daily_sales group by 1, 2")
    got = {(market, month): (Decimal(str(revenue)), Decimal(str(net_revenue))) for market, month, revenue, net_revenue in rows}
    keys = {k for k, v in expected["revenue"].items() if v} | {k for k, (revenue, _) in got.items() if revenue}
    assert len(keys) > 20
    for key in keys:
        revenue, net_revenue = got.get(key, (Decimal(0), Decimal(0)))
        assert abs(revenue - expected["revenue"][key]) < Decimal("0.001"), key
        assert abs(net_revenue - expected["net"][key]) < Decimal("0.001"), key


def test_given_fake_data_then_return_rate_per_product_matches(built):
    fake, db, _, _ = built
    expected = expected_from_fake(fake)["return_rate"]
    rows = query(db, "select product_id, sum(units_returned) * 1.0 / sum(units_sold) from analytics.centra__product_returns "
                     "where product_id is not null group by 1")
    got = {product: rate for product, rate in rows}
    assert set(got) == {p for p in expected if p is not None}
    assert any(rate > 0 for rate in got.values())
    for product, rate in got.items():
        assert rate == pytest.approx(expected[product], abs=1e-9), product


def test_given_fake_data_then_units_orders_and_returns_per_day_match(built):
    fake, db, _, _ = built
    expected = expected_from_fake(fake)
    rows = query(db, "select date_day, sum(units_sold), sum(net_units), sum(orders), sum(returned_units_by_return_date) "
                     "from analytics.centra__daily_sales group by 1")
    got = {day: values for day, *values in rows}
    for day in set(got) | set(expected["units_per_day"]) | set(expected["returned_per_day"]):
        units, net_units, orders, returned = got.get(day, (0, 0, 0, 0))
        assert (units, net_units, orders, returned) == (
            expected["units_per_day"][day], expected["net_units_per_day"][day], expected["orders_per_day"][day],
            expected["returned_per_day"][day]), day
    [[new]] = query(db, "select count(*) from analytics.centra__orders where customer_type = 'new'")
    assert new == expected["new_customers"] > 0


def test_given_fake_data_then_customer_lifetime_value_and_orders_match(built):
    fake, db, _, _ = built
    expected = expected_from_fake(fake)
    rows = query(db, "select customer_key, orders, lifetime_value_base from analytics.centra__customers where orders > 0")
    got = {key: (orders, Decimal(str(value))) for key, orders, value in rows}
    assert set(got) == set(expected["customer_orders"]) and len(got) > 20
    for key, (orders, value) in got.items():
        assert orders == expected["customer_orders"][key], key
        # the mart sums order totals' _base amounts, rounded per order; here the lines' are summed
        assert abs(value - expected["customer_value"][key]) <= Decimal("0.01") * orders, key
    [[cohort_customers]] = query(db, "select sum(cohort_customers) from (select distinct cohort_month, cohort_customers "
                                     "from analytics.centra__customer_cohorts)")
    assert cohort_customers == len(expected["customer_orders"])


def test_given_fake_stock_then_stock_cover_matches(built):
    fake, db, _, _ = built
    expected = expected_from_fake(fake)["sold_in_window"]
    rows = query(db, "select warehouse_id, sku, free_to_allocate_quantity, units_sold_in_window, stock_cover_days "
                     "from analytics.centra__stock_cover")
    stock = {(row["warehouse_id"], row["sku"]): row["free_to_allocate_quantity"] for row in fake.data.stock()}
    assert {(warehouse, sku) for warehouse, sku, *_ in rows} == set(stock)
    covered = 0
    for warehouse, sku, free, sold, cover in rows:
        assert free == stock[(warehouse, sku)]
        assert sold == expected[sku], sku
        if expected[sku]:
            covered += 1
            assert cover == pytest.approx(free * 28 / expected[sku]), (warehouse, sku)
        else:
            assert cover is None
    assert covered > 10


def test_given_fake_vouchers_then_orders_per_code_match(built):
    fake, db, _, _ = built
    got = dict(query(db, "select voucher_code, orders from analytics.centra__voucher_performance"))
    usages = {v["code"]: v["successful_usages"] for v in fake.data.vouchers() if v["code"]}
    if fake.schema_profile == "lean":  # an older instance: no vouchers root (the stream is left out), no codes on orders
        assert got == {}
        return
    assert set(got) == set(usages)
    # the fake's successful_usages: the orders whose discount comes from the voucher (none if cancelled)
    assert got == usages and sum(got.values()) > 10


def test_given_duplicates_then_staging_dedups_and_given_tampered_line_then_reconciliation_fails(built, tmp_path):
    fake, db, work, _ = built
    if fake.schema_profile != "full":
        pytest.skip("one profile is enough for the negative case")
    copy = tmp_path / "centra.duckdb"
    shutil.copy(db, copy)
    with duckdb.connect(str(copy)) as connection:
        # an older extraction of every order line with another value: deduplication must drop it
        connection.execute("insert into main.order_items select * replace (line_value + 1000 as line_value, "
                           "_airbyte_extracted_at - interval 1 day as _airbyte_extracted_at, "
                           "_airbyte_raw_id || '-old' as _airbyte_raw_id) from main.order_items")
    done = dbt(copy, tmp_path, "build", "--select", "stg_centra__order_items+")
    assert done.returncode == 0, done.stdout[-3000:]
    with duckdb.connect(str(copy)) as connection:
        # a line whose value no longer matches its order's totals
        connection.execute("update main.order_items set line_value = line_value + 5, "
                           "_airbyte_extracted_at = _airbyte_extracted_at + interval 1 hour "
                           "where _airbyte_raw_id = (select min(_airbyte_raw_id) from main.order_items "
                           "where line_value > 0 and _airbyte_raw_id not like '%-old')")
    done = dbt(copy, tmp_path, "build", "--select", "stg_centra__order_items+")
    assert done.returncode != 0
    assert "FAIL 1 assert_order_lines_reconcile_with_orders" in done.stdout, done.stdout[-3000:]
