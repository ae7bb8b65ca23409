"""The floor: the least code that fetches the same pages as the connector's order_items stream, or
(``--snapshot``) its stock and prices snapshot streams.

A plain ``requests`` + ``json`` loop, no Airbyte CDK, no pacing, no retries. For each store partition
(ascending store id, as the connector orders them) it pages
``source_centra.queries.load("order_items")`` with the connector's exact variables

    {"where": {"storeId": [id], "updatedAt": {"from": FROM, "to": TO}}, "first": PAGE_SIZE, "after": CURSOR}

until ``pageInfo.hasNextPage`` is false, flattens every order with the connector's own pure record
function ``source_centra.records.order_items(node, {"base_currency": ...})`` (same field set, same
values) and writes each record as one line in the connector's RECORD envelope
(``{"type":"RECORD","record":{"stream","data","emitted_at"}}``, compact separators), so the bytes
written are comparable. It imports ``source_centra.queries`` and ``source_centra.records`` without the
package's ``__init__`` (which loads the Airbyte CDK), so its start-up is that of requests + graphql-core.

The store ids and the base currency are passed in (the benchmark reads them once), so every request
this client sends is a data page; the connector's extra requests (stores, currencies, rateLimits)
are counted separately by the benchmark.

The document sent is the one the connector sends: ``--document STREAM=FILE`` gives it (the benchmark
plans ``queries/<stream>.graphql`` against the fake's schema once, as the connector does after its
introspection: ``@required`` markers removed, fragments inlined), so the fake's response cache keyed
by the query text serves both clients. Without it the floor sends the file with its markers stripped.

Snapshots (``--snapshot stock=1,2,3,4 --snapshot prices=1,...``, parent ids passed in like the store
ids): for each parent in ascending id, page ``warehouses(where: {id: [W]}) { … stock(limit: 200,
page: N) }`` (``pricelists`` … ``prices`` alike) with the connector's variables ``{"where": {"id":
[W]}, "limit": 200, "page": N}`` until a page has fewer than 200 rows, flattening each row with the
connector's ``source_centra.records.stock`` / ``prices`` (``extras`` = the parent object without its
child list and ``synced_at``, given by ``--synced-at``).

    python bench/floor_client.py --url URL --token TOKEN --stores 1,2,3 --to 2026-01-01T00:00:00+00:00 \
        [--from 2000-01-01T00:00:00+00:00] [--page-size 100] [--base-currency SEK] [--out /dev/null] \
        [--document order_items=FILE]
    python bench/floor_client.py --url URL --token TOKEN --snapshot stock=1,2,3,4 --snapshot prices=1,2 \
        [--document stock=FILE --document prices=FILE] [--synced-at 2026-01-01T00:00:00+00:00] [--out …]

Prints one JSON summary line on stderr: {"records", "pages", "seconds"}.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import types
from pathlib import Path

import requests

# Import the connector's pure modules without running source_centra/__init__.py, which imports the
# Airbyte CDK (~1 s of start-up, mostly airbyte_cdk.models' serializers) that the floor does not use.
_package = types.ModuleType("source_centra")
_package.__path__ = [str(Path(__file__).resolve().parent.parent / "source_centra")]
sys.modules.setdefault("source_centra", _package)

from source_centra.documents import strip_markers  # noqa: E402
from source_centra.queries import load  # noqa: E402
from source_centra.records.catalog import prices, stock  # noqa: E402
from source_centra.records.sales import order_items  # noqa: E402

SNAPSHOTS = {"stock": ("stock", stock), "prices": ("prices", prices)}  # stream: (child list field, record function)
NESTED_PAGE_SIZE = 200  # as source_centra/stream.py reads child lists


def _post(session: requests.Session, url: str, headers: dict, query: str, variables: dict) -> dict:
    response = session.post(url, data=json.dumps({"query": query, "variables": variables}).encode(),
                            headers=headers, timeout=(15, 180))
    response.raise_for_status()
    payload = response.json()
    if payload.get("errors"):
        raise SystemExit(f"GraphQL errors: {payload['errors'][:2]}")
    return payload["data"]


def _write(out, stream: str, record: dict, emitted_at: int) -> None:
    out.write(json.dumps({"type": "RECORD", "record": {"stream": stream, "data": record, "emitted_at": emitted_at}},
                         separators=(",", ":")))
    out.write("\n")


def read_snapshot(session, url: str, headers: dict, stream: str, parents: list[int], query: str, synced_at: str,
                  out) -> tuple[int, int]:
    """Every row of ``stream`` (records, pages): per parent ascending, pages of 200 until a short one."""
    field, to_records = SNAPSHOTS[stream]
    records = pages = 0
    for parent_id in sorted(parents):
        number = 1
        while True:
            data = _post(session, url, headers, query,
                         {"where": {"id": [parent_id]}, "limit": NESTED_PAGE_SIZE, "page": number})
            pages += 1
            found = data["result"] or []
            parent = found[0] if found else {}
            rows = parent.get(field) or []
            extras = {"parent": {k: v for k, v in parent.items() if k != field}, "synced_at": synced_at}
            emitted_at = int(time.time() * 1000)
            for row in rows:
                for record in to_records(row, extras):
                    _write(out, stream, record, emitted_at)
                    records += 1
            if len(rows) < NESTED_PAGE_SIZE:
                break
            number += 1
    return records, pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--stores", help="comma-separated store ids, e.g. 1,2,3 (order_items)")
    ap.add_argument("--from", dest="start", default="2000-01-01T00:00:00+00:00")
    ap.add_argument("--to", dest="end", help="the window's end (order_items)")
    ap.add_argument("--snapshot", action="append", default=[], metavar="STREAM=IDS",
                    help="read a snapshot stream (stock, prices) under these parent ids instead of order_items; repeatable")
    ap.add_argument("--synced-at", default="2026-01-01T00:00:00+00:00", help="the snapshots' synced_at")
    ap.add_argument("--document", action="append", default=[], metavar="STREAM=FILE",
                    help="the exact document to send for STREAM (the connector's planned one); repeatable")
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--base-currency", default=None)
    ap.add_argument("--out", default="/dev/null")
    args = ap.parse_args(argv)
    documents = {}
    for item in args.document:
        stream, path = item.split("=", 1)
        documents[stream] = Path(path).read_text(encoding="utf-8")

    def document(stream: str) -> str:
        return documents.get(stream) or strip_markers(load(stream))

    session = requests.Session()
    headers = {"Authorization": f"Bearer {args.token}", "Content-Type": "application/json",
               "Accept": "application/json"}
    records = pages = 0
    started = time.monotonic()
    if args.snapshot:
        with open(args.out, "w", encoding="utf-8", buffering=1 << 16) as out:
            for item in args.snapshot:
                stream, ids = item.split("=", 1)
                got, sent = read_snapshot(session, args.url, headers, stream, [int(i) for i in ids.split(",") if i],
                                          document(stream), args.synced_at, out)
                records, pages = records + got, pages + sent
        print(json.dumps({"records": records, "pages": pages, "seconds": round(time.monotonic() - started, 3)}),
              file=sys.stderr)
        return 0
    if not (args.stores and args.end):
        ap.error("--stores and --to are needed (or --snapshot)")
    query = document("order_items")
    extras = {"base_currency": args.base_currency}
    with open(args.out, "w", encoding="utf-8", buffering=1 << 16) as out:
        for store in sorted(int(s) for s in args.stores.split(",") if s):
            after = None
            while True:
                variables = {"where": {"storeId": [store], "updatedAt": {"from": args.start, "to": args.end}},
                             "first": args.page_size, "after": after}
                page = _post(session, args.url, headers, query, variables)["result"]
                pages += 1
                emitted_at = int(time.time() * 1000)
                for edge in page["edges"]:
                    for record in order_items(edge["node"], extras):
                        _write(out, "order_items", record, emitted_at)
                        records += 1
                info = page["pageInfo"]
                if not info["hasNextPage"]:
                    break
                after = info["endCursor"]
    print(json.dumps({"records": records, "pages": pages, "seconds": round(time.monotonic() - started, 3)}),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
