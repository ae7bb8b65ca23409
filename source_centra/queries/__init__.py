"""GraphQL documents, one ``<stream>.graphql`` per stream, read with importlib.resources.

Conventions every document follows (the generic stream code relies on them; checked by
``unit_tests/test_queries.py`` against ``fake_centra/schema.graphql``):

- the root field is aliased ``result``;
- connection documents (``orderConnection``, ``shipmentConnection``, ``productConnection``) take
  ``$where``, ``$first``, ``$after`` and select ``totalCount pageInfo { hasNextPage endCursor }
  edges { node { … } }``; list documents take ``$where``, ``$limit``, ``$page``;
- every value that varies is a ``$variable``; nothing is formatted into the text.

Shared fragments live in ``fragments/*.graphql``; ``load()`` appends the ones a document spreads
(transitively), so a document validates on its own. Complexity notes are in each file's header
(centra-api.md §4.4: objects cost 1 + fields, lists × limit, × 10 without a limit).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from graphql import FragmentDefinitionNode, FragmentSpreadNode, parse, print_ast, visit
from graphql.language import Visitor

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@cache
def load(name: str) -> str:
    """The document ``<name>.graphql`` followed by every fragment it uses."""
    if not _NAME.match(name):
        raise ValueError(f"not a query name: {name!r}")
    resource = files(__package__) / f"{name}.graphql"
    if not resource.is_file():
        raise ValueError(f"no query named {name!r}")
    text = resource.read_text(encoding="utf-8")
    needed = _fragments_needed(text)
    if not needed:
        return text
    return text.rstrip() + "\n\n" + "\n\n".join(needed) + "\n"


def names() -> list[str]:
    """Every document name (``orders``, ``order_items``, …), without fragments."""
    return sorted(
        entry.name.removesuffix(".graphql")
        for entry in files(__package__).iterdir()
        if entry.name.endswith(".graphql")
    )


def _fragments_needed(text: str) -> list[str]:
    """Printed definitions of the fragments ``text`` spreads, following fragments' own spreads."""
    available = _fragments()
    needed: dict[str, None] = {}
    pending = _spreads(text)
    while pending:
        fragment = pending.pop(0)
        if fragment in needed:
            continue
        if fragment not in available:
            raise ValueError(f"unknown fragment ...{fragment}; add it to queries/fragments/")
        needed[fragment] = None
        pending.extend(_spreads(available[fragment]))
    return [available[fragment] for fragment in needed]


def _spreads(text: str) -> list[str]:
    found: list[str] = []

    class Spreads(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: object) -> None:
            found.append(node.name.value)

    visit(parse(text), Spreads())
    return found


@cache
def _fragments() -> dict[str, str]:
    """Fragment name → printed definition, from every file in ``fragments/``."""
    definitions: dict[str, str] = {}
    for entry in files(__package__).joinpath("fragments").iterdir():
        if not entry.name.endswith(".graphql"):
            continue
        for definition in parse(entry.read_text(encoding="utf-8")).definitions:
            if isinstance(definition, FragmentDefinitionNode):
                definitions[definition.name.value] = print_ast(definition)
    return definitions
