"""The fake Centra's schema as an introspection answer, for unit tests that mock Centra with
requests-mock: the connector plans every query against the live schema (one introspection per run)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import GraphQLSchema, build_schema, introspection_from_schema

SDL = Path(__file__).parents[1] / "fake_centra" / "schema.graphql"


@cache
def schema() -> GraphQLSchema:
    return build_schema(SDL.read_text(encoding="utf-8"))


@cache
def _introspection() -> dict:
    return introspection_from_schema(schema())


def introspection_answer(query: str) -> dict | None:
    """Centra's answer to the connector's introspection request, or None for any other query."""
    return {"data": _introspection()} if "__schema" in query else None
