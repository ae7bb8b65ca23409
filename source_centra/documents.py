"""A stream's document (``queries/<name>.graphql``) as the connector reads it before any schema: its
``@required`` markers and selection paths, its root and paging kind, the stream's node (``node_prefix``),
the documents derived from it (``parents_document``, ``id_list_document``), the paths ``queries/feeds.json``
is keyed by (``feeds_key``, ``document_path``) and a GraphQL error's path (``response_path``).

Document paths name fields by response key with type conditions as ``on:<Type>``
(``result.edges.node.lines.on:ProductOrderLine.size``); response paths leave the conditions out."""
from __future__ import annotations

import json
from functools import cache, lru_cache
from importlib.resources import files

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListValueNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor

from source_centra.ast_edit import copy_node

REQUIRED = "required"


class PlanError(ValueError):
    """The document cannot be planned at all (a bug in a document, not an instance difference)."""


def required_paths(document: str) -> set[str]:
    """Document paths of every selection marked ``@required`` (for tests and docs)."""
    tree = _inline_fragments(parse(document))
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    found: set[str] = set()

    def walk(selection_set: SelectionSetNode | None, path: str) -> None:
        for selection in (selection_set.selections if selection_set else ()):
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                here = f"{path}.{key}" if path else key
                if any(d.name.value == REQUIRED for d in selection.directives or ()):
                    found.add(here)
                walk(selection.selection_set, here)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, f"{path}.on:{selection.type_condition.name.value}")

    walk(operation.selection_set, "")
    return found


def selection_paths(document: str) -> list[str]:
    """Every field and type-condition path of a document (markers ignored), in document order."""
    tree = _inline_fragments(parse(document))
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    found: list[str] = []

    def walk(selection_set: SelectionSetNode | None, path: str) -> None:
        for selection in (selection_set.selections if selection_set else ()):
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                here = f"{path}.{key}" if path else key
                if key != "__typename":
                    found.append(here)
                walk(selection.selection_set, here)
            elif isinstance(selection, InlineFragmentNode):
                here = f"{path}.on:{selection.type_condition.name.value}"
                found.append(here)
                walk(selection.selection_set, here)

    walk(operation.selection_set, "")
    return found


def strip_markers(document: str) -> str:
    """The document without ``@required`` markers: what a GraphQL server (or validator) sees."""
    class Strip(Visitor):
        def enter_directive(self, node, *_args):
            from graphql.language import REMOVE
            return REMOVE if node.name.value == REQUIRED else None

    return print_ast(visit(parse(document), Strip()))


def node_prefix(document: str) -> str:
    """The path of the stream's node: ``result.edges.node`` (connections), ``result.<child>`` (nested
    lists, e.g. ``result.stock``) or ``result`` (lists)."""
    tree = parsed(document)
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    paging = paging_of(operation)
    if paging == "connection":
        return "result.edges.node"
    if paging == "nested":
        return f"result.{_nested_field(root_field(operation))}"
    return "result"


def parents_document(document: str) -> str:
    """For a nested document (``warehouses(where: $where) { id … stock(limit: $limit, page: $page) }``):
    the query listing every parent's id, ``warehouses(limit: $limit, page: $page) { id }`` (as an AST edit)."""
    tree = parse(document)
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    root = root_field(operation)
    int_type = parse("query Q($x: Int!) { a }").definitions[0].variable_definitions[0].type
    arguments = tuple(ArgumentNode(name=NameNode(value=name), value=VariableNode(name=NameNode(value=name)))
                      for name in ("limit", "page"))
    id_field = FieldNode(name=NameNode(value="id"), arguments=(), directives=())
    new_root = copy_node(root, arguments=arguments, directives=(), selection_set=SelectionSetNode(selections=(id_field,)))
    template = (operation.variable_definitions or ())[0]
    variables = tuple(copy_node(template, variable=VariableNode(name=NameNode(value=name)), type=int_type, default_value=None)
                      for name in ("limit", "page"))
    edited = copy_node(operation, name=NameNode(value="Parents"), variable_definitions=variables,
                       selection_set=SelectionSetNode(selections=(new_root,)))
    return print_ast(DocumentNode(definitions=(edited,)))


PARENT = "_parent"  # feeds keys of a nested stream's parent selections: "_parent.name" is result.name


def id_list_document(document: str) -> str:
    """A list document asking only for ``id`` (same root, arguments and variables): the cheap probe
    that finds a window's last page before it is read backwards."""
    tree = parse(document)
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    root = root_field(operation)
    id_field = FieldNode(name=NameNode(value="id"), arguments=(), directives=())
    new_root = copy_node(root, selection_set=SelectionSetNode(selections=(id_field,)))
    edited = copy_node(operation, name=NameNode(value="Ids"), selection_set=SelectionSetNode(selections=(new_root,)))
    return print_ast(DocumentNode(definitions=(edited,)))


