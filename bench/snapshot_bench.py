"""Snapshot benchmark: the connector's ``stock`` + ``prices`` streams against the floor client, on the fake.

    .venv/bin/python bench/run_bench.py --snapshot [--products 250,2500] [--repeat 1] [--profile]

For each catalog size (the fake's ``--products``; the generator makes 1–3 variants per product, mean
2, and 1, 3, 4 or 5 sizes per variant, mean 3.25; 4 warehouses and 8 pricelists, fixed): start the
fake in fast mode (response cache, zero latency, quotas far above use), plan the two documents the
way the connector does (one introspection, ``Fake.planned_documents``), list the parents (warehouses,
pricelists) with the connector's own parents query (``plan.parents_document``), WARM the response
cache with one floor pass, then run each client as a child process with stdout to a file:

- connector: ``bench/connector_fixed_clock.py read`` (the ``source-centra`` entry point; the pinned
  sync start makes ``synced_at`` equal to the floor's), a catalog of only ``stock`` and ``prices``,
  full refresh, no state;
- floor: ``bench/floor_client.py --snapshot stock=… --snapshot prices=…`` (requests + json, the
  same documents and variables, per parent ``limit: 200`` paged until short, the same record functions).

Measured per run as ``run_bench.py`` does for order_items, plus the complexity the fake charged
(``complexity_total`` delta). The connector's requests beyond the data pages (introspection
``__schema``, ``rateLimits``, one parents list per stream) are counted separately: the fake counts
requests by root field, and a parents list has the same root (``warehouses``/``pricelists``) as the
data pages, so data pages = requests to those roots − the parent lists the connector sends
(``ceil((parents + 1) / 200)`` per stream: one here).
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from run_bench import PY, ROOT, SYNC_START, Fake, Result, measure, print_profile, startup_seconds

STREAMS = ("stock", "prices")  # read in this order by both clients (the catalog's order)
ROOTS = {"stock": "warehouses", "prices": "pricelists"}
NESTED_PAGE_SIZE = 200  # source_centra/stream.py NESTED_PAGE_SIZE
ORDERS = 1000  # the fake needs some orders; they are not read here


def expected_rows(products: int, seed: int) -> dict:
    """Rows per parent per stream from the fake's data model (``bench/prepare.py rows``, a child
    process so this one stays small)."""
    out = json.loads(subprocess.run([PY, str(ROOT / "bench" / "prepare.py"), "rows", str(products), str(seed), str(ORDERS)],
                                    cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    for stream in STREAMS:
        out[stream] = {int(k): v for k, v in out[stream].items()}
    return out


def data_pages(result: Result, parent_lists: dict[str, int]) -> int:
    return sum(result.roots.get(ROOTS[s], 0) - (parent_lists[s] if result.client.startswith("connector") else 0)
               for s in STREAMS)


def extra_requests(result: Result, parent_lists: dict[str, int]) -> str:
    others = {k: v for k, v in sorted(result.roots.items()) if k not in ROOTS.values()}
    if result.client.startswith("connector"):
        others.update({f"{ROOTS[s]} (parents)": parent_lists[s] for s in STREAMS})
    return " ".join(f"{k}={v}" for k, v in others.items()) or "-"


def bench_products(products: int, seed: int, repeat: int, workdir: Path, profile: bool,
                   connector_script: str) -> tuple[list[Result], dict]:
    expected = expected_rows(products, seed)
    minimal = {s: sum(n // NESTED_PAGE_SIZE + 1 for n in expected[s].values()) for s in STREAMS}
    fake = Fake(ORDERS, seed, NESTED_PAGE_SIZE, products=products, pages=sum(minimal.values()) + 64)
    try:
        print(f"# {products:,} products ({expected['variants']:,} variants): fake started in {fake.start_seconds:.1f}s",
              flush=True)
        documents = fake.planned_documents(list(STREAMS))
        parents, parent_complexity, parent_lists = {}, {}, {}
        for stream in STREAMS:
            (workdir / f"{stream}.graphql").write_text(documents[stream])
            query = documents[f"parents:{stream}"]
            ids, number, parent_complexity[stream], parent_lists[stream] = [], 1, 0, 0
            while True:
                answer = fake.graphql(query, {"limit": 200, "page": number})
                parent_lists[stream] += 1
                parent_complexity[stream] += answer["extensions"]["complexity"]
                rows = answer["data"]["result"]
                ids += [int(r["id"]) for r in rows]
                if len(rows) < 200:
                    break
                number += 1
            parents[stream] = sorted(ids)
            assert set(parents[stream]) == set(expected[stream]), (stream, parents[stream], sorted(expected[stream]))
        info = {"products": products, "variants": expected["variants"],
                "rows": {s: sum(expected[s].values()) for s in STREAMS},
                "parents": {s: len(parents[s]) for s in STREAMS}, "minimal_pages": minimal,
                "parent_lists": parent_lists, "parent_complexity": parent_complexity}
        print(f"# parents {parents}; rows {info['rows']}; minimal data pages {minimal}", flush=True)

        config = {"endpoint_url": fake.url, "api_token": fake.token}
        catalog = json.loads((ROOT / "integration_tests" / "configured_catalog.json").read_text())
        by_name = {s["stream"]["name"]: s for s in catalog["streams"]}
        catalog["streams"] = [dict(by_name[name], sync_mode="full_refresh", destination_sync_mode="overwrite")
                              for name in STREAMS]
        (workdir / "config.json").write_text(json.dumps(config))
        (workdir / "catalog.json").write_text(json.dumps(catalog))
        connector = [PY, connector_script, "read",
                     "--config", str(workdir / "config.json"), "--catalog", str(workdir / "catalog.json")]
        floor = [PY, str(ROOT / "bench" / "floor_client.py"), "--url", fake.url, "--token", fake.token,
                 "--synced-at", SYNC_START]
        for stream in STREAMS:
            floor += ["--snapshot", f"{stream}={','.join(map(str, parents[stream]))}",
                      "--document", f"{stream}={workdir / f'{stream}.graphql'}"]
        out = workdir / "out.jsonl"

        started = time.monotonic()
        warm = measure("warm (floor)", floor + ["--out", "/dev/null"], fake, Path(os.devnull), products)
        if warm.exit_code != 0:
            raise SystemExit("the warm pass (floor) failed; see above")
        print(f"# warm pass: {data_pages(warm, parent_lists)} pages in {time.monotonic() - started:.1f}s "
              f"(uncached), complexity {warm.complexity:,}", flush=True)

        startup = {"connector": startup_seconds([PY, connector_script, "spec"]),
                   "floor": startup_seconds([PY, str(ROOT / "bench" / "floor_client.py"), "--help"])}
        results = []
        for _ in range(repeat):
            for name, args in (("connector", connector), ("floor", floor + ["--out", "/dev/stdout"])):
                result = measure(name, args, fake, out, products)
                result.startup = startup[name]
                result.minimal_pages = sum(minimal.values())
                results.append(result)
                print(f"#   {name}: {result.records:,} records {result.streams} in {result.wall:.2f}s "
                      f"(load {result.load:.2f})", flush=True)
        out.unlink(missing_ok=True)
        if profile:
            prof = Path(tempfile.gettempdir()) / f"centra-bench-snapshot-{products}.prof"
            measure("connector (cProfile)", [PY, "-m", "cProfile", "-o", str(prof)] + connector[1:], fake,
                    Path(os.devnull), products)
            print_profile(prof, top=25)
        return results, info
    finally:
        fake.stop()


def best(results: list[Result], client: str, products: int) -> Result:
    return min((r for r in results if r.client == client and r.lines_target == products), key=lambda r: r.wall)


def table(results: list[Result], infos: dict[int, dict]) -> str:
    head = ("| products (variants) | client | stock rows | prices | records | wall s | records/s | CPU s | peak RSS MB "
            "| data pages (min) | other requests | complexity | complexity vs floor | wall vs floor | CPU vs floor "
            "| start-up s | wall excl. start-up vs floor | records digest | load at start |")
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for products, info in infos.items():
        floor = best(results, "floor", products)
        for client in ("connector", "floor"):
            r = best(results, client, products)
            rate = r.records / r.wall if r.wall else 0
            vs = (lambda a, b: f"{a / b:.2f}x") if client == "connector" else (lambda a, b: "1.00x")
            steady = (r.wall - r.startup) / (floor.wall - floor.startup)
            rows.append(
                f"| {products:,} ({info['variants']:,}) | {client} | {r.streams.get('stock', 0):,} "
                f"| {r.streams.get('prices', 0):,} | {r.records:,} | {r.wall:.2f} | {rate:,.0f} | {r.cpu:.2f} "
                f"| {r.peak_rss_mb:.0f} | {data_pages(r, info['parent_lists'])} ({r.minimal_pages}) "
                f"| {extra_requests(r, info['parent_lists'])} | {r.complexity:,} | {vs(r.complexity, floor.complexity)} "
                f"| {vs(r.wall, floor.wall)} | {vs(r.cpu, floor.cpu)} | {r.startup:.2f} | {steady:.2f}x | {r.digest} "
                f"| {r.load:.2f} |")
    return "\n".join(rows)


def verdicts(results: list[Result], infos: dict[int, dict]) -> str:
    out = []
    for products, info in infos.items():
        c, f = best(results, "connector", products), best(results, "floor", products)
        steady = (c.wall - c.startup) / (f.wall - f.startup)
        pages_c, pages_f = data_pages(c, info["parent_lists"]), data_pages(f, info["parent_lists"])
        extra = c.complexity - f.complexity
        parents_cx = sum(info["parent_complexity"].values())
        out.append(
            f"- {products:,} products: {info['rows']['stock']:,} stock rows ({info['parents']['stock']} warehouses), "
            f"{info['rows']['prices']:,} prices ({info['parents']['prices']} pricelists); wall {c.wall / f.wall:.2f}x "
            f"floor, excluding start-up ({c.startup:.2f}s vs {f.startup:.2f}s) {steady:.2f}x (target <= 1.5x): "
            f"{'MET' if steady <= 1.5 else 'NOT MET'}; CPU {c.cpu / f.cpu:.2f}x; same records as the floor: "
            f"{'yes' if c.digest == f.digest and c.records == f.records else 'NO'}")
        out.append(
            f"- {products:,} products: data pages connector {pages_c}, floor {pages_f}, minimum {c.minimal_pages} "
            f"({'MET: no wasted page' if pages_c == pages_f == c.minimal_pages else 'NOT MET'}); complexity connector "
            f"{c.complexity:,} vs floor {f.complexity:,} (+{extra:,}: parents lists {parents_cx:,}, introspection "
            f"and rateLimits {extra - parents_cx:,}); complexity per data page {f.complexity / max(1, pages_f):,.0f}")
    if len(infos) > 1:
        small, large = list(infos)[0], list(infos)[-1]
        c = {k: best(results, "connector", k) for k in (small, large)}
        f = {k: best(results, "floor", k) for k in (small, large)}
        extra_records = c[large].records - c[small].records
        dc, df = c[large].wall - c[small].wall, f[large].wall - f[small].wall
        out.append(f"- marginal cost {small:,} → {large:,} products (+{extra_records:,} records, start-up and other fixed "
                   f"costs cancel): connector {dc:.2f}s ({extra_records / dc:,.0f} records/s), floor {df:.2f}s "
                   f"({extra_records / df:,.0f} records/s) = {dc / df:.2f}x; connector fixed cost "
                   f"{c[small].wall - c[small].records * dc / extra_records:.2f}s, floor "
                   f"{f[small].wall - f[small].records * df / extra_records:.2f}s")
        for client in ("connector", "floor"):
            cs, cl = best(results, client, small), best(results, client, large)
            growth = cl.peak_rss_mb / cs.peak_rss_mb
            verdict = f": {'MET' if growth <= 1.2 and cl.peak_rss_mb < 300 else 'NOT MET'}" if client == "connector" else ""
            out.append(f"- {client} peak RSS {large:,} vs {small:,} products ({cl.records:,} vs {cs.records:,} records): "
                       f"{cl.peak_rss_mb:.0f} MB vs {cs.peak_rss_mb:.0f} MB = {growth:.2f}x"
                       f"{' (target <= 1.2x and < 300 MB)' if client == 'connector' else ''}{verdict}")
    return "\n".join(out)


def run_snapshot(sizes: list[int], seed: int, repeat: int, profile: bool, connector_script: str) -> int:
    results: list[Result] = []
    infos: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="centra-bench-snapshot-") as tmp:
        for products in sizes:
            got, infos[products] = bench_products(products, seed, repeat, Path(tmp), profile and products == sizes[-1],
                                                  connector_script)
            results += got
    print()
    print(table(results, infos))
    print()
    print(verdicts(results, infos))
    print(f"\n(load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs)")
    return 0

