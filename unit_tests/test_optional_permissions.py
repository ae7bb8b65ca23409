"""Optional permissions (streams.py): without them the sync goes on with those fields null, warns once
per permission per sync, and prunes the fields from later pages; every other error still fails or is
retried through the error table. Also the base currency lookup (SyncContext.base_currency).

CentraClient against requests-mock; the mock answers like Centra (centra-api.md §2.3): a field the
token may not read is null and gets its own "You need X permission to access Y." error.
"""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from airbyte_cdk.models import SyncMode

from source_centra.client import CentraClient
from source_centra.config import Config
from source_centra.context import SyncContext
from source_centra.errors import ConfigError
from source_centra.pacing import Pacer
from source_centra.stream import CentraStream
from source_centra.streams import STREAMS_BY_NAME
from unit_tests.centra_schema import introspection_answer

URL = "https://shop.centra.com/graphql"
NODES = Path(__file__).parent / "fixtures" / "nodes"
ALL_SLICE = {"partition": "all", "from": None, "to": None, "resume": None}
INTERNAL = {"message": "Internal server error", "extensions": {"category": "internal"}}


def node_fields(query: str) -> set[str]:
    """Field names selected directly on a connection's node (the mock answers by them)."""
    from graphql import FieldNode, parse

    if query == "attributes":
        return {"attributes"}
    root = parse(query).definitions[0].selection_set.selections[0]
    edges = next(s for s in root.selection_set.selections if isinstance(s, FieldNode) and s.name.value == "edges")
    node = edges.selection_set.selections[0]
    return {s.name.value for s in node.selection_set.selections if isinstance(s, FieldNode)}


def denial(permission: str, field: str, path: list) -> dict:
    return {"message": f"You need {permission} permission to access {field}.",
            "extensions": {"category": "authorization"}, "path": path}


class Centra:
    """Answers rateLimits, currencies, productConnection pages (one product per page) and empty list pages."""

    def __init__(self, missing: tuple[str, ...] = (), before: list[dict] | None = None, products: int = 3):
        self.missing = set(missing)
        self.before = list(before or [])  # whole responses to give first, in order
        self.products = products
        self.bodies: list[dict] = []

    def __call__(self, request, context) -> dict:
        body = json.loads(request.body)
        query = body["query"]
        if introspection_answer(query):
            return introspection_answer(query)
        if "rateLimits" in query:
            return {"data": {"rateLimits": []}}
        self.bodies.append(body)
        if self.before:
            return self.before.pop(0)
        if "currencies" in query:
            if "Currency:read" in self.missing:
                return {"data": {"currencies": None}, "errors": [denial("Currency:read", "currencies", ["currencies"])]}
            return {"data": {"currencies": [{"code": "SEK"}]}}
        if "productConnection" in query:
            return self.products_page(query, body["variables"])
        return {"data": {"result": []}}  # list streams: the page after the last

    def products_page(self, query: str, variables: dict) -> dict:
        number = int(variables.get("after") or 0) + 1
        node = copy.deepcopy(json.loads((NODES / "products.json").read_text())["with_variants_and_sizes"])
        node["id"] = number
        errors = []
        if "attributes" not in node_fields(query):
            del node["attributes"]
        elif "Product.attributes:read" in self.missing:
            node["attributes"] = None
            errors.append(denial("Product.attributes:read", "attributes", ["result", "edges", 0, "node", "attributes"]))
        page = {"totalCount": self.products, "pageInfo": {"hasNextPage": number < self.products, "endCursor": str(number)},
                "edges": [{"node": node}]}
        return {"data": {"result": page}, "errors": errors} if errors else {"data": {"result": page}}

    def queries(self) -> list[str]:
        return [body["query"] for body in self.bodies]


def context_for(requests_mock, centra: Centra, **config: Any) -> SyncContext:
    requests_mock.post(URL, json=centra)
    parsed = Config.from_mapping({"endpoint_url": URL, "api_token": "t0ken", "page_size": 1, **config})
    client = CentraClient(parsed, max_retries=2, sleep=lambda _s: None, pacer=Pacer(share=1.0, sleep=lambda _s: None))
    return SyncContext(parsed, client=client)


def read(stream_name: str, context: SyncContext) -> list[dict]:
    stream = CentraStream(STREAMS_BY_NAME[stream_name], context)
    return [m for m in stream.read_records(SyncMode.full_refresh, stream_slice=ALL_SLICE) if isinstance(m, dict)]


def warnings(caplog) -> list[str]:
    """Warnings about permissions (the fake's schema may also lack selections: those warn separately)."""
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "permission" in r.getMessage()]


# ---------------------------------------------------------------- the stream's page loop


def test_given_token_without_product_attributes_then_sync_goes_on_with_null_attributes_and_one_warning(
        requests_mock, caplog) -> None:
    centra = Centra(missing=("Product.attributes:read",))
    records = read("products", context_for(requests_mock, centra))
    assert [r["id"] for r in records] == [1, 2, 3]
    assert [r["attributes"] for r in records] == [None, None, None]
    assert records[0]["variants"]  # the rest of the denied page is kept
    (warning,) = warnings(caplog)
    assert "Product.attributes (Product.attributes:read)" in warning and "products fields attributes" in warning


def test_given_denied_optional_field_then_later_pages_ask_without_it(requests_mock) -> None:
    centra = Centra(missing=("Product.attributes:read",))
    read("products", context_for(requests_mock, centra))
    # the denied page is asked again without the field (a denied non-null field nulls its parents in Centra)
    assert ["attributes" in node_fields(q) for q in centra.queries()] == [True, False, False, False]


