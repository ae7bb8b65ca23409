"""Peak RSS (ru_maxrss) of the connector per catalog, against a fake with N orders and quotas far above use:

    nice .venv/bin/python bench/rss.py 20000 all purchase_order_deliveries orders+order_items all-stock_changes@50

A group is ``all`` (the default catalog), ``a+b`` (those streams), ``all-a-b`` (all but those), with
``@page_size`` (default 100). Which stream's memory grows with the shop: run two sizes, compare the rows.
``TIMELINE=1`` also prints, per stream, the connector's resident memory (VmRSS, sampled every 0.2 s)
when it started and its most while it ran, and the peak (VmHWM) when it ended: which stream raises the
peak, in one run of the whole catalog (streams run two at a time, so a row may show its neighbour's).
``RUNNER=<script>`` runs another entry point (e.g. one under tracemalloc) instead of
bench/connector_fixed_clock.py. Prints one tab-separated row per group.
"""
import json, os, subprocess, sys, time
from pathlib import Path
ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")
n = int(sys.argv[1]); groups = sys.argv[2:]
import tempfile


def _status(pid: int) -> dict[str, int]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: int(v.split()[0]) // 1024 for k, _, v in (l.partition(":") for l in lines) if k in ("VmRSS", "VmHWM")}


def timeline(p: subprocess.Popen, out_path: Path):
    """Per stream: RSS at its start, most while it ran, VmHWM at its end (MB); the process's exit status and
    resource usage when it exits."""
    running: dict[str, list[int]] = {}
    with open(out_path, "rb") as out:
        pending = b""
        while True:
            mem = _status(p.pid)
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            for row in running.values():
                row[1] = max(row[1], mem.get("VmRSS", 0))
            chunk = out.read()
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if b'"STREAM_STATUS"' not in line:
                    continue
                status = json.loads(line)["trace"]["stream_status"]
                name, state = status["stream_descriptor"]["name"], status["status"]
                if state == "STARTED":
                    running[name] = [mem.get("VmRSS", 0), mem.get("VmRSS", 0), time.monotonic()]
                elif state in ("COMPLETE", "INCOMPLETE") and name in running:
                    start, most, began = running.pop(name)
                    print(f"  {name:32s} start {start:4d}  most {most:4d}  hwm-at-end {mem.get('VmHWM', 0):4d}  "
                          f"{time.monotonic() - began:6.1f}s {state}", flush=True)
            if pid:
                return status, usage
            time.sleep(0.2)
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
            if os.environ.get("TIMELINE"):
                status, usage = timeline(p, work / "out.jsonl")
            else:
                _, status, usage = os.wait4(p.pid, 0)
        recs = sum(1 for l in open(work / "out.jsonl") if l.startswith('{"type":"RECORD"'))
        print(f"{n}\t{g}@{ps}\trc={os.waitstatus_to_exitcode(status)}\trecords={recs}\trss_mb={usage.ru_maxrss/1024:.0f}\treal={time.monotonic()-t:.0f}s", flush=True)
finally:
    fake.terminate(); fake.wait()
