"""Selections most nodes do not need, asked for in full only for the nodes that do.

Centra's formula charges a list without a limit 10 times its item, and every inline fragment of a
list's item, whether anything in the answer uses it or not (centra-api.md §4.4). Two selections pay
that for nothing on most nodes:

- **an order's custom attributes**: 10 × (1 + type 1 + elements 10) = 120 of the ~150 an order costs
  in ``orders``, and most orders carry none (a gift message on a few). The page asks only
  ``attributes { __typename }`` (10 an order).
- **bundle lines' product fields**: a line's product, variant and size cost 3, asked on each of
  ``ProductOrderLine``, ``BundleOrderLine`` and ``BundleItemOrderLine`` because the line type decides
  which applies: 9 a line, 90 an order in ``order_items`` (and in ``return_items`` per return line),
  of which 60 for bundle lines most shops never sell. The page leaves the bundle fragments out; the
  line's ``__typename`` still says which lines are bundles.

After the page, the nodes that need more (a non-empty attribute list, a bundle line) are asked again
by id, with the node's ``id``, ``updatedAt`` and the full selections, in one request, and their
answers are put into the nodes before any record is made: the records are those of the full
document. An order updated between the two requests (its ``updatedAt`` differs) while its attributes
are being completed is asked again whole, so a record never mixes two moments (a line's product
fields are the order's snapshot and do not change). Where the instance cannot filter the root by id,
the stream asks the full document.

``SPARSE`` names, per stream, what is treated so. A shared pass (shared.py) treats a selection so
when every member that selects the field does the same.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

from graphql import (
    DocumentNode,
    FieldNode,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    parse,
    print_ast,
)

from source_centra.ast_edit import copy_node
from source_centra.plan import Plan

BUNDLES = ("BundleOrderLine", "BundleItemOrderLine")


@dataclass(frozen=True)
class Sparse:
    """A node field asked for in full only where needed. Without ``types``: a list, asked for presence
    (``{ __typename }``) and completed whole where not empty. With ``types``: the inline fragments on
    those types inside the list's items (or inside each item's ``inner`` object) are left out and
    completed, by item id, for the nodes holding such an item."""
    field: str
    types: tuple[str, ...] = ()
    inner: str | None = None


SPARSE: dict[str, tuple[Sparse, ...]] = {
    "orders": (Sparse("attributes"),),  # 8 % of direct-to-consumer orders carry a gift message in the fake
    "order_items": (Sparse("lines", BUNDLES),),
    "return_items": (Sparse("lines", BUNDLES, inner="orderLine"),),
}
PRESENCE = "__typename"


@dataclass(frozen=True)
class Split:
    """A plan whose sparse selections are left out of the page, and how to complete the nodes."""
    page: Plan  # what the page request sends
    full: Plan  # the plan as made: what the records must see
    parts: tuple[Sparse, ...]  # the sparse selections found in the plan
    follow_up: str  # document: the same root filtered by id, the node's id, updatedAt and the sparse parts
    whole: str  # document: the same root filtered by id, the full node (for nodes changed in between)


def parts_for(streams: Iterable[str], selecting: Mapping[str, set[str]]) -> tuple[Sparse, ...]:
    """The sparse selections of a request for ``streams``: those every stream selecting the field
    declares the same (``selecting``: stream → the node fields its plan selects)."""
    streams = list(streams)
    candidates = {part for stream in streams for part in SPARSE.get(stream, ())}
    return tuple(sorted((part for part in candidates
                         if all(part in SPARSE.get(stream, ()) for stream in streams
                                if part.field in selecting.get(stream, set()))),
                        key=lambda part: (part.field, part.types, part.inner or "")))


def split(made: Plan, parts: tuple[Sparse, ...]) -> Split | None:
    """``made`` with the sparse ``parts`` left out of the page; None when none applies to the plan or
    its paging cannot be filtered by id the same way."""
    if not parts or made.paging not in ("connection", "list", "time", "backwards"):
        return None
    return _split(made, parts)


@lru_cache(maxsize=64)
def _split(made: Plan, parts: tuple[Sparse, ...]) -> Split | None:
    tree = parse(made.document)
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    root = operation.selection_set.selections[0]
    connection = made.paging == "connection"
    node = _child(_child(root, "edges"), "node") if connection else root
    if node is None or node.selection_set is None:
        return None
    asked = _response_keys(node.selection_set)  # also inside inline fragments (OrderDimensions: ... on Order)
    if "id" not in asked:
        return None
    page_selections, follow_selections, found = list(node.selection_set.selections), [], []
    for part in parts:
        at = next((i for i, s in enumerate(page_selections) if isinstance(s, FieldNode)
                   and (s.alias or s.name).value == part.field and s.selection_set is not None), None)
        if at is None:
            continue
        field = page_selections[at]
        if not part.types:
            page_selections[at] = copy_node(field, selection_set=SelectionSetNode(selections=(_field(PRESENCE),)))
            follow_selections.append(field)
            found.append(part)
            continue
        item_set = field.selection_set
        if part.inner:
            inner = _child(field, part.inner)
            if inner is None or inner.selection_set is None:
                continue
            item_set = inner.selection_set
        lean, removed = _without_types(item_set, set(part.types))
        if not removed or "id" not in _response_keys(field.selection_set):
            continue
        lean = _with_typename(lean)
        completion = SelectionSetNode(selections=tuple(removed))
        if part.inner:
            page_selections[at] = _replace_child(field, part.inner, lean)
            follow_field = copy_node(field, selection_set=SelectionSetNode(selections=(
                _field("id"), copy_node(inner, selection_set=completion))))
        else:
            page_selections[at] = copy_node(field, selection_set=lean)
            follow_field = copy_node(field, selection_set=SelectionSetNode(selections=(_field("id"), *removed)))
        follow_selections.append(follow_field)
        found.append(part)
    if not found:
        return None
    lean_node = copy_node(node, selection_set=SelectionSetNode(selections=tuple(page_selections)))
    page = replace(made, document=_document(operation, _rebuild(root, lean_node, connection)))
    kept = [_field(name) for name in ("id", "updatedAt") if name in asked] + follow_selections
    follow_node = copy_node(node, selection_set=SelectionSetNode(selections=tuple(kept)))
    return Split(page, made, tuple(found), _by_id(operation, root, follow_node, connection),
                 _by_id(operation, root, node, connection))


def complete(split_: Split, nodes: list[dict], run: Callable[[str, str, dict], Any], id_type: str) -> list[dict]:
    """``nodes`` of a page asked with ``split_.page``, completed as ``split_.full`` would have answered
    (module docstring). ``run(kind, document, variables)`` sends a request and returns the root's
    answer; ``id_type`` is the type of the root filter's ids ("String", "Int" or "ID")."""
    wanted = [node for node in nodes if any(_needs(part, node) for part in split_.parts)]
    if not wanted:
        return nodes
    answers = _nodes(split_, run("follow-up", split_.follow_up, _variables(split_, [n["id"] for n in wanted], id_type)))
    changed = []
    for node in wanted:
        answer = answers.get(str(node["id"]))
        whole_lists = any(not part.types for part in split_.parts)
        if answer is None or (whole_lists and answer.get("updatedAt") != node.get("updatedAt")) \
                or not all(_fill(part, node, answer) for part in split_.parts):
            changed.append(node)
    if changed:  # updated between the two requests: the whole node as it is now, never a mix of two moments
        fresh = _nodes(split_, run("whole", split_.whole, _variables(split_, [n["id"] for n in changed], id_type)))
        for node in changed:
            if str(node["id"]) not in fresh:  # gone meanwhile (deleted): what it left out is unknown, not empty
                for part in split_.parts:
                    if not part.types:
                        node[part.field] = None
        nodes = [fresh.get(str(node["id"]), node) for node in nodes]
    return nodes


