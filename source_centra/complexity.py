"""A document's query complexity as Centra computes it (centra-api.md §4.4), from the live schema.

Centra's rule: scalars cost 0; an object costs 1 + its selected fields; a list multiplies its item
cost by its ``limit`` argument (the schema's default when left out, else 10); a connection
multiplies its node cost by ``first``/``last`` (10 when absent), ``edges`` and ``pageInfo`` adding
nothing; the root sums its fields; inline fragments add their fields to the enclosing object.
Centra "modifies" GitHub's algorithm in ways not published (a few scalars cost 2, some fields more),
so this is an estimate: what a request is booked at before Centra first answers it (pacing.py), what
the benchmarks call the floor. Centra's own figure, ``extensions.complexity`` in every answer, is
what the pacer accounts from.
"""
from __future__ import annotations

from typing import Any, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    get_named_type,
    is_leaf_type,
    parse,
)
from graphql.utilities import value_from_ast_untyped

DEFAULT_LIST_SIZE = 10


def complexity(document: str, schema: GraphQLSchema, variables: Mapping[str, Any] | None = None) -> int:
    """The complexity of the (first) operation of ``document`` with ``variables``."""
    tree = parse(document)
    operation = next((d for d in tree.definitions if isinstance(d, OperationDefinitionNode)), None)
    if operation is None:
        return 0
    fragments = {d.name.value: d for d in tree.definitions if isinstance(d, FragmentDefinitionNode)}
    values = dict(variables or {})

    def argument(node: FieldNode, name: str) -> Any:
        for item in node.arguments or ():
            if item.name.value == name:
                return value_from_ast_untyped(item.value, values)
        return None

    def size(node: FieldNode, definition: Any, *names: str) -> int:
        for name in names:
            value = argument(node, name)
            if isinstance(value, int) and not isinstance(value, bool):
                return max(value, 0)
        for name in names:
            arg = (definition.args or {}).get(name)
            default = getattr(arg, "default_value", None)
            if isinstance(default, int) and not isinstance(default, bool):
                return max(default, 0)
        return DEFAULT_LIST_SIZE

    def fields(selection_set: Any, parent: Any):
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                definition = getattr(parent, "fields", {}).get(name) if not name.startswith("__") else None
                if definition is not None:
                    yield selection, definition
                continue
            if isinstance(selection, InlineFragmentNode):
                condition, inner = selection.type_condition, selection.selection_set
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
                fragment = fragments[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                continue
            target = schema.get_type(condition.name.value) if condition else parent
            yield from fields(inner, target or parent)

    def cost(selection_set: Any, parent: Any) -> int:
        total = 0
        for node, definition in fields(selection_set, parent):
            named = get_named_type(definition.type)
            if is_leaf_type(named) or node.selection_set is None:
                continue
            if named.name.endswith("Connection"):
                total += size(node, definition, "first", "last") * node_cost(node.selection_set, named)
                continue
            inner = 1 + cost(node.selection_set, named)
            total += size(node, definition, "limit") * inner if _is_list(definition.type) else inner
        return total

    def node_cost(selection_set: Any, connection: Any) -> int:
        total = 0
        for node, definition in fields(selection_set, connection):
            if node.name.value != "edges" or node.selection_set is None:
                continue
            edge = get_named_type(definition.type)
            for inner, inner_definition in fields(node.selection_set, edge):
                if inner.name.value == "node" and inner.selection_set is not None:
                    total += 1 + cost(inner.selection_set, get_named_type(inner_definition.type))
        return total

    root = schema.get_root_type(operation.operation) if hasattr(schema, "get_root_type") else schema.query_type
    return cost(operation.selection_set, root)


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)
