"""A digest of everything a fake serves, so a refactoring of the fake can prove it changed nothing.

Three parts, each a SHA-256 over canonical JSON:

- ``views``: every ``fake.data`` view the tests compare the connector with (orders, lines, returns,
  stock, prices, ledger, ...);
- ``api``: every root list of the served schema, paged to the end through the real request pipeline
  (``Engine``, in process), selecting every field that needs no argument, three levels deep, with an
  inline fragment per implementation of each interface or union; and every root connection, paged
  by cursor to the end under a non-id sort;
- ``writes``: the views again after 300 steps of the background writer (seed 1, a frozen clock), so
  the id arithmetic of new shipments, returns, invoices and stock changes is covered too.

``python -m fake_centra.digest [--orders N] [--seed S] [--bundle-lines] [--unknown-enum]`` prints them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

from graphql import (GraphQLInterfaceType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema,
                     GraphQLUnionType, get_named_type)

from . import clock
from .fake import FakeCentra
from .inprocess import URL, session
from .writer import Writer

VIEWS = ("stores", "markets", "pricelists", "currencies", "orders", "shipments", "returns", "payments",
         "products", "customers", "accounts", "invoices", "vouchers", "campaigns", "warehouses", "brands",
         "categories", "collections", "countries", "stock", "prices", "suppliers", "purchase_orders",
         "purchase_order_deliveries", "stock_changes", "stock_change_lines", "allocations")
UNLIMITED = {"quota_requests": 10**9, "quota_requests_hour": 10**9,
             "quota_complexity": 10**12, "quota_complexity_hour": 10**12}
DEPTH = 3
PAGE = 100
WRITER_STEPS = 300
FROZEN_NOW = 1_767_000_000  # 2025-12-29, inside the generated history's last days


def _sha(obj: Any) -> str:
    text = json.dumps(obj, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def views_digest(fake: FakeCentra) -> str:
    return _sha({name: list(getattr(fake.data, name)()) for name in VIEWS})


def _needs_args(field) -> bool:
    return any(isinstance(a.type, GraphQLNonNull) and a.default_value is None for a in field.args.values())


def _selection(schema: GraphQLSchema, type_, depth: int) -> str:
    named = get_named_type(type_)
    if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
        parts = ["__typename"] + [f"... on {t.name} {{ {_fields(schema, t, depth)} }}"
                                  for t in schema.get_possible_types(named)]
        return " ".join(parts)
    return _fields(schema, named, depth)


def _fields(schema: GraphQLSchema, named: GraphQLObjectType, depth: int) -> str:
    out = []
    for name, field in sorted(named.fields.items()):
        if _needs_args(field):
            continue
        inner = get_named_type(field.type)
        if isinstance(inner, (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)):
            if depth > 1:
                out.append(f"{name} {{ {_selection(schema, field.type, depth - 1)} }}")
        else:
            out.append(name)
    return " ".join(out) or "__typename"


def _root_lists(schema: GraphQLSchema) -> Iterator[tuple[str, str]]:
    """(root field, query with $page) for every root list paged by limit/page."""
    for name, field in sorted(schema.query_type.fields.items()):
        of = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if isinstance(of, GraphQLList) and {"limit", "page"} <= set(field.args):
            yield name, (f"query($page: Int!) {{ {name}(limit: {PAGE}, page: $page) "
                         f"{{ {_selection(schema, field.type, DEPTH)} }} }}")


def _root_connections(schema: GraphQLSchema) -> Iterator[tuple[str, str]]:
    """(root field, query with $after) for every root connection, sorted by a non-id key, so the
    cursors of both kinds (plain id and key + row) are served."""
    for name, field in sorted(schema.query_type.fields.items()):
        if name.endswith("Connection") and {"first", "after", "sort"} <= set(field.args):
            sorts = get_named_type(field.args["sort"].type).values
            sort = next((s for s in sorted(sorts) if not s.startswith("id_")), "id_ASC")
            node = get_named_type(field.type).fields["edges"].type
            node = get_named_type(node).fields["node"].type
            yield name, (f"query($after: String) {{ {name}(first: {PAGE}, after: $after, sort: [{sort}]) "
                         f"{{ totalCount pageInfo {{ hasNextPage endCursor }} "
                         f"edges {{ cursor node {{ {_selection(schema, node, DEPTH)} }} }} }} }}")


def api_digest(fake: FakeCentra) -> str:
    http = session(fake.engine)
    headers = {"Authorization": f"Bearer {fake.token}"}

    def data(name: str, query: str, variables: dict) -> Any:
        body = http.post(URL, json={"query": query, "variables": variables}, headers=headers).json()
        if body.get("errors"):
            raise RuntimeError(f"{name} {variables}: {body['errors'][:2]}")
        return body["data"][name]

    out: dict[str, list] = {}
    for name, query in _root_lists(fake.schema):
        rows: list = []
        for page in range(1, 10**6):
            got = data(name, query, {"page": page})
            rows.extend(got)
            if len(got) < PAGE:
                break
        out[name] = rows
    for name, query in _root_connections(fake.schema):
        pages: list = []
        after = None
        while True:
            got = data(name, query, {"after": after})
            pages.append(got)
            if not got["pageInfo"]["hasNextPage"]:
                break
            after = got["pageInfo"]["endCursor"]
        out[name] = pages
    return _sha(out)


def writes_digest(fake: FakeCentra) -> str:
    writer = Writer(fake.data, seed=1)
    events = []
    with mock.patch.object(clock, "now", lambda: FROZEN_NOW):
        for _ in range(WRITER_STEPS):
            try:
                events.append(writer.step())
            except (ValueError, KeyError) as exc:  # the writer's own skip rule (writer.Writer._run)
                events.append(repr(exc))
    return _sha({"events": events, "views": views_digest(fake)})


def digest(orders: int = 500, seed: int = 7, **options: Any) -> dict[str, str]:
    fake = FakeCentra(orders=orders, seed=seed, **options, **UNLIMITED)
    return {"views": views_digest(fake), "api": api_digest(fake), "writes": writes_digest(fake)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m fake_centra.digest", description=__doc__.split("\n\n")[0])
    ap.add_argument("--orders", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--bundle-lines", action="store_true")
    ap.add_argument("--unknown-enum", action="store_true")
    args = ap.parse_args(argv)
    for part, value in digest(args.orders, args.seed, bundle_lines=args.bundle_lines,
                              unknown_enum=args.unknown_enum).items():
        print(f"{part}: {value}")


if __name__ == "__main__":
    main()
