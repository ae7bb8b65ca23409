"""Selections that most nodes answer with an empty list, asked for in full only where they are not.

Centra's formula charges a list without a limit 10 times its item whether it holds anything or not
(centra-api.md §4.4). An order's custom attributes cost 10 × (1 + type 1 + elements 10) = 120 of the
~150 an order costs, and most orders carry none (a gift message on a few). So a page asks only
``attributes { __typename }`` (10 per order); the orders of the page whose list is not empty are then
asked for again, by id, with the full selection (and ``updatedAt``), and it is put into their nodes
before any record is made: the records are those of the full document. An order updated between the
two requests (its ``updatedAt`` differs) is asked for again whole, so a record never mixes two
moments. Where the instance cannot filter by id, the stream asks the full selection in the page.

``SPARSE`` names, per stream, the node fields treated so (paths from the stream's node). A shared
pass (shared.py) treats a field so when every member that selects it does.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

from graphql import (
    DocumentNode,
    FieldNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    parse,
    print_ast,
)

from source_centra.plan import Plan

SPARSE: dict[str, tuple[str, ...]] = {
    # 8 % of direct-to-consumer orders carry a gift message in the fake; an attribute list costs 120 an order
    "orders": ("attributes",),
}
PRESENCE = "__typename"


@dataclass(frozen=True)
class Split:
    """A plan whose sparse fields ask only for presence, and how to complete the nodes."""
    page: Plan  # what the page request sends
    full: Plan  # the plan as made: what the records must see
    fields: tuple[str, ...]  # response keys of the sparse fields on the node
    follow_up: str  # document: the same root filtered by id, the node's id, updatedAt and the sparse fields
    whole: str  # document: the same root filtered by id, the full node (for nodes changed in between)


def paths_for(streams: Iterable[str], selecting: Mapping[str, set[str]]) -> tuple[str, ...]:
    """The sparse paths of a request for ``streams``: those every stream selecting them names sparse
    (``selecting``: stream → the node paths its plan selects)."""
    candidates = {path for stream in streams for path in SPARSE.get(stream, ())}
    return tuple(sorted(path for path in candidates
                        if all(path in SPARSE.get(stream, ()) for stream in streams if path in selecting.get(stream, set()))))


def split(made: Plan, paths: tuple[str, ...]) -> Split | None:
    """``made`` with the sparse ``paths`` (top-level node fields) asking for presence only; None when
    none of them is in the plan, or its paging cannot be filtered by id the same way."""
    if not paths or made.paging not in ("connection", "list", "time", "backwards"):
        return None
    return _split(made, paths)


@lru_cache(maxsize=64)
def _split(made: Plan, paths: tuple[str, ...]) -> Split | None:
    tree = parse(made.document)
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    root = operation.selection_set.selections[0]
    connection = made.paging == "connection"
    node = _child(_child(root, "edges"), "node") if connection else root
    if node is None or node.selection_set is None:
        return None
    keys = {(s.alias or s.name).value: s for s in node.selection_set.selections if isinstance(s, FieldNode)}
    fields = tuple(path for path in paths if path in keys and keys[path].selection_set is not None)
    asked = _response_keys(node.selection_set)  # also inside inline fragments (OrderDimensions: ... on Order)
    if not fields or "id" not in asked:
        return None
    presence = SelectionSetNode(selections=(_field(PRESENCE),))
    lean_node = _with(node, selection_set=SelectionSetNode(selections=tuple(
        _with(s, selection_set=presence) if isinstance(s, FieldNode) and (s.alias or s.name).value in fields else s
        for s in node.selection_set.selections)))
    page = replace(made, document=_document(operation, _rebuild(root, lean_node, connection)))
    kept = [_field(name) for name in ("id", "updatedAt") if name in asked] + [keys[f] for f in fields]
    follow_node = _with(node, selection_set=SelectionSetNode(selections=tuple(kept)))
    follow_up = _by_id(operation, root, follow_node, connection)
    whole = _by_id(operation, root, node, connection)
    return Split(page, made, fields, follow_up, whole)


def complete(split_: Split, nodes: list[dict], run: Callable[[str, str, dict], Any], id_type: str) -> list[dict]:
    """``nodes`` of a page asked with ``split_.page``, completed as ``split_.full`` would have answered:
    the sparse fields filled in for the nodes whose lists are not empty (one request by id), and nodes
    changed since the page asked for again whole. ``run(kind, document, variables)`` sends a request
    and returns the root's answer; ``id_type`` is "String" or "Int" (the filter's id type)."""
    wanted = [node for node in nodes if any(node.get(field) for field in split_.fields)]
    if not wanted:
        return nodes
    answers = _nodes(split_, run("follow-up", split_.follow_up, _variables(split_, [n["id"] for n in wanted], id_type)))
    changed = []
    for node in wanted:
        answer = answers.get(str(node["id"]))
        if answer is None or answer.get("updatedAt") != node.get("updatedAt"):
            changed.append(node)
            continue
        for field in split_.fields:
            node[field] = answer.get(field)
    if changed:  # updated between the two requests: the whole node as it is now, never a mix of two moments
        fresh = _nodes(split_, run("whole", split_.whole, _variables(split_, [n["id"] for n in changed], id_type)))
        for node in changed:
            if str(node["id"]) not in fresh:  # gone meanwhile (deleted): its lists are unknown, not empty
                for field in split_.fields:
                    node[field] = None
        nodes = [fresh.get(str(node["id"]), node) for node in nodes]
    return nodes


def id_type(schema, document: str) -> str | None:
    """"String" or "Int": the element type of the ``id`` filter of the document's ``$where`` input
    type on this instance; None when it cannot filter by id (then nothing is sparse)."""
    from graphql import get_named_type

    operation = next(d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode))
    where = next((v for v in operation.variable_definitions or () if v.variable.name.value == "where"), None)
    if where is None:
        return None
    type_node = where.type
    while not hasattr(type_node, "name"):
        type_node = type_node.type
    filter_type = schema.get_type(type_node.name.value)
    field = getattr(filter_type, "fields", {}).get("id")
    named = get_named_type(field.type).name if field is not None else None
    return named if named in ("String", "Int", "ID") else None


def _variables(split_: Split, ids: list, id_type: str) -> dict:
    values = [str(i) for i in ids] if id_type == "String" else [int(i) for i in ids]
    size = {"first": len(values)} if split_.full.paging == "connection" else {"limit": len(values), "page": 1}
    return {"where": {"id": values}, **size}


def _nodes(split_: Split, answer: Any) -> dict[str, dict]:
    if split_.full.paging == "connection":
        items = [edge.get("node") for edge in (answer or {}).get("edges") or []]
    else:
        items = list(answer or [])
    return {str(item["id"]): item for item in items if item}


def _by_id(operation: OperationDefinitionNode, root: FieldNode, node: FieldNode, connection: bool) -> str:
    """The root with the same arguments, paged from the start (no ``after``/``page`` cursor), holding
    ``node``: the variables left are ``$where`` and ``$first``/``$limit`` (and ``$page``)."""
    arguments = tuple(a for a in root.arguments or () if not (connection and a.name.value == "after"))
    rebuilt = _rebuild(_with(root, arguments=arguments), node, connection, bare=True)
    used = {a.value.name.value for a in arguments if isinstance(a.value, VariableNode)}
    definitions = tuple(v for v in operation.variable_definitions or () if v.variable.name.value in used)
    return _document(_with(operation, name=None, variable_definitions=definitions), rebuilt)


def _rebuild(root: FieldNode, node: FieldNode, connection: bool, bare: bool = False) -> FieldNode:
    if not connection:
        return _with(root, selection_set=node.selection_set)
    selections = []
    for selection in root.selection_set.selections:
        if isinstance(selection, FieldNode) and selection.name.value == "edges":
            edges = _with(selection, selection_set=SelectionSetNode(selections=tuple(
                node if isinstance(s, FieldNode) and s.name.value == "node" else s
                for s in selection.selection_set.selections)))
            selections.append(edges)
        elif not bare:
            selections.append(selection)
    return _with(root, selection_set=SelectionSetNode(selections=tuple(selections)))


def _document(operation: OperationDefinitionNode, root: FieldNode) -> str:
    edited = _with(operation, selection_set=SelectionSetNode(selections=(root,)))
    return print_ast(DocumentNode(definitions=(edited,)))


def _response_keys(selection_set: SelectionSetNode) -> set[str]:
    keys = set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            keys.add((selection.alias or selection.name).value)
        elif getattr(selection, "selection_set", None) is not None:
            keys |= _response_keys(selection.selection_set)
    return keys


def _field(name: str) -> FieldNode:
    return FieldNode(name=NameNode(value=name), arguments=(), directives=())


def _child(field: FieldNode | None, name: str) -> FieldNode | None:
    if field is None or field.selection_set is None:
        return None
    return next((s for s in field.selection_set.selections if isinstance(s, FieldNode) and s.name.value == name), None)


def _with(node, **changes):
    kwargs = {key: getattr(node, key) for key in node.keys if key != "loc"}
    kwargs.update(changes)
    return type(node)(**kwargs)
