"""A first sync of a large shop at Centra's quotas, on a simulated clock: does it finish within what its
share allows?

    .venv/bin/python bench/scale_bench.py [--orders 10000,1000000] [--share 0.5] [--page-size 100]

Per size: the fake (a child process) with that many orders, the Growth plan's quotas (60 requests
and 250k complexity per 10 s, 5,000 requests and 30M complexity per hour, sliding windows) and its
rate limiter on a simulated clock shared with the connector (bench/sim_clock.py); the connector
(``bench/connector_fixed_clock.py read``, sync start pinned) reads the full default catalog
(integration_tests/configured_catalog.json, no state) at ``rate_limit_share`` 0.5. Pacing waits and
429s advance the simulated clock; answers take no simulated time. Prints:

- predicted wall time: the least time the share allows for the points and requests the sync spent
  (``predicted_hours``): per budget, a tenth of the hourly share at once, the rest of the first hour's
  share over that hour, then the share per hour — about points ÷ (share × 30M) hours for a long sync —
  and never faster than the 10-second budgets (share × 60 requests, share × 250k points);
- achieved wall time: the simulated clock at the end (and the real seconds the run took);
- complexity per order, requests by root field, 429s (expected 0), the connector's peak RSS
  (``ru_maxrss`` of its process; flat: the large run at most 1.2× the small one);
- the shared passes: pages fetched once for several streams.

The fake serves three stores (fake_centra/refdata.py STORES), not five.

Where the real seconds go: ``CENTRA_BENCH_PROFILE=<dir>`` writes a cProfile of the connector and of the
fake's request handling per size (bench/profiling.py).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from cost_bench import floor, followed, node_counts  # noqa: E402
from run_bench import PY, Fake, count_records  # noqa: E402
from sim_clock import START, SimClock  # noqa: E402

GROWTH = {"quota_requests": 60, "quota_complexity": 250_000, "quota_requests_hour": 5_000,
          "quota_complexity_hour": 30_000_000}
FAKE_STUB = ("import sys; sys.path.insert(0, 'bench'); import sim_clock; "
             "sim_clock.install_in_fake(sim_clock.from_environment()); "
             "import profiling; profiling.install_in_fake(); "
             "from fake_centra.cli import main; sys.exit(main(sys.argv[1:]))")


class SimFake(Fake):
    """The fake at the Growth plan's quotas, its rate limiter on the simulated clock."""

    def __init__(self, orders: int, seed: int, clock_path: Path):
        args = [PY, "-c", FAKE_STUB, "serve", "--port", "0", "--orders", str(orders), "--seed", str(seed),
                "--latency-ms", "0", "--quota-requests", str(GROWTH["quota_requests"]),
                "--quota-complexity", str(GROWTH["quota_complexity"]),
                "--quota-requests-hour", str(GROWTH["quota_requests_hour"]),
                "--quota-complexity-hour", str(GROWTH["quota_complexity_hour"])]
        started = time.monotonic()
        env = {**os.environ, "CENTRA_BENCH_SIM_CLOCK": str(clock_path)}
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        self.url = self._line("endpoint")
        self.token = self._line("token")
        self.admin_secret = self._line("admin_secret")
        self.start_seconds = time.monotonic() - started


