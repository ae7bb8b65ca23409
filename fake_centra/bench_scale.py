"""Scale check: build and start a fake with N orders (default 1,000,000), run a few typical
requests, and print start seconds, request timings and peak RSS.

    python -m fake_centra.bench_scale [--orders 1000000] [--products 5000]

It also pages one warehouse's stock and one pricelist's prices (limit 200) and reports their counts.

Targets: start < 60 s, peak RSS < 2 GB.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import urllib.request

import psutil

from .fake import FakeCentra

QUERY = """query($from: DateTimeTz!, $to: DateTimeTz!, $after: String) {
  orderConnection(first: 100, after: $after, sort: [number_ASC],
                  where: {updatedAt: {from: $from, to: $to}, storeId: [1]}) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id number updatedAt grandTotal { value }
      lines(includeFullyCancelled: true) { id quantity lineValue { value } } } }
  }
}"""


STOCK_QUERY = """query($page: Int!) { warehouses(where: {id: [1]}) { id stock(limit: 200, page: $page) {
  freeToAllocateQuantity physicalQuantity productSize { id SKU EAN } } } }"""
PRICE_QUERY = """query($page: Int!) { pricelists(where: {id: [1]}) { id prices(limit: 200, page: $page) {
  id price { value } productVariant { id } } } }"""


def _peak_sampler(proc: psutil.Process, peak: list[int], stop: threading.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], proc.memory_info().rss)
        stop.wait(0.05)


def _post(fake: FakeCentra, query: str, variables: dict) -> dict:
    req = urllib.request.Request(fake.url, json.dumps({"query": query, "variables": variables}).encode(),
                                 {"Authorization": f"Bearer {fake.token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--products", type=int, default=None, help="catalog size (default: orders // 25, at most 2000)")
    args = ap.parse_args()
    proc = psutil.Process()
    peak, stop = [proc.memory_info().rss], threading.Event()
    threading.Thread(target=_peak_sampler, args=(proc, peak, stop), daemon=True).start()
    t0 = time.perf_counter()
    fake = FakeCentra(orders=args.orders, seed=7, quota_requests=10**9, quota_complexity=10**12,
                      quota_requests_hour=10**9, quota_complexity_hour=10**12, products=args.products)
    fake.start()
    start_s = time.perf_counter() - t0
    print(f"orders: {args.orders:,}  products: {len(fake.data.catalog):,}  customers: "
          f"{fake.data.count_customers():,}  invoices: {fake.data.count_invoices():,}  stock rows: "
          f"{fake.data.count_stock():,}  prices: {fake.data.count_prices():,}")
    print(f"start_seconds: {start_s:.2f}")
    variables = {"from": "2025-03-01T00:00:00+01:00", "to": "2025-03-31T23:59:59+02:00", "after": None}
    timings = []
    for _ in range(5):
        t = time.perf_counter()
        page = _post(fake, QUERY, variables)["data"]["orderConnection"]
        timings.append(time.perf_counter() - t)
        variables["after"] = page["pageInfo"]["endCursor"]
    print(f"window_total_count: {page['totalCount']}")
    rest = ", ".join(f"{x * 1000:.1f}" for x in timings[1:])
    print(f"first_page_ms: {timings[0] * 1000:.1f}  next_pages_ms: {rest}")
    for name, query, root, nested in (("stock", STOCK_QUERY, "warehouses", "stock"),
                                      ("prices", PRICE_QUERY, "pricelists", "prices")):
        t = time.perf_counter()
        first = _post(fake, query, {"page": 1})["data"][root][0][nested]
        t1 = time.perf_counter() - t
        t = time.perf_counter()
        _post(fake, query, {"page": 2})
        print(f"{name}_first_page_ms: {t1 * 1000:.1f}  {name}_next_page_ms: {(time.perf_counter() - t) * 1000:.1f}"
              f"  ({len(first)} rows)")
    t = time.perf_counter()
    oid = fake.data.create_order()
    fake.data.update_order(oid, status="CONFIRMED")
    print(f"mutation_ms: {(time.perf_counter() - t) * 1000:.1f}")
    fake.stop()
    stop.set()
    peak[0] = max(peak[0], proc.memory_info().rss)
    print(f"peak_rss_mb: {peak[0] / 2**20:.0f}")


if __name__ == "__main__":
    main()
