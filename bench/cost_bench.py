"""What a full sync costs in Centra's complexity points: per stream, per record, before and after, against
the floor.

    .venv/bin/python bench/cost_bench.py [--orders 10000] [--baseline DIR] [--page-size 100] [--skip-alone]

Starts the fake (a child process, quotas far above use, zero latency, no cache) with ``--orders``
orders, then runs the connector (``bench/connector_fixed_clock.py read``, sync start pinned to
2026-01-01) as a child, reading the fake's ``complexity_total`` and per-root figures after each run:

- **per stream, alone**: one ``read`` per stream of the default catalog (integration_tests/
  configured_catalog.json: every stream, incremental where it can be, no state) — what the issue's
  table measured ("as a user would, with one read per stream"). With ``--baseline DIR`` (a checkout
  of the code before, e.g. ``git archive <commit> | tar -x -C DIR``) the same for that code, run with
  ``PYTHONPATH=DIR``.
- **the full default catalog in one read**: what a sync costs with shared passes; points and requests
  per root field.
- **the floor**: the cheapest document set that fetches each selected field once, computed with the
  same planner: per root field, the union (union.py) of the selected streams' planned documents
  (plan.py against the fake's schema), costed as the server costs it (the fake's analyzer, Centra's
  rule plus its dearer stock quantities) per node — a page sized exactly to its rows — times the nodes
  the sync read; no introspection, rateLimits, stores, currencies, probes, follow-ups or re-read pages.
  Sparse lists (sparse.py) are asked in full in the floor, as the documents ask them.

Prints markdown tables and the headline: complexity per order before, after and of the floor.
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
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run_bench import HIGH, PY, Fake, count_records  # noqa: E402

SYNC_START = "2026-01-01T00:00:00+00:00"
# per stream: how its records count the nodes of its root (None: one node per record)
NODE_KEYS = {"order_items": "order_id", "return_items": "return_id", "stock": "warehouse_id", "prices": "pricelist_id",
             "stock_changes": "stock_change_id", "order_item_allocations": "order_id"}
PARENTS = ("stock", "prices")  # nested streams: NODE_KEYS counts their parents
# streams whose nodes are another stream's records: order_item_allocations pages every order of the window,
# also those without an allocation (its records name only the others)
NODES_FROM = {"order_item_allocations": "orders"}


def catalog(streams: list[str] | None = None) -> dict:
    full = json.loads((ROOT / "integration_tests" / "configured_catalog.json").read_text())
    if streams is not None:
        full["streams"] = [s for s in full["streams"] if s["stream"]["name"] in streams]
    return full


def read(fake: Fake, workdir: Path, streams: list[str] | None, page_size: int, code: Path = ROOT) -> dict:
    """One connector run; the fake's figures for it and the records per stream (and node counts)."""
    (workdir / "config.json").write_text(json.dumps({"endpoint_url": fake.url, "api_token": fake.token,
                                                      "page_size": page_size}))
    (workdir / "catalog.json").write_text(json.dumps(catalog(streams)))
    out = workdir / "out.jsonl"
    env = {**os.environ, "CENTRA_BENCH_SYNC_START": SYNC_START}
    if code != ROOT:
        env["PYTHONPATH"] = str(code)
    fake.admin("reset_stats")
    started = time.monotonic()
    with open(out, "wb") as handle:
        done = subprocess.run([PY, str(code / "bench" / "connector_fixed_clock.py"), "read", "--config",
                               str(workdir / "config.json"), "--catalog", str(workdir / "catalog.json")],
                              stdout=handle, stderr=subprocess.PIPE, cwd=code, env=env)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace")[-3000:])
        raise SystemExit(f"the connector failed ({streams or 'full catalog'})")
    stats = fake.admin("stats")
    records, _digest, per_stream = count_records(out)
    return {"stats": stats, "records": per_stream, "seconds": seconds, "nodes": node_counts(out),
            "followed": followed(out)}


def node_fields(made) -> set[str]:
    """The node fields a plan selects (as SyncContext.node_paths)."""
    prefix = made.prefix + "."
    relative = [".".join(p for p in path[len(prefix):].split(".") if not p.startswith("on:"))
                for path, _coordinate, _required in made.selections if path.startswith(prefix)]
    return {path for path in relative if path and "." not in path}


def followed(out: Path) -> dict[str, set]:
    """Per stream, the nodes a sparse follow-up completes (sparse.py): orders with attributes, orders and
    returns with a bundle line."""
    bundles = (b'"BundleOrderLine"', b'"BundleItemOrderLine"')
    found: dict[str, set] = {"orders": set(), "order_items": set(), "return_items": set()}
    with open(out, "rb") as handle:
        for line in handle:
            if not line.startswith(b'{"type":"RECORD"'):
                continue
            if b'"stream":"orders"' in line and b'"attributes":[{' in line:
                found["orders"].add(json.loads(line)["record"]["data"]["id"])
            elif any(b in line for b in bundles) and (b'"stream":"order_items"' in line or b'"stream":"return_items"' in line):
                record = json.loads(line)["record"]
                key = "order_id" if record["stream"] == "order_items" else "return_id"
                found[record["stream"]].add(record["data"][key])
    return found


