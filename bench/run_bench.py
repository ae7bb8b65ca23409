"""Throughput benchmark: the connector's order_items stream against the floor client, on the fake.

    .venv/bin/python bench/run_bench.py [--lines 10000,1000000] [--page-size 100] [--repeat 1]

For each size: start the fake as a process (fast mode: response cache on, quotas far above use,
zero latency) with enough orders for about that many order lines, read the store ids and the base
currency once, WARM the fake's response cache with one floor pass (so later runs measure the client,
not the fake's GraphQL execution), then run, each as a child process with stdout to a file:

- connector: ``bench/connector_fixed_clock.py read`` = the ``source-centra`` entry point with the
  sync start pinned (so its window variables equal the warm pass's and hit the cache), a catalog of
  only order_items, full refresh, no state;
- floor: ``bench/floor_client.py`` (requests + json, same pages, same record function).

Measured per run: wall seconds, records/s, CPU seconds (user+sys of the child from ``os.wait4``)
per 10k records, peak RSS (``ru_maxrss`` of the child; psutil polling every 50 ms as a cross-check),
requests by root field from the fake's stats delta. Prints one table and the targets' verdicts.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
if not Path(PY).exists():
    PY = sys.executable
SYNC_START = "2026-01-01T00:00:00+00:00"  # after all fake data (generator.EPOCH_END = 2025-12-31)
WINDOW_FROM = "2000-01-01T00:00:00+00:00"  # state.EPOCH: the connector's window start without start_date
LINES_PER_ORDER = 2.24  # fake_centra/details.py: 1-5 lines with weights 35/30/18/10/7 (mean 2.24)
HIGH = 2_000_000_000

# The fake's response cache holds 4096 responses, evicted first-in-first-out (fake_centra/engine.py
# _RESPONSE_CACHE). A 1M-line order_items sync at page_size 100 is ~4,500 pages, and a sequential scan
# larger than a FIFO cache misses on every page. The fake is started through this stub, which raises
# the module constant at runtime (fake_centra/ itself is not changed).
FAKE_STUB = (
    "import sys, fake_centra.engine as e; e._RESPONSE_CACHE = int(sys.argv[1]); "
    "from fake_centra.cli import main; sys.exit(main(sys.argv[2:]))"
)


# ------------------------------------------------------------------------------------------- fake

class Fake:
    def __init__(self, orders: int, seed: int, page_size: int, products: int | None = None, pages: int | None = None):
        """``products``: the fake's catalog size (``--products``; default orders // 25, 40–2,000);
        ``pages``: how many distinct responses the cache must hold (default: the order pages + 64)."""
        pages = pages or orders // page_size + 64
        args = [PY, "-c", FAKE_STUB, str(max(4096, 2 * pages)), "serve", "--port", "0", "--orders", str(orders),
                "--seed", str(seed), "--cache", "--latency-ms", "0",
                *(["--products", str(products)] if products else []),
                "--quota-requests", str(HIGH), "--quota-complexity", str(HIGH),
                "--quota-requests-hour", str(HIGH), "--quota-complexity-hour", str(HIGH)]
        started = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.url = self._line("endpoint")
        self.token = self._line("token")
        self.admin_secret = self._line("admin_secret")
        self.start_seconds = time.monotonic() - started

    def _line(self, key: str) -> str:
        line = self.proc.stdout.readline().strip()
        if not line.startswith(f"{key}: "):
            self.stop()
            raise RuntimeError(f"fake-centra did not print '{key}:' (got {line!r})")
        return line.split(": ", 1)[1]

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        return self._post(self.url, {"query": query, "variables": variables or {}},
                          {"Authorization": f"Bearer {self.token}"})

    def admin(self, action: str, **kwargs) -> dict:
        base = self.url.rsplit("/graphql", 1)[0]
        return self._post(f"{base}/admin/{action}", kwargs, {"X-Admin-Secret": self.admin_secret})["result"]

    def planned_documents(self, streams: list[str]) -> dict[str, str]:
        """The exact documents the connector sends (and nested streams' parents lists), planned in a
        child process (``bench/prepare.py documents``) so this process stays small (see there)."""
        out = subprocess.run([PY, str(ROOT / "bench" / "prepare.py"), "documents", self.url, self.token, *streams],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    @staticmethod
    def _post(url: str, body: dict, headers: dict) -> dict:
        request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json", **headers})
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ------------------------------------------------------------------------------------------- runs

@dataclass
class Result:
    client: str
    lines_target: int
    records: int
    wall: float
    cpu: float
    peak_rss_mb: float
    polled_rss_mb: float
    roots: dict = field(default_factory=dict)
    exit_code: int = 0
    digest: str = ""
    startup: float = 0.0
    minimal_pages: int = 0
    load: float = 0.0  # 1-minute load average when the run started (other processes competing for the CPUs)
    complexity: int = 0  # the fake's complexity_total delta over the run (every request, data or not)
    streams: dict = field(default_factory=dict)  # records per stream

    @property
    def data_requests(self) -> int:
        return self.roots.get("orderConnection", 0)

    @property
    def extra(self) -> str:
        others = {k: v for k, v in sorted(self.roots.items()) if k != "orderConnection"}
        return " ".join(f"{k}={v}" for k, v in others.items()) or "-"


def measure(name: str, args: list[str], fake: Fake, out_path: Path, lines_target: int) -> Result:
    """Run ``args`` as a child with stdout to ``out_path``; wall, CPU and peak RSS of that child only."""
    fake.admin("reset_stats")
    load = os.getloadavg()[0]
    polled = [0]
    stop = threading.Event()
    with open(out_path, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE, cwd=ROOT)

        def poll() -> None:
            try:
                ps = psutil.Process(proc.pid)
                while not stop.is_set():
                    polled[0] = max(polled[0], ps.memory_info().rss)
                    stop.wait(0.05)
            except psutil.Error:
                pass

        sampler = threading.Thread(target=poll, daemon=True)
        sampler.start()
        stderr_chunks: list[bytes] = []
        reader = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()), daemon=True)
        reader.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        sampler.join()
        reader.join()
    stats = fake.admin("stats")
    records, digest, streams = count_records(out_path)
    result = Result(name, lines_target, records, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                    polled[0] / 2**20, stats["by_root_field"], proc.returncode, digest, load=load,
                    complexity=stats["complexity_total"], streams=streams)
    if proc.returncode != 0 or stats["throttled_429"]:
        sys.stderr.write(f"{name}: exit {proc.returncode}, 429s {stats['throttled_429']}\n"
                         f"{b''.join(stderr_chunks).decode(errors='replace')[-3000:]}\n")
    return result


def count_records(path: Path) -> tuple[int, str, dict]:
    """RECORD messages in ``path``, an order-insensitive digest of their data (emitted_at excluded),
    and the records per stream: the connector reads stores concurrently, so records of different
    stores interleave.

    Null fields are left out of the digest: the CDK's message serializer omits keys whose value is
    None from the record data, the floor writes them as null; both mean the same to a destination."""
    count, total, streams = 0, 0, {}
    with open(path, "rb") as handle:
        for line in handle:
            if line.startswith(b'{"type":"RECORD"'):
                count += 1
                record = json.loads(line)["record"]
                streams[record["stream"]] = streams.get(record["stream"], 0) + 1
                data = {k: v for k, v in record["data"].items() if v is not None}
                total += int.from_bytes(hashlib.sha256(json.dumps(data, sort_keys=True).encode()).digest(), "big")
    return count, f"{total % 2**256:064x}"[:12], streams


def startup_seconds(args: list[str], runs: int = 3) -> float:
    """Fastest wall time of a command that only imports and exits (the client's fixed start-up cost)."""
    best_seen = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, check=True)
        best_seen = min(best_seen, time.perf_counter() - started)
    return best_seen


def bench_size(lines: int, seed: int, page_size: int, repeat: int, workdir: Path, profile: bool,
               connector_script: str) -> list[Result]:
    orders = max(1, round(lines / LINES_PER_ORDER))
    fake = Fake(orders, seed, page_size)
    try:
        print(f"# {lines:,} lines target: fake with {orders:,} orders started in {fake.start_seconds:.1f}s", flush=True)
        stores = sorted(s["id"] for s in fake.graphql("{ stores(limit: 200) { id } }")["data"]["stores"])
        base = fake.graphql("{ currencies(where: {isBase: true}, limit: 1) { code } }")["data"]["currencies"][0]["code"]
        counts = {}
        for store in stores:
            page = fake.graphql(
                "query($w: OrderFilter!) { orderConnection(where: $w, first: 1) { totalCount } }",
                {"w": {"storeId": [store], "updatedAt": {"from": WINDOW_FROM, "to": SYNC_START}}})
            counts[store] = page["data"]["orderConnection"]["totalCount"]
        minimal_pages = sum(max(1, math.ceil(n / page_size)) for n in counts.values())
        print(f"# orders per store {counts}; minimal data pages {minimal_pages}", flush=True)

        config = {"endpoint_url": fake.url, "api_token": fake.token, "page_size": page_size}
        catalog = json.loads((ROOT / "integration_tests" / "configured_catalog.json").read_text())
        catalog["streams"] = [dict(s, sync_mode="full_refresh", destination_sync_mode="overwrite")
                              for s in catalog["streams"] if s["stream"]["name"] == "order_items"]
        (workdir / "config.json").write_text(json.dumps(config))
        (workdir / "catalog.json").write_text(json.dumps(catalog))
        (workdir / "order_items.graphql").write_text(fake.planned_documents(["order_items"])["order_items"])
        connector = [PY, connector_script, "read",
                     "--config", str(workdir / "config.json"), "--catalog", str(workdir / "catalog.json")]
        floor = [PY, str(ROOT / "bench" / "floor_client.py"), "--url", fake.url, "--token", fake.token,
                 "--stores", ",".join(map(str, stores)), "--from", WINDOW_FROM, "--to", SYNC_START,
                 "--page-size", str(page_size), "--base-currency", base,
                 "--document", f"order_items={workdir / 'order_items.graphql'}"]
        out = workdir / "out.jsonl"

        started = time.monotonic()
        warm = measure("warm (floor)", floor + ["--out", "/dev/null"], fake, Path(os.devnull), lines)
        if warm.exit_code != 0:
            raise SystemExit("the warm pass (floor) failed; see above")
        print(f"# warm pass: {warm.data_requests} pages in {time.monotonic() - started:.1f}s", flush=True)

        startup = {"connector": startup_seconds([PY, connector_script, "spec"]),
                   "floor": startup_seconds([PY, str(ROOT / "bench" / "floor_client.py"), "--help"])}
        results = []
        for _ in range(repeat):
            for name, args in (("connector", connector), ("floor", floor + ["--out", "/dev/stdout"])):
                result = measure(name, args, fake, out, lines)
                result.minimal_pages = minimal_pages
                result.startup = startup[name]
                results.append(result)
                print(f"#   {name}: {result.records:,} records in {result.wall:.1f}s", flush=True)
        out.unlink(missing_ok=True)
        if profile:
            prof = Path(tempfile.gettempdir()) / f"centra-bench-connector-{lines}.prof"
            args = [PY, "-m", "cProfile", "-o", str(prof)] + connector[1:]
            measure("connector (cProfile)", args, fake, Path(os.devnull), lines)
            print_profile(prof)
        return results
    finally:
        fake.stop()


def print_profile(path: Path, top: int = 15) -> None:
    import pstats

    print(f"\n# cProfile of the connector run, top {top} by cumulative time ({path})")
    pstats.Stats(str(path)).sort_stats("cumulative").print_stats(top)
    print(f"# top {top} by own time")
    pstats.Stats(str(path)).sort_stats("tottime").print_stats(top)


# ------------------------------------------------------------------------------------------- report

def best(results: list[Result], client: str, lines: int) -> Result:
    runs = [r for r in results if r.client == client and r.lines_target == lines]
    return min(runs, key=lambda r: r.wall)


def table(results: list[Result], sizes: list[int]) -> str:
    head = ("| lines target | client | records | wall s | records/s | CPU s | CPU s/10k rec | peak RSS MB "
            "| data pages (min) | pages/1k rec | other requests | wall vs floor | CPU vs floor | start-up s "
            "| wall excl. start-up vs floor | records digest | load at start |")
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for lines in sizes:
        floor = best(results, "floor", lines)
        for client in ("connector", "floor"):
            r = best(results, client, lines)
            rate = r.records / r.wall if r.wall else 0
            per10k = r.cpu / r.records * 10_000 if r.records else 0
            per1k = r.data_requests / r.records * 1000 if r.records else 0
            ratio = f"{r.wall / floor.wall:.2f}x" if client == "connector" else "1.00x"
            cpu_ratio = f"{r.cpu / floor.cpu:.2f}x" if client == "connector" else "1.00x"
            steady = (r.wall - r.startup) / (floor.wall - floor.startup)
            rows.append(f"| {lines:,} | {client} | {r.records:,} | {r.wall:.2f} | {rate:,.0f} | {r.cpu:.2f} | {per10k:.2f} "
                        f"| {r.peak_rss_mb:.0f} | {r.data_requests} ({r.minimal_pages}) | {per1k:.2f} | {r.extra} | {ratio} "
                        f"| {cpu_ratio} | {r.startup:.2f} | {steady:.2f}x | {r.digest} | {r.load:.1f} |")
    return "\n".join(rows)


def verdicts(results: list[Result], sizes: list[int]) -> str:
    lines_out = []
    for lines in sizes:
        c, f = best(results, "connector", lines), best(results, "floor", lines)
        ratio = c.wall / f.wall
        steady = (c.wall - c.startup) / (f.wall - f.startup)
        lines_out.append(f"- {lines:,} lines: wall {ratio:.2f}x floor (target <= 1.5x): {'MET' if ratio <= 1.5 else 'NOT MET'}; "
                         f"CPU {c.cpu / f.cpu:.2f}x floor; excluding start-up ({c.startup:.2f}s vs {f.startup:.2f}s) "
                         f"{steady:.2f}x; same records as the floor: {'yes' if c.digest == f.digest else 'NO'}")
        wasted = c.data_requests - c.minimal_pages
        lines_out.append(f"- {lines:,} lines: data pages connector {c.data_requests}, floor {f.data_requests}, minimum "
                         f"{c.minimal_pages}: {'MET (no wasted page)' if wasted == 0 and c.records == f.records else f'NOT MET ({wasted:+d} pages)'}; "
                         f"records connector {c.records:,} vs floor {f.records:,}; connector extra requests: {c.extra}")
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        cs, cl = best(results, "connector", small), best(results, "connector", large)
        growth = cl.peak_rss_mb / cs.peak_rss_mb
        met = growth <= 1.2 and cl.peak_rss_mb < 300
        lines_out.append(f"- peak RSS {large:,} vs {small:,} lines: {cl.peak_rss_mb:.0f} MB vs {cs.peak_rss_mb:.0f} MB = "
                         f"{growth:.2f}x (target <= 1.2x and < 300 MB): {'MET' if met else 'NOT MET'}")
    return "\n".join(lines_out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", default="10000,1000000", help="comma-separated order-line targets")
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=1, help="runs per client; the fastest is reported")
    ap.add_argument("--profile", action="store_true", help="also cProfile one connector run per size")
    ap.add_argument("--connector", default=str(ROOT / "bench" / "connector_fixed_clock.py"),
                    help="script run as the connector (A/B a patched variant; it must pin the sync start too)")
    ap.add_argument("--snapshot", action="store_true",
                    help="benchmark the stock + prices snapshot streams instead (bench/snapshot_bench.py; sizes by --products)")
    ap.add_argument("--products", default="250,2500",
                    help="--snapshot: comma-separated catalog sizes (the fake's --products); 2,500 ≈ 5,000 variants")
    args = ap.parse_args(argv)
    if args.snapshot:
        from snapshot_bench import run_snapshot

        return run_snapshot([int(x) for x in args.products.split(",") if x], args.seed, args.repeat, args.profile,
                            args.connector)
    sizes = [int(x) for x in args.lines.split(",") if x]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="centra-bench-") as tmp:
        for lines in sizes:
            results += bench_size(lines, args.seed, args.page_size, args.repeat, Path(tmp), args.profile,
                                  args.connector)
    print()
    print(table(results, sizes))
    print()
    print(verdicts(results, sizes))
    print(f"\n(load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
