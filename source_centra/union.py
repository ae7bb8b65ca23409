"""The union of several streams' planned documents over the same root: one document that fetches each
selected field once (the shared pass, shared.py).

Streams that page the same parent (``orders`` and ``order_items`` both page ``orderConnection``) send
documents that differ only below the root. Their union is one document with the same root, arguments
and variables, whose selections are merged by response key (alias or name), recursively, inline
fragments by type condition: a field both select is asked for once. Centra counts complexity per
selection in the document (centra-api.md §4.4), so a field selected twice would be paid twice; merged
it is paid once. Each stream's record function reads only the fields it selected, so every stream
gets from the union's answer exactly what its own document would have brought.

Documents that cannot be merged (another root, other arguments or variables, one response key used
for different fields) raise ``UnionError``; the shared pass then reads those streams separately.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from graphql import (
    DocumentNode,
    FieldNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
)

from source_centra.ast_edit import copy_node
from source_centra.plan import Plan


class UnionError(ValueError):
    """The documents do not page the same root the same way."""


def union(plans: Sequence[Plan]) -> Plan:
    """One plan whose document selects what every plan of ``plans`` selects, each field once."""
    if not plans:
        raise UnionError("no documents")
    if len(plans) == 1:
        return plans[0]
    first = plans[0]
    operations = [_operation(made.document) for made in plans]
    roots = [_single_root(operation) for operation in operations]
    for made, operation, root in zip(plans[1:], operations[1:], roots[1:]):
        if (made.root, made.paging, made.prefix) != (first.root, first.paging, first.prefix):
            raise UnionError(f"{made.stream} pages {made.root} ({made.paging}), {first.stream} {first.root} ({first.paging})")
        if _key(root, with_selections=False) != _key(roots[0], with_selections=False):
            raise UnionError(f"{made.stream} and {first.stream} ask {first.root} with different arguments")
        if _variables(operation) != _variables(operations[0]):
            raise UnionError(f"{made.stream} and {first.stream} declare different variables")
    selections = roots[0].selection_set
    for root in roots[1:]:
        selections = _merge(selections, root.selection_set, first.root)
    merged_root = copy_node(roots[0], selection_set=selections)
    operation = copy_node(operations[0], name=None, selection_set=SelectionSetNode(selections=(merged_root,)))
    document = print_ast(DocumentNode(definitions=(operation,)))
    kept: list = []
    for made in plans:
        kept += [item for item in made.selections if item not in kept]
    def joined(attribute: str) -> tuple:  # each member's restore facts (Plan.restore), once each
        return tuple(dict.fromkeys(item for made in plans for item in getattr(made, attribute)))

    return replace(first, stream="+".join(made.stream for made in plans), document=document, dropped=(),
                   selections=tuple(kept), renames=joined("renames"), nulls=joined("nulls"), singles=joined("singles"))


def _merge(left: SelectionSetNode | None, right: SelectionSetNode | None, where: str) -> SelectionSetNode | None:
    if left is None or right is None:
        if left is not right:
            raise UnionError(f"{where}: a field selected as a value in one document and as an object in another")
        return None
    out: list = []
    index: dict = {}
    for selection in list(left.selections) + list(right.selections):
        key = _selection_key(selection)
        if key not in index:
            index[key] = len(out)
            out.append(selection)
            continue
        present = out[index[key]]
        if isinstance(selection, FieldNode) and _key(present, with_selections=False) != _key(selection, with_selections=False):
            raise UnionError(f"{where}: '{key[1]}' names different fields or arguments")
        label = f"{where}.{key[1]}"
        out[index[key]] = copy_node(present, selection_set=_merge(present.selection_set, selection.selection_set, label))
    return SelectionSetNode(selections=tuple(out))


def _selection_key(selection) -> tuple[str, str]:
    if isinstance(selection, FieldNode):
        return ("field", (selection.alias or selection.name).value)
    if isinstance(selection, InlineFragmentNode):
        return ("on", selection.type_condition.name.value if selection.type_condition else "")
    raise UnionError("planned documents hold no fragment spreads")


def _key(node: FieldNode, *, with_selections: bool) -> str:
    """A field's identity apart from its selections: name, alias, arguments, directives."""
    bare = copy_node(node, selection_set=None) if not with_selections else node
    return print_ast(bare)


def _operation(document: str) -> OperationDefinitionNode:
    operations = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise UnionError("a stream document holds exactly one operation")
    return operations[0]


def _single_root(operation: OperationDefinitionNode) -> FieldNode:
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    if len(fields) != 1:
        raise UnionError("a shared document has exactly one root field")
    return fields[0]


def _variables(operation: OperationDefinitionNode) -> list[str]:
    return sorted(print_ast(v) for v in operation.variable_definitions or ())