def _needs(part: Sparse, node: dict) -> bool:
    items = node.get(part.field)
    if not part.types:
        return bool(items)
    for item in items or ():
        target = (item or {}).get(part.inner) if part.inner else item
        if (target or {}).get(PRESENCE) in part.types:
            return True
    return False


def _fill(part: Sparse, node: dict, answer: dict) -> bool:
    """Put the answer's part into the node; False when the answer cannot complete it (an item missing)."""
    if not part.types:
        node[part.field] = answer.get(part.field)
        return True
    by_id = {str(item.get("id")): item for item in answer.get(part.field) or () if item}
    for item in node.get(part.field) or ():
        target = item.get(part.inner) if part.inner else item
        if (target or {}).get(PRESENCE) not in part.types:
            continue
        found = by_id.get(str(item.get("id")))
        if found is None:
            return False
        target.update((found.get(part.inner) or {}) if part.inner else {k: v for k, v in found.items() if k != "id"})
    return True


def id_type(schema, document: str) -> str | None:
    """The element type of the ``id`` filter of the document's ``$where`` input type on this instance
    ("String", "Int" or "ID"); None when it cannot filter by id (then nothing is sparse)."""
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
    values = [int(i) for i in ids] if id_type == "Int" else [str(i) for i in ids]
    size = {"first": len(values)} if split_.full.paging == "connection" else {"limit": len(values), "page": 1}
    return {"where": {"id": values}, **size}