def feeds_key(path: str, prefix: str = "result") -> str:
    """A document path as the feeds map keys it: relative to the stream's node, and for a nested
    stream (node ``result.stock``) its parent's selections as ``_parent.<path>`` (``result.name`` →
    ``_parent.name``, what ``extras["parent"]`` of the record function carries)."""
    for start in (prefix + ".", "result.edges.node."):
        if path.startswith(start):
            return path[len(start):]
    nested = prefix.count(".") == 1  # result.<child>: a nested stream (connections are result.edges.node)
    if path.startswith("result."):
        return f"{PARENT}.{path[len('result.'):]}" if nested else path[len("result."):]
    return path


def document_path(key: str, prefix: str = "result") -> str:
    """The inverse of ``feeds_key``: the document path a feeds key stands for."""
    if key.startswith(PARENT + "."):
        return "result." + key[len(PARENT) + 1:]
    return f"{prefix}.{key}"


def response_path(error_path) -> str:
    """A GraphQL error's ``path`` (``["result", "edges", 0, "node", "customer"]``) as a dotted path
    without list indices, comparable with ``Plan.selection_at``."""
    return ".".join(str(part) for part in error_path or () if not isinstance(part, int))


def response_of(path: str) -> str:
    return ".".join(part for part in path.split(".") if not part.startswith("on:"))


def unalias(path: str, renames) -> str:
    """A response path with aliased segments (``productNumber__GiftCertificateOrderLine``) as the
    document names them (feeds.json is keyed by the document's paths)."""
    if not renames:
        return path
    names = dict(renames)
    return ".".join(names.get(part, part) for part in path.split("."))


def _inline_fragments(document: DocumentNode) -> DocumentNode:
    """Named fragment spreads → inline fragments (a fragment on the enclosing type is merged in)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def expand(selection_set: SelectionSetNode | None) -> SelectionSetNode | None:
        if selection_set is None:
            return None
        out = []
        for selection in selection_set.selections:
            if isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                out.append(InlineFragmentNode(type_condition=fragment.type_condition, directives=(),
                                              selection_set=expand(fragment.selection_set)))
            elif isinstance(selection, (FieldNode, InlineFragmentNode)):
                out.append(copy_node(selection, selection_set=expand(selection.selection_set)))
        return SelectionSetNode(selections=tuple(out))

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise PlanError("a stream document holds exactly one operation")
    operation = operations[0]
    return DocumentNode(definitions=(copy_node(operation, selection_set=expand(operation.selection_set)),))


@lru_cache(maxsize=512)
def parsed(document: str) -> DocumentNode:
    """A document parsed once per run (plans only ever copy its nodes, never change them)."""
    return _inline_fragments(parse(document))


def root_field(operation: OperationDefinitionNode) -> FieldNode:
    """The root field (a probe may select several: the first)."""
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    if not fields:
        raise PlanError("a document selects at least one root field")
    return fields[0]


def paging_of(operation: OperationDefinitionNode) -> str:
    """How the stream pages: a single root with ``first: $first`` is a connection; a root list whose
    child list takes ``limit: $limit`` is "nested" (one parent at a time, its child list paged:
    ``warehouses(where: $where) { stock(limit: $limit, page: $page) }``); anything else a list."""
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    if len(fields) != 1:
        return "list"
    names = {a.name.value for a in fields[0].arguments or () if isinstance(a.value, VariableNode)}
    if "first" in names:
        return "connection"
    if "limit" not in names and _nested_field(fields[0]) is not None:
        return "nested"
    return "list"


def _nested_field(root: FieldNode) -> str | None:
    """The response key of the root's child list paged by ``$limit`` (nested paging), if any."""
    for selection in (root.selection_set.selections if root.selection_set else ()):
        if isinstance(selection, FieldNode) and any(
                a.name.value == "limit" and isinstance(a.value, VariableNode) for a in selection.arguments or ()):
            return selection.alias.value if selection.alias else selection.name.value
    return None


def sorted_by(root: FieldNode, value: str) -> bool:
    """The root's literal ``sort`` is exactly ``[value]`` (e.g. ``[updatedAt_ASC]``)."""
    sort = next((a.value for a in root.arguments or () if a.name.value == "sort"), None)
    values = sort.values if isinstance(sort, ListValueNode) else (sort,) if sort is not None else ()
    return [getattr(v, "value", None) for v in values] == [value]


@cache
def _feeds_table() -> dict[str, dict[str, list[str]]]:
    resource = files("source_centra.queries").joinpath("feeds.json")
    if not resource.is_file():
        return {}
    return json.loads(resource.read_text(encoding="utf-8"))


def feeds_of(stream: str) -> dict[str, list[str]]:
    return _feeds_table().get(stream, {})