def run_size(orders: int, seed: int, share: float, page_size: int, workdir: Path,
             leave_out: tuple[str, ...] = ()) -> dict:
    clock_path = workdir / f"clock-{orders}"
    clock = SimClock(clock_path, create=True)
    fake = SimFake(orders, seed, clock_path)
    try:
        print(f"# {orders:,} orders: fake started in {fake.start_seconds:.1f}s", flush=True)
        config = {"endpoint_url": fake.url, "api_token": fake.token, "page_size": page_size,
                  "rate_limit_share": share, "max_rate_limit_wait_seconds": 86400}
        (workdir / "config.json").write_text(json.dumps(config))
        catalog = json.loads((ROOT / "integration_tests" / "configured_catalog.json").read_text())
        catalog["streams"] = [entry for entry in catalog["streams"] if entry["stream"]["name"] not in leave_out]
        (workdir / "catalog.json").write_text(json.dumps(catalog))
        out, err = workdir / f"out-{orders}.jsonl", workdir / f"err-{orders}.log"
        env = {**os.environ, "CENTRA_BENCH_SIM_CLOCK": str(clock_path)}
        fake.admin("reset_stats")
        started = time.monotonic()
        profile = os.environ.get("CENTRA_BENCH_PROFILE")
        profiler = ["-m", "cProfile", "-o", str(Path(profile) / f"connector-{orders}.prof")] if profile else []
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            proc = subprocess.Popen([PY, *profiler, str(ROOT / "bench" / "connector_fixed_clock.py"), "read", "--config",
                                     str(workdir / "config.json"), "--catalog", str(workdir / "catalog.json")],
                                    stdout=stdout, stderr=stderr, cwd=ROOT, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
        real = time.monotonic() - started
        simulated = clock.now() - START
        if os.waitstatus_to_exitcode(status) != 0:
            sys.stderr.write(err.read_text(errors="replace")[-3000:])
            raise SystemExit(f"the connector failed at {orders:,} orders")
        stats = fake.admin("stats")
        forced = [line for line in err.read_text(errors="replace").splitlines() if line.startswith("sim clock:")]
        if os.environ.get("CENTRA_BENCH_CLOCK_DEBUG"):  # where the watchdog found participants busy (sim_clock.py)
            sys.stderr.write(err.read_text(errors="replace"))
        records, digest, per_stream = count_records(out)
        floor_points, floor_rows = floor(fake, {"records": per_stream, "nodes": node_counts(out),
                                                "followed": followed(out)}, page_size)
        sparse_floor = sum(row["sparse points"] for row in floor_rows.values())
        shared, usage_line = [], ""  # read line by line: at 1M orders the output is ~9 GB
        with open(out, "rb") as handle:
            for line in handle:
                if line.startswith(b'{"type":"LOG"') and b"Shared pass" in line:
                    shared.append(json.loads(line)["log"]["message"])
                elif line.startswith(b'{"type":"LOG"') and b"Centra API usage this sync" in line and not usage_line:
                    usage_line = json.loads(line)["log"]["message"]
        out.unlink()
    finally:
        fake.stop()
    points, requests = stats["complexity_total"], stats["requests"]
    predicted = predicted_hours(points, requests, share)
    return {"orders": orders, "records": records, "per_stream": per_stream, "points": points, "requests": requests,
            "roots": stats["by_root_field"], "root_points": stats["complexity_by_root_field"],
            "throttled": stats["throttled_429"], "predicted_hours": predicted, "simulated_hours": simulated / 3600,
            "real_seconds": real, "rss_mb": usage.ru_maxrss / 1024, "shared": shared, "usage": usage_line,
            "order_count": per_stream.get("orders", orders), "floor": floor_points, "sparse_floor": sparse_floor,
            "digest": digest, "clock": forced[-1] if forced else "sim clock: not reported"}


def predicted_hours(points: float, requests: float, share: float, burst: float = 0.1) -> float:
    """The least time (hours) the share allows for ``points`` and ``requests`` (module docstring)."""
    def hourly(needed: float, per_hour: float) -> float:
        allowed = share * per_hour
        if needed <= burst * allowed:
            return 0.0
        if needed <= allowed:
            return (needed - burst * allowed) / ((1 - burst) * allowed)
        return 1.0 + (needed - allowed) / allowed

    ten_seconds = max(requests / (share * GROWTH["quota_requests"]), points / (share * GROWTH["quota_complexity"])) * 10
    return max(hourly(points, GROWTH["quota_complexity_hour"]), hourly(requests, GROWTH["quota_requests_hour"]),
               ten_seconds / 3600)


def report(results: list[dict], share: float, page_size: int) -> str:
    lines = [f"Growth plan quotas, share {share}, page_size {page_size}, full default catalog, no state, simulated clock", "",
             "| orders | records | complexity | per order | floor per order | ÷ floor | sparse floor per order | ÷ sparse floor "
             "| requests | predicted h (share allows) | achieved h (simulated) | achieved ÷ predicted | 429s | peak RSS MB "
             "| real s | records digest |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['orders']:,} | {r['records']:,} | {r['points']:,} | {r['points'] / r['order_count']:,.1f} "
                     f"| {r['floor'] / r['order_count']:,.1f} | {r['points'] / r['floor']:.3f} "
                     f"| {r['sparse_floor'] / r['order_count']:,.1f} | {r['points'] / r['sparse_floor']:.3f} | {r['requests']:,} | {r['predicted_hours']:.2f} | {r['simulated_hours']:.2f} "
                     f"| {r['simulated_hours'] / r['predicted_hours']:.3f} | {r['throttled']} | {r['rss_mb']:.0f} "
                     f"| {r['real_seconds']:.0f} | {r['digest']} |")
    lines += ["", "Requests (and complexity) by root field:", ""]
    roots = sorted({root for r in results for root in r["roots"]}, key=lambda x: -results[-1]["roots"].get(x, 0))
    lines.append("| root | " + " | ".join(f"{r['orders']:,}: requests | points" for r in results) + " |")
    lines.append("|---|" + "---|---|" * len(results))
    for root in roots:
        lines.append(f"| {root} | " + " | ".join(f"{r['roots'].get(root, 0):,} | {r['root_points'].get(root, 0):,}"
                                                 for r in results) + " |")
    if len(results) > 1:
        small, large = results[0], results[-1]
        growth = large["rss_mb"] / small["rss_mb"]
        lines += ["", f"- peak RSS {large['orders']:,} vs {small['orders']:,} orders: {large['rss_mb']:.0f} MB vs "
                      f"{small['rss_mb']:.0f} MB = {growth:.2f}x (target ≤ 1.2x): {'MET' if growth <= 1.2 else 'NOT MET'}"]
    for r in results:
        verdict = "MET" if r["simulated_hours"] <= 1.10 * r["predicted_hours"] else "NOT MET"
        lines.append(f"- {r['orders']:,} orders: achieved {r['simulated_hours']:.2f} h vs predicted "
                     f"{r['predicted_hours']:.2f} h (within 10 %: {verdict}); {r['clock']}; {'; '.join(r['shared'])}; {r['usage']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--orders", default="10000,1000000", help="comma-separated sizes")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--share", type=float, default=0.5)
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="centra-scale-") as tmp:
        for orders in (int(x) for x in args.orders.split(",") if x):
            result = run_size(orders, args.seed, args.share, args.page_size, Path(tmp))
            print(f"#   {orders:,} orders: {result['points']:,} points, {result['requests']:,} requests, "
                  f"{result['simulated_hours']:.2f} simulated h in {result['real_seconds']:.0f} real s", flush=True)
            results.append(result)
    print()
    print(report(results, args.share, args.page_size))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