def _nodes(split_: Split, answer: Any) -> dict[str, dict]:
    if split_.full.paging == "connection":
        items = [edge.get("node") for edge in (answer or {}).get("edges") or []]
    else:
        items = list(answer or [])
    return {str(item["id"]): item for item in items if item}


def _without_types(selection_set: SelectionSetNode, types: set[str]) -> tuple[SelectionSetNode, list]:
    """The selection set without inline fragments on ``types`` (at any depth of inline fragments), and
    those fragments."""
    kept, removed = [], []
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            if condition in types:
                removed.append(selection)
                continue
            inner, taken = _without_types(selection.selection_set, types)
            removed += taken
            if inner.selections:
                kept.append(copy_node(selection, selection_set=inner))
            continue
        kept.append(selection)
    return SelectionSetNode(selections=tuple(kept)), removed


def _with_typename(selection_set: SelectionSetNode) -> SelectionSetNode:
    if PRESENCE in _response_keys(selection_set):
        return selection_set
    return SelectionSetNode(selections=(*selection_set.selections, _field(PRESENCE)))


def _replace_child(field: FieldNode, name: str, selection_set: SelectionSetNode) -> FieldNode:
    return copy_node(field, selection_set=SelectionSetNode(selections=tuple(
        copy_node(s, selection_set=selection_set) if isinstance(s, FieldNode) and (s.alias or s.name).value == name else s
        for s in field.selection_set.selections)))


def _by_id(operation: OperationDefinitionNode, root: FieldNode, node: FieldNode, connection: bool) -> str:
    """The root with the same arguments, paged from the start (no ``after`` cursor), holding ``node``:
    the variables left are ``$where`` and ``$first`` (or ``$limit`` and ``$page``)."""
    arguments = tuple(a for a in root.arguments or () if not (connection and a.name.value == "after"))
    rebuilt = _rebuild(copy_node(root, arguments=arguments), node, connection, bare=True)
    used = {a.value.name.value for a in arguments if isinstance(a.value, VariableNode)}
    definitions = tuple(v for v in operation.variable_definitions or () if v.variable.name.value in used)
    return _document(copy_node(operation, name=None, variable_definitions=definitions), rebuilt)


def _rebuild(root: FieldNode, node: FieldNode, connection: bool, bare: bool = False) -> FieldNode:
    if not connection:
        return copy_node(root, selection_set=node.selection_set)
    selections = []
    for selection in root.selection_set.selections:
        if isinstance(selection, FieldNode) and selection.name.value == "edges":
            edges = copy_node(selection, selection_set=SelectionSetNode(selections=tuple(
                node if isinstance(s, FieldNode) and s.name.value == "node" else s
                for s in selection.selection_set.selections)))
            selections.append(edges)
        elif not bare:
            selections.append(selection)
    return copy_node(root, selection_set=SelectionSetNode(selections=tuple(selections)))


def _document(operation: OperationDefinitionNode, root: FieldNode) -> str:
    edited = copy_node(operation, selection_set=SelectionSetNode(selections=(root,)))
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
    return next((s for s in field.selection_set.selections
                 if isinstance(s, FieldNode) and (s.alias or s.name).value == name), None)
