"""Query complexity per 100 orders with and without order_item_allocations, and of a default sync.

    .venv/bin/python bench/cost_complexity.py [--orders 2000] [--seed 7]

Starts a fake Centra (quotas that never throttle), runs the real connector (`source-centra read`, full
refresh, page size 100) three times and prints what the fake metered (its `complexity_total` and requests
per root field, which use Centra's formula: lists × limit, × 10 without one):

1. `order_items` + `orders` (the order streams without cost);
2. the same + `order_item_allocations`;
3. every stream (the default catalog: a first sync of everything).

Figures per 100 orders, and what the Growth plan's budget (250,000 complexity / 10 s, 30,000,000 / hour,
centra-api.md §4.1) allows: orders per hour for the order streams with and without allocations, and how
long the default first sync of this fake takes on complexity alone.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fake_centra import FakeCentra  # noqa: E402
from source_centra.streams import STREAMS  # noqa: E402

BIN = Path(sys.executable).parent / "source-centra"
GROWTH_PER_HOUR = 30_000_000
GROWTH_PER_10S = 250_000


def catalog(names: list[str]) -> dict:
    return {"streams": [{"stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                         "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"} for name in names]}


def run(fake: FakeCentra, names: list[str], work: Path) -> tuple[int, dict, int]:
    (work / "config.json").write_text(json.dumps({"endpoint_url": fake.url, "api_token": fake.token, "page_size": 100}))
    (work / "catalog.json").write_text(json.dumps(catalog(names)))
    fake.reset_stats()
    done = subprocess.run([str(BIN), "read", "--config", str(work / "config.json"), "--catalog", str(work / "catalog.json")],
                          capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise SystemExit(f"connector failed: {done.stderr[-2000:]}")
    records = sum(1 for line in done.stdout.splitlines() if line.startswith('{"type":"RECORD"'))
    stats = fake.stats()
    return stats["complexity_total"], stats["by_root_field"], records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    fake = FakeCentra(orders=args.orders, seed=args.seed, quota_requests=10**9, quota_requests_hour=10**10,
                      quota_complexity=10**12, quota_complexity_hour=10**13)
    fake.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            per = 100 / args.orders
            plain, plain_roots, _ = run(fake, ["order_items", "orders"], work)
            costed, costed_roots, _ = run(fake, ["order_items", "orders", "order_item_allocations"], work)
            allocations_only, alloc_roots, alloc_records = run(fake, ["order_item_allocations"], work)
            everything, all_roots, records = run(fake, [spec.name for spec in STREAMS], work)
    finally:
        fake.stop()
    order_requests = lambda roots: roots.get("orderConnection", 0)  # noqa: E731
    print(f"# fake: {args.orders:,} orders (seed {args.seed}); connector full refresh, page_size 100; "
          f"complexity as the fake meters it (Centra's formula)")
    print(f"{'catalog':<52} {'complexity':>12} {'per 100 orders':>15} {'orderConnection requests':>25}")
    for name, total, roots in (("order_items + orders", plain, plain_roots),
                               ("order_items + orders + order_item_allocations", costed, costed_roots),
                               ("order_item_allocations alone", allocations_only, alloc_roots),
                               (f"default: all {len(STREAMS)} streams ({records:,} records)", everything, all_roots)):
        print(f"{name:<52} {total:>12,} {total * per:>15,.0f} {order_requests(roots):>25}")
    print(f"allocations add {(costed - plain) * per:,.0f} complexity per 100 orders "
          f"({costed / plain:.1f}x the order streams; {alloc_records:,} allocation records)")
    for name, total in (("without allocations", plain), ("with allocations", costed)):
        print(f"Growth plan (30M complexity / hour): {GROWTH_PER_HOUR / (total * per) * 100:,.0f} orders per hour "
              f"{name} (order streams only)")
    print(f"default first sync of this fake: {everything:,} complexity = {everything / GROWTH_PER_HOUR * 60:.1f} min of "
          f"the hourly budget, {everything / GROWTH_PER_10S * 10:.0f} s at the 10-second budget")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
