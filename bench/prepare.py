"""Set-up the benchmarks need from the connector's and the fake's own code, run as a child process.

The harness (run_bench.py, snapshot_bench.py) must stay small: Linux carries a process's peak RSS
across ``exec`` into the child's ``ru_maxrss`` (``subprocess`` starts children with vfork, whose
pre-exec memory is the parent's), so a harness that imported the Airbyte CDK or built the fake's
catalog would report its own ~120 MB as every child's peak RSS. This script does those imports and
prints one JSON object on stdout.

    python bench/prepare.py documents URL TOKEN STREAM...   # {stream: planned document, "parents:" + stream: …}
    python bench/prepare.py rows PRODUCTS SEED ORDERS       # rows per parent of stock and prices, variants
"""
from __future__ import annotations

import json
import sys
import urllib.request


def documents(url: str, token: str, streams: list[str]) -> dict[str, str]:
    """The exact document the connector sends for each stream's pages: ``queries/<stream>.graphql``
    planned against the fake's schema as ``SyncContext.plan(spec.query, **spec.plan_args())`` does after
    its introspection (``@required`` markers removed, fragments inlined), sparse selections left out as
    ``CentraStream.page_of`` leaves them out; for nested streams also the
    parents list (``plan.parents_document``). The fake's response cache is keyed by the query text,
    so the floor must send these (not the file) for its warm pass to serve the connector."""
    from graphql import build_client_schema

    from source_centra.context import INTROSPECTION
    from source_centra import sparse
    from source_centra.documents import parents_document
    from source_centra.plan import plan
    from source_centra.queries import load
    from source_centra.streams import STREAMS

    request = urllib.request.Request(url, json.dumps({"query": INTROSPECTION}).encode(),
                                     {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        schema = build_client_schema(json.loads(response.read())["data"])
    out = {}
    for spec in (s for s in STREAMS if s.name in streams):
        args = spec.plan_args()
        made = plan(args.pop("stream"), load(spec.query), schema, **args)
        # the page the connector sends: sparse selections left out (sparse.py; the fake's data without
        # --bundle-lines needs no follow-up for order_items, so the floor reads the same pages and records)
        split = sparse.split(made, sparse.SPARSE.get(spec.name, ()))
        out[spec.name] = split.page.document if split is not None else made.document
        if spec.paging == "nested":
            out[f"parents:{spec.name}"] = parents_document(out[spec.name])
    missing = set(streams) - set(out)
    if missing:
        raise SystemExit(f"unknown streams {sorted(missing)}")
    return out


def rows(products: int, seed: int, orders: int) -> dict:
    """Rows per parent per stream from the fake's data model (same seed and catalog size)."""
    from fake_centra import refdata
    from fake_centra.store import FakeData

    data = FakeData(orders=orders, seed=seed, products=products)
    out = {"stock": {w["id"]: len(data.stock_columns(w["id"])["size"]) for w in refdata.WAREHOUSES},
           "prices": {p["id"]: len(data.price_columns(p["id"])["id"]) for p in refdata.PRICELISTS},
           "variants": len(data.catalog_arrays()["v_variant"]),
           "count_stock": data.count_stock(), "count_prices": data.count_prices()}
    assert sum(out["stock"].values()) == out["count_stock"] and sum(out["prices"].values()) == out["count_prices"]
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["documents"] and len(argv) >= 4:
        print(json.dumps(documents(argv[1], argv[2], argv[3:])))
    elif argv[:1] == ["rows"] and len(argv) == 4:
        print(json.dumps(rows(int(argv[1]), int(argv[2]), int(argv[3]))))
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
