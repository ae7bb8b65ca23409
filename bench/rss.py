"""Peak RSS (ru_maxrss) of the connector per catalog, against a fake with N orders and quotas far above use:

    nice .venv/bin/python bench/rss.py 20000 all purchase_order_deliveries orders+order_items all-stock_changes@50

A group is ``all`` (the default catalog), ``a+b`` (those streams), ``all-a-b`` (all but those), with
``@page_size`` (default 100). Which stream's memory grows with the shop: run two sizes, compare the rows.
``RUNNER=<script>`` runs another entry point (e.g. one under tracemalloc) instead of
bench/connector_fixed_clock.py. Prints one tab-separated row per group.
"""
import json, os, subprocess, sys, time
from pathlib import Path
ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")
n = int(sys.argv[1]); groups = sys.argv[2:]
import tempfile
work = Path(tempfile.mkdtemp(prefix=f"centra-rss-{n}-"))
env = {**os.environ, "PYTHONPATH": str(ROOT)}
fake = subprocess.Popen([PY, "-m", "fake_centra", "serve", "--port", "0", "--orders", str(n), "--seed", "7",
                         "--latency-ms", "0", "--quota-requests", "100000000", "--quota-complexity", "100000000000",
                         "--quota-requests-hour", "1000000000", "--quota-complexity-hour", "1000000000000"],
                        stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
info = {}
while len(info) < 2:
    line = fake.stdout.readline()
    if not line: raise SystemExit("fake died")
    for k in ("endpoint", "token"):
        if line.startswith(k):
            info[k] = line.split(None, 1)[1].strip() if " " in line else line.split("=",1)[1].strip()
try:
    cat = json.loads((ROOT / "integration_tests/configured_catalog.json").read_text())
    (work / "config.json").write_text(json.dumps({"endpoint_url": info["endpoint"], "api_token": info["token"],
                                                  "page_size": int(os.environ.get("PAGE_SIZE", "100")), "max_rate_limit_wait_seconds": 86400}))
    for g in groups:
        g, _, ps = g.partition("@")
        cfg = json.loads((work / "config.json").read_text()); cfg["page_size"] = int(ps or os.environ.get("PAGE_SIZE", "100")); (work / "config.json").write_text(json.dumps(cfg))
        names = None if g.startswith("all") else set(g.split("+"))
        drop = set(g.split("-")[1:])
        c = {**cat, "streams": [s for s in cat["streams"] if (names is None or s["stream"]["name"] in names) and s["stream"]["name"] not in drop]}
        (work / "catalog.json").write_text(json.dumps(c))
        t = time.monotonic()
        with open(work / "out.jsonl", "wb") as out, open(work / "err.log", "wb") as err:
            p = subprocess.Popen([PY, *os.environ.get("PYARGS", "").split(), os.environ.get("RUNNER", str(ROOT / "bench/connector_fixed_clock.py")), "read", "--config", str(work / "config.json"),
                                  "--catalog", str(work / "catalog.json")], stdout=out, stderr=err, cwd=ROOT, env=env)
            _, status, usage = os.wait4(p.pid, 0)
        recs = sum(1 for l in open(work / "out.jsonl") if l.startswith('{"type":"RECORD"'))
        print(f"{n}\t{g}@{ps}\trc={os.waitstatus_to_exitcode(status)}\trecords={recs}\trss_mb={usage.ru_maxrss/1024:.0f}\treal={time.monotonic()-t:.0f}s", flush=True)
finally:
    fake.terminate(); fake.wait()
