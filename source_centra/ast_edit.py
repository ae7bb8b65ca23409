"""Generic graphql-core AST helpers: copying a node with changes, reading variables, type names and
wrappers, and walking a selection set against a schema. No knowledge of streams, documents' markers or
plans (``documents.py`` and the planner build on these)."""
from __future__ import annotations

from graphql import (
    FieldNode,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    NamedTypeNode,
    ObjectValueNode,
    OperationDefinitionNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
)


def copy_node(node, **changes):
    """A copy of an AST node with some attributes replaced (graphql-core nodes are not dataclasses)."""
    keys = _KEYS.get(node.__class__)
    if keys is None:
        keys = _KEYS[node.__class__] = tuple(key for key in node.keys if key != "loc")
    values = {key: getattr(node, key, None) for key in keys}
    values.update(changes)
    return node.__class__(**values)


_KEYS: dict[type, tuple[str, ...]] = {}


def variables_in(value) -> set[str]:
    if isinstance(value, VariableNode):
        return {value.name.value}
    if isinstance(value, ListValueNode):
        return set().union(*(variables_in(v) for v in value.values)) if value.values else set()
    if isinstance(value, ObjectValueNode):
        return set().union(*(variables_in(f.value) for f in value.fields)) if value.fields else set()
    return set()


def type_node_name(type_node) -> str:
    while not isinstance(type_node, NamedTypeNode):
        type_node = type_node.type
    return type_node.name.value


def type_wrappers(type_) -> tuple[str, ...]:
    out = []
    while hasattr(type_, "of_type"):
        out.append(type(type_).__name__)
        type_ = type_.of_type
    return tuple(out) + ((type_.name,) if is_leaf_type(type_) else ())


def can_occur(schema: GraphQLSchema, parent, target) -> bool:
    if parent.name == target.name:
        return True
    parents = set(t.name for t in schema.get_possible_types(parent)) if is_abstract_type(parent) else {parent.name}
    targets = set(t.name for t in schema.get_possible_types(target)) if is_abstract_type(target) else {target.name}
    return bool(parents & targets)


def coordinates_of(error, schema: GraphQLSchema, operation: OperationDefinitionNode) -> str:
    """The schema coordinates of the fields a validation error points at (its nodes)."""
    wanted = {id(node) for node in error.nodes or ()}
    found: list[str] = []

    def walk(selection_set, parent) -> None:
        for selection in (selection_set.selections if selection_set else ()):
            if isinstance(selection, FieldNode):
                definition = getattr(parent, "fields", {}).get(selection.name.value)
                if id(selection) in wanted:
                    coordinate = f"{parent.name}.{selection.name.value}"
                    if coordinate not in found:
                        found.append(coordinate)
                if definition is not None:
                    walk(selection.selection_set, get_named_type(definition.type))
            elif isinstance(selection, InlineFragmentNode):
                name = selection.type_condition.name.value if selection.type_condition else parent.name
                walk(selection.selection_set, schema.get_type(name) or parent)

    walk(operation.selection_set, schema.query_type)
    return ", ".join(found)
