"""queries/prune.py: fields removed as an AST edit; emptied selections removed; result valid and cached."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, parse, print_ast, validate

from source_centra import queries
from source_centra.queries.prune import prune

SCHEMA = build_schema((Path(__file__).parents[1] / "fake_centra" / "schema.graphql").read_text(encoding="utf-8"))


def same(a: str, b: str) -> bool:
    return print_ast(parse(a)) == print_ast(parse(b))


@pytest.mark.parametrize("document, fields, expected", [
    ("{ a { b c } }", {"c"}, "{ a { b } }"),
    ("{ a { c } d }", {"c"}, "{ d }"),
    ("{ a { x: c b } }", {"c"}, "{ a { b } }"),
    ("query Q { o { id ... on D { customer { email } } } }", {"customer"}, "query Q { o { id } }"),
    ("query Q { currencies { code } }", {"currencies"}, "query Q { __typename }"),
    ("query Q { o { ...F id } } fragment F on O { customer { email } }", {"customer"},
     "query Q { o { ...F id } } fragment F on O { __typename }"),
], ids=["leaf", "emptied-parent", "aliased", "emptied-inline-fragment", "emptied-operation", "emptied-fragment"])
def test_given_fields_then_every_selection_of_them_is_removed_and_emptied_selections_too(document, fields, expected):
    assert same(prune(document, fields), expected)


def test_given_no_fields_then_document_is_returned_unchanged():
    text = queries.load("orders")
    assert prune(text, ()) is text


def test_given_same_document_and_fields_then_result_is_cached():
    text = queries.load("orders")
    assert prune(text, {"attributes"}) is prune(text, ["attributes"])


def test_given_orders_document_without_optional_fields_then_it_still_validates_and_keeps_the_rest():
    pruned = prune(queries.load("orders"), {"attributes", "customer"})
    assert validate(SCHEMA, parse(pruned)) == []
    assert "attributes" not in pruned and "customer" not in pruned
    assert "shippingAddress" in pruned and "DirectToConsumerOrder" not in pruned
    assert "... on WholesaleOrder" in pruned  # the purchase order number fragment is untouched