def node_counts(out: Path) -> dict[str, int]:
    """Per stream of NODE_KEYS, the distinct nodes (or parents) its records came from."""
    nodes: dict[str, set] = {}
    with open(out, "rb") as handle:
        for line in handle:
            if line.startswith(b'{"type":"RECORD"') and any(k.encode() in line for k in NODE_KEYS):
                record = json.loads(line)["record"]
                key = NODE_KEYS.get(record["stream"])
                if key:
                    nodes.setdefault(record["stream"], set()).add(record["data"].get(key))
    return {stream: len(ids) for stream, ids in nodes.items()}


def floor(fake: Fake, full_run: dict, page_size: int) -> tuple[int, dict]:
    """The floor (module docstring): per root field, points = node cost of the union document × nodes.
    Each row also carries the sparse floor ("sparse points"): the page document after the sparse cuts
    (sparse.py) per node, plus the follow-up per node that needed one (full_run["followed"])."""
    import urllib.request

    from graphql import build_client_schema, parse

    from fake_centra.limits import analyze
    from fake_centra.resolvers import build_fake_schema
    from source_centra.context import INTROSPECTION
    from source_centra.plan import plan
    from source_centra.queries import load
    from source_centra import child_pages, sparse
    from source_centra.shared import parent_of
    from source_centra.streams import STREAMS_BY_NAME
    from source_centra.union import union

    request = urllib.request.Request(fake.url, json.dumps({"query": INTROSPECTION}).encode(),
                                     {"Content-Type": "application/json", "Authorization": f"Bearer {fake.token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        schema = build_client_schema(json.loads(response.read())["data"])
    served = build_fake_schema("full", (), False)

    def complexity(document: str, _schema, variables: dict) -> int:
        return analyze(served, parse(document), None, variables).complexity

    selected = [s["stream"]["name"] for s in catalog()["streams"]]
    by_parent: dict = {}
    for name in selected:
        spec = STREAMS_BY_NAME[name]
        size = min(page_size, spec.max_page_size or page_size)  # the page the stream reads (its own cap)
        by_parent.setdefault(parent_of(spec, size) or ("alone", name), []).append(name)
    rows, total = {}, 0
    records = full_run["records"]
    for members in by_parent.values():
        plans = []
        for name in members:
            args = STREAMS_BY_NAME[name].plan_args()
            plans.append(plan(args.pop("stream"), load(name), schema, **args))
        made = union(plans)
        counts = [records.get(NODES_FROM[name], full_run["nodes"].get(name, 0)) if name in NODES_FROM else
                  full_run["nodes"].get(name, records.get(name, 0)) if name not in PARENTS else 0 for name in members]
        nodes = max(counts)
        if made.paging == "nested":
            one = complexity(made.document, schema, {"limit": 1, "page": 1})
            two = complexity(made.document, schema, {"limit": 2, "page": 1})
            cost_per_node = two - one
            parents = max(full_run["nodes"].get(name, 0) for name in members)
            nodes = max(records.get(name, 0) for name in members)
            points = cost_per_node * nodes + (one - cost_per_node) * parents
            lean = points
        elif child_pages.paged_children(made.document):
            # a child list Centra pages (stock change lines): each node with exactly its own children
            (_key, _page, limit_variable, _size), = child_pages.paged_children(made.document)
            one = {"first": 1, "limit": 1, "page": 1}
            per_child = (complexity(made.document, schema, {**one, limit_variable: 2})
                         - complexity(made.document, schema, {**one, limit_variable: 1}))
            base = complexity(made.document, schema, {**one, limit_variable: 1}) - per_child
            children = max(records.get(name, 0) for name in members)
            points = lean = base * nodes + per_child * children
            cost_per_node = round(points / max(1, nodes))
        else:
            one = {"first": 1, "limit": 1, "page": 1}
            cost_per_node = complexity(made.document, schema, one)
            points = lean = cost_per_node * nodes
            selecting = {name: node_fields(own) for name, own in zip(members, plans)}
            split = sparse.split(made, sparse.parts_for(members, selecting))
            if split is not None:
                followed = len(set().union(*(full_run.get("followed", {}).get(name, set()) for name in members)))
                lean = complexity(split.page.document, schema, one) * nodes + complexity(split.follow_up, schema, one) * followed
        total += points
        row = {"streams": "+".join(members), "nodes": nodes, "points per node": cost_per_node,
               "points": points, "sparse points": lean}
        if made.root in rows:  # two parents on one root (order_item_allocations pages orders 45 a page on its own)
            old = rows[made.root]
            row = {"streams": f"{old['streams']} / {row['streams']}", "nodes": f"{old['nodes']} / {row['nodes']}",
                   "points per node": f"{old['points per node']} / {row['points per node']}",
                   "points": old["points"] + points, "sparse points": old["sparse points"] + lean}
        rows[made.root] = row
    return total, rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--orders", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--baseline", type=Path, help="a checkout of the code before (read per stream with it too)")
    ap.add_argument("--skip-alone", action="store_true", help="only the full catalog run and the floor")
    args = ap.parse_args(argv)
    fake = Fake(args.orders, args.seed, args.page_size)
    fake.admin("configure", cache=False)  # every request executed: its complexity is what it asks
    try:
        with tempfile.TemporaryDirectory(prefix="centra-cost-") as tmp:
            workdir = Path(tmp)
            print(f"# fake with {args.orders:,} orders started in {fake.start_seconds:.1f}s", flush=True)
            full = read(fake, workdir, None, args.page_size)
            print(f"# full catalog in one read: {full['stats']['complexity_total']:,} points, "
                  f"{full['seconds']:.0f}s", flush=True)
            total_floor, floor_rows = floor(fake, full, args.page_size)
            alone, before = {}, {}
            if not args.skip_alone:
                for entry in catalog()["streams"]:
                    name = entry["stream"]["name"]
                    alone[name] = read(fake, workdir, [name], args.page_size)
                    if args.baseline:
                        before[name] = read(fake, workdir, [name], args.page_size, code=args.baseline.resolve())
                    print(f"#   {name}: after {alone[name]['stats']['complexity_total']:,}"
                          + (f", before {before[name]['stats']['complexity_total']:,}" if before else ""), flush=True)
    finally:
        fake.stop()
    report(args, full, alone, before, total_floor, floor_rows)
    return 0


def report(args, full, alone, before, total_floor, floor_rows) -> None:
    orders = full["records"].get("orders") or args.orders
    print(f"\n## Complexity of a full sync, {orders:,} orders (fake, seed {args.seed}, page_size {args.page_size})\n")
    if alone:
        print("| stream | records | " + ("before: points | before: per record | " if before else "")
              + "after, alone: points | after: per record | requests (after, alone) |")
        print("|---|---|" + ("---|---|" if before else "") + "---|---|---|")
        for name, run in alone.items():
            records = run["records"].get(name, 0)
            points = run["stats"]["complexity_total"]
            cells = [name, f"{records:,}"]
            if before:
                old = before[name]["stats"]["complexity_total"]
                cells += [f"{old:,}", f"{old / max(records, 1):,.1f}"]
            cells += [f"{points:,}", f"{points / max(records, 1):,.1f}", str(run["stats"]["requests"])]
            print("| " + " | ".join(cells) + " |")
        total_alone = sum(r["stats"]["complexity_total"] for r in alone.values())
        line = f"| all {len(alone)} streams, one read each | | "
        if before:
            total_before = sum(r["stats"]["complexity_total"] for r in before.values())
            line += f"{total_before:,} | {total_before / orders:,.1f} per order | "
        print(line + f"{total_alone:,} | {total_alone / orders:,.1f} per order | "
              f"{sum(r['stats']['requests'] for r in alone.values())} |")
    stats = full["stats"]
    print(f"\n### The full default catalog in one read (shared passes)\n")
    print("| root field | requests | points | floor: streams | floor: nodes | floor: points per node | floor: points "
          "| sparse floor: points |")
    print("|---|---|---|---|---|---|---|---|")
    roots = sorted(set(stats["by_root_field"]) | set(floor_rows), key=lambda r: -stats["complexity_by_root_field"].get(r, 0))
    for root in roots:
        f = floor_rows.get(root, {})
        print(f"| {root} | {stats['by_root_field'].get(root, 0)} | {stats['complexity_by_root_field'].get(root, 0):,} "
              f"| {f.get('streams', '-')} | {f.get('nodes', '-')} | {f.get('points per node', '-')} "
              f"| {f.get('points', 0):,} | {f.get('sparse points', 0):,} |")
    after = stats["complexity_total"]
    sparse_floor = sum(f["sparse points"] for f in floor_rows.values())
    print(f"| **total** | {stats['requests']} | **{after:,}** | | | | **{total_floor:,}** | **{sparse_floor:,}** |")
    print(f"\n- complexity per order: after {after / orders:,.1f}; floor {total_floor / orders:,.1f}; "
          f"after ÷ floor = {after / total_floor:.3f} (goal ≤ 1.15); sparse floor {sparse_floor / orders:,.1f}, "
          f"after ÷ sparse floor = {after / sparse_floor:.3f}")
    if alone and before:
        total_before = sum(r["stats"]["complexity_total"] for r in before.values())
        print(f"- before (one read per stream, baseline code): {total_before / orders:,.1f} per order "
              f"({total_before / total_floor:.2f}x the floor)")
    if alone:
        total_alone = sum(r["stats"]["complexity_total"] for r in alone.values())
        print(f"- after, one read per stream: {total_alone / orders:,.1f} per order "
              f"(the shared passes save {1 - after / total_alone:.1%} of it)")
    print(f"- requests: {stats['requests']} in one read; {full['seconds']:.0f}s wall")


if __name__ == "__main__":
    sys.exit(main())
