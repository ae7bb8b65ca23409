"""Fields that share a response key in sibling type conditions but differ in type, resolved per
condition: aliased ``<key>__<Type>`` (``Plan.restore`` renames them back) or, where the values would not
fit the record, the optional side dropped (``plan.py`` calls ``resolve_conflicts`` after validation)."""
from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    get_named_type,
    validate,
    visit,
)
from graphql.language import REMOVE, Visitor
from graphql.validation import OverlappingFieldsCanBeMergedRule

from source_centra.ast_edit import copy_node, type_wrappers
from source_centra.documents import response_of, unalias
from source_centra.fitting import Editor


def resolve_conflicts(operation: OperationDefinitionNode, schema: GraphQLSchema, editor: Editor) -> OperationDefinitionNode:
    """Fields that share a response key in sibling fragments but differ in type (one line type's
    ``productNumber: String!``, another's ``String``) cannot be merged in one response. Each
    conflict is resolved where it arises: the field on the later type condition is aliased
    ``<key>__<Type>`` (``Plan.restore`` renames it back in every answer, and reads a list of one as
    its value where one type answers a list); where the two differ in the scalar itself an optional
    side is dropped instead (null, one warning), since its values would not fit the record. Never
    fails a stream (``_conflict_side``)."""
    for _ in range(64):
        errors = validate(schema, DocumentNode(definitions=(operation,)), [OverlappingFieldsCanBeMergedRule])
        if not errors:
            return operation
        placed = _fragment_fields(operation, schema)
        involved = [placed[id(node)] for node in errors[0].nodes or () if id(node) in placed]
        if not involved:
            return operation  # not between fragments: validation reports it as it is
        outer = min(len(response_of(item.path).split(".")) for item in involved)
        sides = [item for item in involved if len(response_of(item.path).split(".")) == outer]
        target = _conflict_side(sides, editor)
        operation = _edit_field(operation, target, editor)
    return operation


@dataclass(frozen=True)
class _Placed:
    node: FieldNode
    path: str  # response path of the field (type conditions included)
    condition: str  # the type condition it sits under
    definition: object  # its GraphQLField on that type
    order: int  # document order


def _fragment_fields(operation: OperationDefinitionNode, schema: GraphQLSchema) -> dict[int, _Placed]:
    """Every field that is a direct child of an inline fragment, by node identity."""
    found: dict[int, _Placed] = {}
    counter = [0]

    def walk(selection_set, parent, path: str, condition: str | None) -> None:
        for selection in (selection_set.selections if selection_set else ()):
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                here = f"{path}.{key}" if path else key
                definition = getattr(parent, "fields", {}).get(selection.name.value)
                counter[0] += 1
                if condition is not None and definition is not None:
                    found[id(selection)] = _Placed(selection, here, condition, definition, counter[0])
                if definition is not None and selection.selection_set is not None:
                    walk(selection.selection_set, get_named_type(definition.type), here, None)
            elif isinstance(selection, InlineFragmentNode):
                name = selection.type_condition.name.value if selection.type_condition else parent.name
                target = schema.get_type(name) or parent
                walk(selection.selection_set, target, f"{path}.on:{name}", name)

    walk(operation.selection_set, schema.query_type, "", None)
    return found


def _conflict_side(sides: list[_Placed], editor: Editor) -> tuple[_Placed, str]:
    """Which field of a conflict to edit, and how: "alias" (nullability differs, or deeper: the values
    fit the record as they are), "alias+single" (one type answers a list where another answers one
    value: aliased, and a list of one read as its value, ``Plan.restore``), or "drop" (another scalar
    type or a nested list-ness: the optional side goes, null with one warning; two required sides are
    aliased as they are)."""
    sides = sorted(sides, key=lambda item: item.order)
    later = sides[-1]
    if len(sides) < 2:
        return later, "alias"
    first = sides[0]
    shape = lambda item: tuple(w for w in type_wrappers(item.definition.type) if w != "GraphQLNonNull")  # noqa: E731
    if shape(first) == shape(later):
        return later, "alias"
    outer = lambda item: shape(item)[1:] if shape(item)[:1] == ("GraphQLList",) else shape(item)  # noqa: E731
    if outer(first) == outer(later):
        return later, "alias+single"
    optional = [item for item in sides if not editor.requires(item.node, unalias(item.path, tuple(editor.renames.items())))]
    if optional:
        return optional[-1], "drop"
    return later, "alias"


def _edit_field(operation: OperationDefinitionNode, choice: tuple[_Placed, str], editor: Editor) -> OperationDefinitionNode:
    target, how = choice
    name = target.node.name.value
    key = target.node.alias.value if target.node.alias else name
    response = response_of(target.path)
    depth = len(response.split("."))

    def ours(item: tuple[str, str, bool]) -> bool:  # the kept selection edited here, or one below it
        at = response_of(item[0])
        if at == response:
            return item[1] == f"{target.condition}.{name}"
        return at.startswith(response + ".") and f"on:{target.condition}" in item[0]

    if how == "drop":
        editor.note("field", f"{target.condition}.{name}", target.path, False,
                    editor.fields_fed(unalias(target.path, tuple(editor.renames.items()))),
                    "has another shape on this type than on the types selected beside it")
        editor.kept = [item for item in editor.kept if not ours(item)]
        replacement = None
    else:
        alias = f"{key}__{target.condition}"
        editor.renames[alias] = key
        if how == "alias+single" and response not in editor.singles:
            editor.singles.append(response)
        editor.kept = [(_rekey(item[0], depth, alias), item[1], item[2]) if ours(item) else item for item in editor.kept]
        replacement = copy_node(target.node, alias=NameNode(value=alias))

    class Swap(Visitor):
        def enter_field(self, node, *_args):
            if node is target.node:
                return REMOVE if replacement is None else replacement
            return None

        def leave_inline_fragment(self, node, *_args):  # a fragment left empty by the drop goes too
            return REMOVE if not node.selection_set.selections else None

        def leave_field(self, node, *_args):
            return REMOVE if node.selection_set is not None and not node.selection_set.selections else None

    return visit(operation, Swap())


def _rekey(path: str, depth: int, alias: str) -> str:
    """``path`` with its ``depth``-th response segment (type conditions not counted) renamed."""
    parts = path.split(".")
    seen = 0
    for index, part in enumerate(parts):
        if not part.startswith("on:"):
            seen += 1
            if seen == depth:
                parts[index] = alias
                break
    return ".".join(parts)