def test_given_token_with_the_optional_permission_then_attributes_filled_and_no_warning(requests_mock, caplog) -> None:
    centra = Centra()
    records = read("products", context_for(requests_mock, centra))
    assert all(r["attributes"][0]["type_name"] == "material" for r in records)
    assert ["attributes" in node_fields(q) for q in centra.queries()] == [True, True, True]
    assert warnings(caplog) == []


def test_given_two_streams_of_one_sync_missing_the_same_permission_then_one_warning(requests_mock, caplog) -> None:
    context = context_for(requests_mock, Centra(missing=("Product.attributes:read",)))
    read("products", context)
    read("products", context)
    assert len(warnings(caplog)) == 1


def test_given_required_permission_denied_then_config_error_names_it(requests_mock) -> None:
    centra = Centra(before=[{"data": {"result": None}, "errors": [denial("Product:read", "productConnection", ["result"])]}])
    with pytest.raises(ConfigError, match=r"Product details \(Product:read\)"):
        read("products", context_for(requests_mock, centra))


def test_given_optional_denial_beside_a_non_permission_failure_then_the_failure_is_raised(requests_mock) -> None:
    unknown = {"message": "Cannot query field 'x' on type 'Product'.", "extensions": {"category": "graphql"}}
    centra = Centra(before=[{"data": {"result": None},
                             "errors": [unknown, denial("Product.attributes:read", "attributes", ["result"])]}])
    with pytest.raises(Exception, match="did not accept the connector's query"):
        read("products", context_for(requests_mock, centra))


def test_given_transient_error_then_page_is_retried_through_the_client_with_the_pruned_query(requests_mock) -> None:
    page_one_denied = Centra(missing=("Product.attributes:read",)).products_page(
        "attributes", {"after": None})
    page_one_denied["errors"].append(INTERNAL)
    centra = Centra(missing=("Product.attributes:read",), before=[page_one_denied])
    context = context_for(requests_mock, centra)
    records = read("products", context)
    assert [r["id"] for r in records] == [1, 2, 3] and {r["attributes"] for r in records} == {None}
    assert ["attributes" in node_fields(q) for q in centra.queries()] == [True, False, False, False]  # the retry is pruned
    assert context.client.stats.retries == 0  # one re-run by SyncContext.run; the client needed no retry


def test_given_transient_error_hiding_an_optional_denial_then_the_retry_sees_it_tolerantly(requests_mock, caplog) -> None:
    """Centra nulled the whole first answer (internal error); the denial only shows on the retry."""
    centra = Centra(missing=("Product.attributes:read",), before=[{"data": None, "errors": [INTERNAL]}])
    records = read("products", context_for(requests_mock, centra))
    assert [r["id"] for r in records] == [1, 2, 3] and {r["attributes"] for r in records} == {None}
    assert len(warnings(caplog)) == 1


def test_given_stream_the_instance_answers_whole_then_its_query_is_sent_as_written(requests_mock) -> None:
    from graphql import parse, print_ast

    from source_centra.documents import strip_markers
    from source_centra.queries import load

    centra = Centra(before=[{"data": {"result": []}}])
    assert read("stores", context_for(requests_mock, centra)) == []
    assert centra.queries() == [print_ast(parse(strip_markers(load("stores"))))]


# ---------------------------------------------------------------- base currency


def test_given_currency_read_then_base_currency_read_once_per_sync(requests_mock) -> None:
    centra = Centra()
    context = context_for(requests_mock, centra)
    assert context.base_currency() == "SEK" and context.base_currency() == "SEK"
    (body,) = centra.bodies
    assert "isBase: true" in body["query"]


def test_given_token_without_currency_read_then_base_currency_null_and_one_warning(requests_mock, caplog) -> None:
    context = context_for(requests_mock, Centra(missing=("Currency:read",)))
    assert context.base_currency() is None and context.base_currency() is None
    (warning,) = warnings(caplog)
    assert "add Currency details (Currency:read) to the token to fill base_currency" in warning


def test_given_money_stream_then_records_carry_the_base_currency(requests_mock) -> None:
    entry = json.loads((NODES / "payment_history.json").read_text())["capture"]
    centra = Centra(before=[{"data": {"result": [entry]}}])
    records = read("payment_history", context_for(requests_mock, centra))
    assert [(r["value"], r["value_base"], r["base_currency"]) for r in records] == [(1347.4, 117.36, "SEK")]


def test_given_stream_without_base_amounts_then_no_currency_lookup(requests_mock) -> None:
    centra = Centra()
    read("products", context_for(requests_mock, centra))
    assert not any("currencies" in q for q in centra.queries())


# ---------------------------------------------------------------- personal data in the stream


@pytest.mark.parametrize("mode", ["keep", "hash", "drop"])
def test_given_personal_data_option_then_stream_applies_it_to_every_record(requests_mock, mode) -> None:
    from source_centra import privacy

    ret = json.loads((NODES / "returns.json").read_text())["dtc_completed"]
    centra = Centra(before=[{"data": {"result": [ret]}}])
    (record,) = read("returns", context_for(requests_mock, centra, pii_handling=mode))
    assert record["customer_email"] == {"keep": "Anna.Lindqvist@Example.se", "drop": None,
                                        "hash": privacy.pseudonym("customer_email", "anna.lindqvist@example.se")}[mode]
