"""The floor: the least code that fetches the same pages as the connector's order_items stream.

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

    python bench/floor_client.py --url URL --token TOKEN --stores 1,2,3 --to 2026-01-01T00:00:00+00:00 \
        [--from 2000-01-01T00:00:00+00:00] [--page-size 100] [--base-currency SEK] [--out /dev/null]

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

from source_centra.queries import load  # noqa: E402
from source_centra.records import order_items  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--stores", required=True, help="comma-separated store ids, e.g. 1,2,3")
    ap.add_argument("--from", dest="start", default="2000-01-01T00:00:00+00:00")
    ap.add_argument("--to", dest="end", required=True)
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--base-currency", default=None)
    ap.add_argument("--out", default="/dev/null")
    args = ap.parse_args(argv)

    query = load("order_items")
    extras = {"base_currency": args.base_currency}
    session = requests.Session()
    headers = {"Authorization": f"Bearer {args.token}", "Content-Type": "application/json",
               "Accept": "application/json"}
    records = pages = 0
    started = time.monotonic()
    with open(args.out, "w", encoding="utf-8", buffering=1 << 16) as out:
        for store in sorted(int(s) for s in args.stores.split(",") if s):
            after = None
            while True:
                variables = {"where": {"storeId": [store], "updatedAt": {"from": args.start, "to": args.end}},
                             "first": args.page_size, "after": after}
                response = session.post(args.url, data=json.dumps({"query": query, "variables": variables}).encode(),
                                        headers=headers, timeout=(15, 180))
                response.raise_for_status()
                payload = response.json()
                if payload.get("errors"):
                    raise SystemExit(f"GraphQL errors: {payload['errors'][:2]}")
                pages += 1
                page = payload["data"]["result"]
                emitted_at = int(time.time() * 1000)
                for edge in page["edges"]:
                    for record in order_items(edge["node"], extras):
                        out.write(json.dumps({"type": "RECORD", "record": {
                            "stream": "order_items", "data": record, "emitted_at": emitted_at}}, separators=(",", ":")))
                        out.write("\n")
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
