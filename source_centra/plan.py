"""Plan a stream's query against the live schema: one AST edit per stream per sync.

Every selection in ``queries/*.graphql`` is a guess until an instance confirms it (centra-evidence.md
§4). ``plan()`` takes a document and the instance's schema (one introspection per run,
``SyncContext.live_schema``) and removes, generically:

- field selections a type lacks (a field missing on an interface but present on every type that
  implements it is asked for on each implementation instead);
- arguments a field lacks (an *aliased* field whose literal argument is missing is dropped whole: its
  meaning rests on the argument, e.g. ``lineValueExTax: lineValue(includingTax: false)``);
- inline fragments on types that do not exist or cannot occur there;
- enum values the instance does not have (e.g. ``sort: [number_ASC]``), then the argument if empty;
- selections excluded by the caller (fields behind optional permissions the token lacks);
- variables left unused; then the result is validated.

Required vs optional is declared once, in the documents: a selection marked ``@required`` (and every
selection around one) is what the contract and the stream's keys/cursor need; arguments bound to a
``$variable`` are required (the stream machinery sets them). Everything else is optional: when it is
dropped, its record fields are null (never a made-up default) and ``Dropped`` says which, from the
generated ``queries/feeds.json`` (``unit_tests/test_feeds.py`` rebuilds it from the fixtures).

Connection documents whose root the instance lacks (``productConnection``, ``shipmentConnection``:
no public query calls them, centra-streams.md §14) are rewritten to the documented list query
(``products(where, sort, limit, page)``) paged by time: ``Plan.paging == "time"``, see
``stream.py``. A list document sorted ``[updatedAt_ASC]`` inside an updatedAt window (customers,
invoices, …) is paged by time too where the instance has that sort value, by page number where not.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from typing import Iterable

from graphql import (
    ArgumentNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    parse,
    print_ast,
    validate,
    visit,
)
from graphql.validation import OverlappingFieldsCanBeMergedRule
from graphql.language import REMOVE, Visitor

REQUIRED = "required"
# A window closed at the sync's start only loses rows while it is read (a row updated mid-sync leaves
# it); read from the last page back, a row leaving shifts only rows already read into the next page.
BACKWARDS_NOTE = "paged by page number from the last page back, so rows updated while it is read skip nothing"


@dataclass(frozen=True)
class Dropped:
    """One element of a document that this instance cannot answer, and what that costs."""

    kind: str  # "field" | "argument" | "type" | "enum value" | "permission" | "filter field"
    coordinate: str  # schema coordinate: OrderLine.shippedQuantity, OrderTotals.lineValues(includingTax:), GiftCertificateOrderLine
    path: str  # where in the document: result.edges.node.lines.shippedQuantity
    required: bool
    fields: tuple[str, ...] = ()  # record fields that will be null
    detail: str = ""

    def describe(self, stream: str) -> str:
        what = {"type": "the type", "enum value": "the value", "argument": "the argument",
                "field": "the field", "permission": "read access to", "filter field": "the filter"}[self.kind]
        named = [field for field in self.fields if field != "*"]  # "*": the record cannot be built without it
        if self.required:
            nulls = f", which {stream} needs for the fields {', '.join(named)}" if named else ""
        else:
            nulls = f"; {stream} fields {', '.join(named)} will be null" if named else ""
        extra = f" ({self.detail})" if self.detail else ""
        return f"{what} {self.coordinate}{extra}{nulls}"


@dataclass(frozen=True)
class Plan:
    stream: str
    document: str  # what is sent
    root: str  # the root field queried, e.g. "productConnection" or "products"
    paging: str  # "connection" | "list" | "nested" | "time" (by advancing updatedAt.from) | "backwards" (pages last to first)
    dropped: tuple[Dropped, ...] = ()
    selections: tuple[tuple[str, str, bool], ...] = ()  # (path, coordinate, required) of every field kept
    prefix: str = "result"  # path of the stream's node (feeds.json is keyed relative to it)
    renames: tuple[tuple[str, str], ...] = ()  # (alias, response key): fields aliased per type condition
    nulls: tuple[str, ...] = ()  # response paths of dropped selections a record function reads by key: sent as null
    singles: tuple[str, ...] = ()  # response paths where one type answers a list of what the others answer singly

    @property
    def empty(self) -> bool:
        """Nothing of the document is left to ask (its root is missing): there is no request to send."""
        return not self.document

    def selection_at(self, response_path: str) -> tuple[str, str, bool] | None:
        """The kept selection a GraphQL error's path (list indices removed) points at."""
        matches = [item for item in self.selections if _response(item[0]) == response_path]
        return matches[0] if matches else None

    def fields_fed(self, path: str) -> tuple[str, ...]:
        return tuple(_feeds(self.stream).get(_relative(_unalias(path, self.renames), self.prefix), ()))

    def restore(self, data):
        """A response in the document's shape: fields aliased per type condition back under their own
        names, dropped selections the record function reads by key present as null, and where one type
        answers a list of what the others answer singly, a list of one as its value (else null).
        A no-op when there are none."""
        if self.renames:
            data = _restore(data, dict(self.renames))
        for path in self.nulls:
            _fill_null(data, path.split("."))
        for path in self.singles:
            _unwrap(data, path.split("."))
        return data

    @property
    def missing_required(self) -> tuple[Dropped, ...]:
        return tuple(item for item in self.dropped if item.required)

    @property
    def warnings(self) -> tuple[Dropped, ...]:
        return tuple(item for item in self.dropped if not item.required)


class PlanError(ValueError):
    """The document cannot be planned at all (a bug in a document, not an instance difference)."""


# ---------------------------------------------------------------- entry point

def plan(stream: str, document: str, schema: GraphQLSchema, *, exclude: Iterable[str] = (),
         where_fields: Iterable[str] = (), time_field: str | None = None,
         excluded_because: dict[str, str] | None = None, relaxed: Iterable[str] = ()) -> Plan:
    """``document`` edited to fit ``schema``; see the module docstring.

    ``exclude``: document paths to remove (fields the token may not read); ``excluded_because`` maps
    such a path to the permission named in the warning. ``where_fields``: filter fields the stream
    sets in ``$where`` at run time (each must exist on the filter type; one whose type is an input
    object is a window, ``{from, to}``); without any, ``$where`` is never set and is optional.
    ``time_field``: the filter a list fallback pages by (``updatedAt``). ``relaxed``: record fields
    the caller accepts as null (a stream read as full refresh does without its cursor), so the
    selections feeding only them are optional whatever their markers say.
    """
    feeds = _feeds(stream)
    where_fields = tuple(where_fields)
    tree = _parsed(document)
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    prefix = node_prefix(document)
    editor = _Editor(schema, feeds, set(exclude), excluded_because or {}, prefix,
                     unset=set() if where_fields else {"where"}, relaxed=frozenset(relaxed))
    query_type = schema.query_type
    paging = _paging_of(operation)
    root_node = _root(operation)
    root = root_node.name.value
    if paging == "connection" and root not in query_type.fields:
        fallback = _list_fallback(operation, schema, time_field)
        if fallback is not None:
            operation, paging = fallback
            root_node = _root(operation)
            how = (f"paged by advancing {time_field}" if paging == "time" else
                   f"without {time_field}_ASC {BACKWARDS_NOTE}")
            editor.note("field", f"Query.{root}", "result", False, (),
                        f"read through Query.{root_node.name.value} instead, {how}")
            root = root_node.name.value
    selections = editor.selection_set(operation.selection_set, query_type, "")
    if not selections:  # the root itself is missing (noted): nothing to ask
        return Plan(stream, "", root, paging, tuple(editor.dropped), (), prefix)
    operation = _with(operation, selection_set=SelectionSetNode(selections=tuple(selections)))
    if paging == "list" and time_field and selections:  # (no root on this instance: nothing to page)
        # a list read inside an updatedAt window (customers, invoices, …): rows leave it while it is read,
        # so by time where the sort survived, else backwards by page number
        paging = _time_or_page_numbers(operation, time_field, editor)
    operation = _drop_unused_variables(operation, editor, schema)
    _check_where(operation, schema, where_fields, editor)
    edited = DocumentNode(definitions=(operation,))
    if not editor.dropped_required():
        errors = validate(schema, edited)
        if errors:  # fields that differ per type condition are resolved here; anything else stays an error
            operation = _resolve_conflicts(operation, schema, editor)
            edited = DocumentNode(definitions=(operation,))
            errors = validate(schema, edited)
        for error in errors:
            # a document the planner could not fit (a connector bug, not an instance difference):
            # named by the coordinates it touches, never in graphql-core's words
            editor.note("field", _coordinates_of(error, schema, operation) or "(query)", "", True, (),
                        "the connector could not fit its query to this instance's schema")
    return Plan(stream, print_ast(edited), root, paging, tuple(editor.dropped), tuple(editor.kept),
                "result" if paging in ("time", "backwards") else prefix, tuple(editor.renames.items()), tuple(editor.nulls), tuple(editor.singles))


# ---------------------------------------------------------------- the editor

class _Editor:
    def __init__(self, schema: GraphQLSchema, feeds: dict[str, list[str]], exclude: set[str], because: dict[str, str],
                 prefix: str = "result", unset: set[str] = frozenset(), relaxed: frozenset[str] = frozenset()):
        self.schema = schema
        self.prefix = prefix
        self.feeds = feeds
        self.exclude = exclude
        self.because = because
        self.unset = unset  # variables the stream never sets: the arguments bound to them are optional
        self.relaxed = relaxed  # record fields the caller accepts as null
        self.dropped: list[Dropped] = []
        self.used_variables: set[str] = set()
        self.kept: list[tuple[str, str, bool]] = []
        self.renames: dict[str, str] = {}  # alias → response key (conflicts resolved per type condition)
        self.nulls: list[str] = []
        self.singles: list[str] = []  # response paths where a list of one stands for one value (conflicts)

    def requires(self, node: FieldNode, here: str) -> bool:
        """Marked ``@required`` (unless it feeds only relaxed record fields), or holding a required
        selection, or bound to a variable the stream sets."""
        if any(d.name.value == REQUIRED for d in node.directives or ()):
            fed = set(self.fields_fed(here)) - {"*"}
            if not (self.relaxed and fed and fed <= self.relaxed):
                return True
        if any(_variables_in(a.value) - self.unset for a in node.arguments or ()):
            return True
        return self.requires_any(node.selection_set, here)

    def requires_any(self, selection_set: SelectionSetNode | None, path: str) -> bool:
        for selection in (selection_set.selections if selection_set else ()):
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                if self.requires(selection, f"{path}.{key}" if path else key):
                    return True
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else ""
                if self.requires_any(selection.selection_set, f"{path}.on:{condition}"):
                    return True
        return False

    def note(self, kind: str, coordinate: str, path: str, required: bool, fields: tuple[str, ...] = (), detail: str = "") -> None:
        item = Dropped(kind, coordinate, path, required, fields, detail)
        if item not in self.dropped:
            self.dropped.append(item)
        if not required and "*" in fields and kind in ("field", "permission") and path not in self.nulls:
            self.nulls.append(_response(path))  # relaxed: the record function reads it by key

    def dropped_required(self) -> bool:
        return any(item.required for item in self.dropped)

    def fields_fed(self, path: str) -> tuple[str, ...]:
        return tuple(self.feeds.get(_relative(path, self.prefix), ()))

    # A selection set under ``parent`` at document ``path``: the edited selections (may be empty).
    def selection_set(self, node: SelectionSetNode, parent, path: str) -> list:
        out = []
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                out.extend(self.field(selection, parent, path))
            elif isinstance(selection, InlineFragmentNode):
                edited = self.fragment(selection, parent, path)
                if edited is not None:
                    out.append(edited)
        return out

    def field(self, node: FieldNode, parent, path: str) -> list:
        name = node.name.value
        key = node.alias.value if node.alias else name
        here = f"{path}.{key}" if path else key
        if name == "__typename":
            return [node]
        if here in self.exclude:
            permission = self.because.get(here, "")
            self.note("permission", f"{parent.name}.{name}", here, self.requires(node, here), self.fields_fed(here),
                      f"needs {permission}" if permission else "the token may not read it")
            return []
        definition = parent.fields.get(name) if hasattr(parent, "fields") else None
        if definition is None:
            return self.missing_field(node, parent, path, here)
        arguments = []
        for argument in node.arguments or ():
            kept = self.argument(argument, definition, node, parent, here)
            if kept is _DROP_FIELD:
                return []
            if kept is not None:
                arguments.append(kept)
        selection_set = node.selection_set
        named = get_named_type(definition.type)
        if (selection_set is not None) != (not is_leaf_type(named)):  # the field's shape differs here
            shape = "a value" if is_leaf_type(named) else "an object"
            self.note("field", f"{parent.name}.{name}", here, self.requires(node, here), self.fields_fed(here),
                      f"is {shape} ({named.name}) on this instance, not what the connector selects")
            return []
        if selection_set is not None:
            edited = self.selection_set(selection_set, named, here)
            if not edited:
                return []  # every child dropped, each already noted
            selection_set = SelectionSetNode(selections=tuple(edited))
        for argument in arguments:
            self.used_variables |= _variables_in(argument.value)
        self.kept.append((here, f"{parent.name}.{name}", self.requires(node, here)))
        return [_with(node, arguments=tuple(arguments), selection_set=selection_set, directives=())]

    def missing_field(self, node: FieldNode, parent, path: str, here: str) -> list:
        name = node.name.value
        if is_abstract_type(parent):
            implementations = self.schema.get_possible_types(parent)
            having = [impl for impl in implementations if name in impl.fields]
            if having:
                # asked on each implementation instead (e.g. Return.order on an older schema); an
                # implementation without it is missing it as the interface's selection would be
                for impl in implementations:
                    if impl not in having:
                        self.note("field", f"{impl.name}.{name}", here, self.requires(node, here), self.fields_fed(here))
                edited = [self.fragment(InlineFragmentNode(type_condition=NamedTypeNode(name=NameNode(value=impl.name)),
                                                           selection_set=SelectionSetNode(selections=(node,)), directives=()),
                                        parent, path, narrowing=False)
                          for impl in having]
                return [fragment for fragment in edited if fragment is not None]
        self.note("field", f"{parent.name}.{name}", here, self.requires(node, here), self.fields_fed(here))
        return []

    def argument(self, argument: ArgumentNode, definition, node: FieldNode, parent, here: str):
        name = argument.name.value
        coordinate = f"{parent.name}.{node.name.value}({name}:)"
        spec = definition.args.get(name)
        if spec is None:
            bound = _variables_in(argument.value)
            if bound - self.unset:
                self.note("argument", coordinate, here, True, self.fields_fed(here), "the stream sets it")
                return _DROP_FIELD
            if bound:  # bound only to variables this stream never sets
                self.note("argument", coordinate, here, False, (), "asked without it")
                return None
            if node.alias is not None and parent is not self.schema.query_type:
                # a variant of the field whose meaning rests on the argument (a root's alias is only
                # the documents' response key, ``result``)
                self.note("argument", coordinate, here, self.requires(node, here), self.fields_fed(here))
                return _DROP_FIELD
            self.note("argument", coordinate, here, False, (), "asked without it")
            return None
        value = self.value(argument.value, spec.type, here, node)
        if value is _DROP_FIELD:
            return _DROP_FIELD
        if value is None:
            return None
        return _with(argument, value=value)

    def value(self, value, type_, here: str, node: FieldNode):
        named = get_named_type(type_)
        if isinstance(value, ListValueNode):
            items = [self.value(item, type_.of_type if hasattr(type_, "of_type") else type_, here, node) for item in value.values]
            if any(item is _DROP_FIELD for item in items):
                return _DROP_FIELD
            kept = [item for item in items if item is not None]
            return _with(value, values=tuple(kept)) if kept else None
        if isinstance(value, EnumValueNode) and isinstance(named, GraphQLEnumType):
            if value.value not in named.values:
                self.note("enum value", f"{named.name}.{value.value}", here, False, (), "asked without it")
                return None
            return value
        if isinstance(value, ObjectValueNode) and isinstance(named, GraphQLInputObjectType):
            for item in value.fields:
                if item.name.value not in named.fields:  # a literal filter the instance cannot apply
                    self.note("filter field", f"{named.name}.{item.name.value}", here, self.requires(node, here), self.fields_fed(here))
                    return _DROP_FIELD
            return value
        return value

    def fragment(self, node: InlineFragmentNode, parent, path: str, narrowing: bool = True):
        condition = node.type_condition.name.value if node.type_condition else parent.name
        here = f"{path}.on:{condition}"
        target = self.schema.get_type(condition)
        if target is None:  # no such objects on this instance: their fields stay null where they would occur
            self.note("type", condition, here, self.requires_any(node.selection_set, here), self.fields_fed(here),
                      "no such objects here")
            return None
        if not _can_occur(self.schema, parent, target):
            self.note("type", condition, here, self.requires_any(node.selection_set, here), self.fields_fed(here),
                      f"cannot occur in {parent.name}")
            return None
        edited = self.selection_set(node.selection_set, target, here if narrowing else path)
        if not edited:
            return None
        return _with(node, selection_set=SelectionSetNode(selections=tuple(edited)), directives=())


_DROP_FIELD = object()


def _can_occur(schema: GraphQLSchema, parent, target) -> bool:
    if parent.name == target.name:
        return True
    parents = set(t.name for t in schema.get_possible_types(parent)) if is_abstract_type(parent) else {parent.name}
    targets = set(t.name for t in schema.get_possible_types(target)) if is_abstract_type(target) else {target.name}
    return bool(parents & targets)


# ---------------------------------------------------------------- document helpers

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
    tree = _parsed(document)
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    paging = _paging_of(operation)
    if paging == "connection":
        return "result.edges.node"
    if paging == "nested":
        return f"result.{_nested_field(_root(operation))}"
    return "result"


def parents_document(document: str) -> str:
    """For a nested document (``warehouses(where: $where) { id … stock(limit: $limit, page: $page) }``):
    the query listing every parent's id, ``warehouses(limit: $limit, page: $page) { id }`` (as an AST edit)."""
    tree = parse(document)
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    root = _root(operation)
    int_type = parse("query Q($x: Int!) { a }").definitions[0].variable_definitions[0].type
    arguments = tuple(ArgumentNode(name=NameNode(value=name), value=VariableNode(name=NameNode(value=name)))
                      for name in ("limit", "page"))
    id_field = FieldNode(name=NameNode(value="id"), arguments=(), directives=())
    new_root = _with(root, arguments=arguments, directives=(), selection_set=SelectionSetNode(selections=(id_field,)))
    template = (operation.variable_definitions or ())[0]
    variables = tuple(_with(template, variable=VariableNode(name=NameNode(value=name)), type=int_type, default_value=None)
                      for name in ("limit", "page"))
    edited = _with(operation, name=NameNode(value="Parents"), variable_definitions=variables,
                   selection_set=SelectionSetNode(selections=(new_root,)))
    return print_ast(DocumentNode(definitions=(edited,)))


PARENT = "_parent"  # feeds keys of a nested stream's parent selections: "_parent.name" is result.name


def id_list_document(document: str) -> str:
    """A list document asking only for ``id`` (same root, arguments and variables): the cheap probe
    that finds a window's last page before it is read backwards."""
    tree = parse(document)
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    root = _root(operation)
    id_field = FieldNode(name=NameNode(value="id"), arguments=(), directives=())
    new_root = _with(root, selection_set=SelectionSetNode(selections=(id_field,)))
    edited = _with(operation, name=NameNode(value="Ids"), selection_set=SelectionSetNode(selections=(new_root,)))
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


_relative = feeds_key


def response_path(error_path) -> str:
    """A GraphQL error's ``path`` (``["result", "edges", 0, "node", "customer"]``) as a dotted path
    without list indices, comparable with ``Plan.selection_at``."""
    return ".".join(str(part) for part in error_path or () if not isinstance(part, int))


def _response(path: str) -> str:
    return ".".join(part for part in path.split(".") if not part.startswith("on:"))


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
                out.append(_with(selection, selection_set=expand(selection.selection_set)))
        return SelectionSetNode(selections=tuple(out))

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise PlanError("a stream document holds exactly one operation")
    operation = operations[0]
    return DocumentNode(definitions=(_with(operation, selection_set=expand(operation.selection_set)),))


@lru_cache(maxsize=512)
def _parsed(document: str) -> DocumentNode:
    """A document parsed once per run (plans only ever copy its nodes, never change them)."""
    return _inline_fragments(parse(document))


def _root(operation: OperationDefinitionNode) -> FieldNode:
    """The root field (a probe may select several: the first)."""
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    if not fields:
        raise PlanError("a document selects at least one root field")
    return fields[0]


def _paging_of(operation: OperationDefinitionNode) -> str:
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


def _sorted_by(root: FieldNode, value: str) -> bool:
    """The root's literal ``sort`` is exactly ``[value]`` (e.g. ``[updatedAt_ASC]``)."""
    sort = next((a.value for a in root.arguments or () if a.name.value == "sort"), None)
    values = sort.values if isinstance(sort, ListValueNode) else (sort,) if sort is not None else ()
    return [getattr(v, "value", None) for v in values] == [value]


def _time_or_page_numbers(operation: OperationDefinitionNode, time_field: str, editor: _Editor) -> str:
    """"time" when the edited root still sorts ``[<time_field>_ASC]`` (paged by advancing the window's
    ``from``, stable while rows change); else "list", and the dropped sort value's warning says what
    paging by page number costs (centra-streams §1: unknown on CustomerSort, InvoiceSort, …)."""
    if _sorted_by(_root(operation), f"{time_field}_ASC"):
        return "time"
    for index, item in enumerate(editor.dropped):
        if item.kind == "enum value" and item.coordinate.endswith(f".{time_field}_ASC"):
            editor.dropped[index] = Dropped(item.kind, item.coordinate, item.path, item.required, item.fields,
                                            BACKWARDS_NOTE)
    return "backwards"


def _list_fallback(operation: OperationDefinitionNode, schema: GraphQLSchema, time_field: str | None):
    """``xConnection(where, sort, first, after) { … edges { node { S } } }`` → ``xs(where, sort, limit, page) { S }``."""
    root = _root(operation)
    name = root.name.value
    list_name = name.removesuffix("Connection") + "s"
    definition = schema.query_type.fields.get(list_name)
    if definition is None or time_field is None:
        return None
    edges = next((s for s in root.selection_set.selections if isinstance(s, FieldNode) and s.name.value == "edges"), None)
    node = next((s for s in edges.selection_set.selections if isinstance(s, FieldNode) and s.name.value == "node"), None) if edges else None
    if node is None:
        return None
    sort_type = definition.args.get("sort")
    sort_value = f"{time_field}_ASC"
    arguments = [a for a in root.arguments or () if a.name.value == "where"]
    sortable = sort_type is not None and sort_value in (getattr(get_named_type(sort_type.type), "values", None) or {})
    if sortable:
        arguments.append(ArgumentNode(name=NameNode(value="sort"), value=ListValueNode(values=(EnumValueNode(value=sort_value),))))
    arguments += [ArgumentNode(name=NameNode(value="limit"), value=VariableNode(name=NameNode(value="limit"))),
                  ArgumentNode(name=NameNode(value="page"), value=VariableNode(name=NameNode(value="page")))]
    new_root = FieldNode(alias=root.alias, name=NameNode(value=list_name), arguments=tuple(arguments), directives=(),
                         selection_set=node.selection_set)
    variables = [v for v in operation.variable_definitions or () if v.variable.name.value == "where"]
    template = variables[0] if variables else None
    int_type = parse("query Q($x: Int!) { a }").definitions[0].variable_definitions[0].type
    for name_ in ("limit", "page"):
        variables.append(_with(template, variable=VariableNode(name=NameNode(value=name_)), type=int_type, default_value=None))
    return _with(operation, variable_definitions=tuple(variables),
                 selection_set=SelectionSetNode(selections=(new_root,))), ("time" if sortable else "backwards")


def _drop_unused_variables(operation: OperationDefinitionNode, editor: _Editor, schema: GraphQLSchema) -> OperationDefinitionNode:
    kept = []
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in editor.used_variables:
            continue
        type_name = _type_name(definition.type)
        if schema.get_type(type_name) is None:
            editor.note("type", type_name, f"${name}", True, (), "the stream's filter type")
        kept.append(definition)
    return _with(operation, variable_definitions=tuple(kept))


def _check_where(operation: OperationDefinitionNode, schema: GraphQLSchema, where_fields: Iterable[str], editor: _Editor) -> None:
    definition = next((d for d in operation.variable_definitions or () if d.variable.name.value == "where"), None)
    if definition is None:
        return
    filter_type = schema.get_type(_type_name(definition.type))
    if not isinstance(filter_type, GraphQLInputObjectType):
        return
    for name in where_fields:
        if name not in filter_type.fields:
            editor.note("filter field", f"{filter_type.name}.{name}", "$where", True, (), "the stream filters on it")
            continue
        window = get_named_type(filter_type.fields[name].type)
        if isinstance(window, GraphQLInputObjectType):  # a window the stream sets as {from, to}
            for bound in ("from", "to"):
                if bound not in window.fields:
                    editor.note("filter field", f"{window.name}.{bound}", "$where", True, (),
                                f"the stream filters on {filter_type.name}.{name} with it")


def _resolve_conflicts(operation: OperationDefinitionNode, schema: GraphQLSchema, editor: _Editor) -> OperationDefinitionNode:
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
        outer = min(len(_response(item.path).split(".")) for item in involved)
        sides = [item for item in involved if len(_response(item.path).split(".")) == outer]
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


def _wrappers(type_) -> tuple[str, ...]:
    out = []
    while hasattr(type_, "of_type"):
        out.append(type(type_).__name__)
        type_ = type_.of_type
    return tuple(out) + ((type_.name,) if is_leaf_type(type_) else ())


def _conflict_side(sides: list[_Placed], editor: _Editor) -> tuple[_Placed, str]:
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
    shape = lambda item: tuple(w for w in _wrappers(item.definition.type) if w != "GraphQLNonNull")  # noqa: E731
    if shape(first) == shape(later):
        return later, "alias"
    outer = lambda item: shape(item)[1:] if shape(item)[:1] == ("GraphQLList",) else shape(item)  # noqa: E731
    if outer(first) == outer(later):
        return later, "alias+single"
    optional = [item for item in sides if not editor.requires(item.node, _unalias(item.path, tuple(editor.renames.items())))]
    if optional:
        return optional[-1], "drop"
    return later, "alias"


def _edit_field(operation: OperationDefinitionNode, choice: tuple[_Placed, str], editor: _Editor) -> OperationDefinitionNode:
    target, how = choice
    name = target.node.name.value
    key = target.node.alias.value if target.node.alias else name
    response = _response(target.path)
    depth = len(response.split("."))

    def ours(item: tuple[str, str, bool]) -> bool:  # the kept selection edited here, or one below it
        at = _response(item[0])
        if at == response:
            return item[1] == f"{target.condition}.{name}"
        return at.startswith(response + ".") and f"on:{target.condition}" in item[0]

    if how == "drop":
        editor.note("field", f"{target.condition}.{name}", target.path, False,
                    editor.fields_fed(_unalias(target.path, tuple(editor.renames.items()))),
                    "has another shape on this type than on the types selected beside it")
        editor.kept = [item for item in editor.kept if not ours(item)]
        replacement = None
    else:
        alias = f"{key}__{target.condition}"
        editor.renames[alias] = key
        if how == "alias+single" and response not in editor.singles:
            editor.singles.append(response)
        editor.kept = [(_rekey(item[0], depth, alias), item[1], item[2]) if ours(item) else item for item in editor.kept]
        replacement = _with(target.node, alias=NameNode(value=alias))

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


def _unalias(path: str, renames) -> str:
    """A response path with aliased segments (``productNumber__GiftCertificateOrderLine``) as the
    document names them (feeds.json is keyed by the document's paths)."""
    if not renames:
        return path
    names = dict(renames)
    return ".".join(names.get(part, part) for part in path.split("."))


def _restore(data, renames: dict[str, str]):
    if isinstance(data, list):
        return [_restore(item, renames) for item in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
        out[renames.get(key, key)] = _restore(value, renames)
    return out


def _fill_null(data, parts: list[str]) -> None:
    if isinstance(data, list):
        for item in data:
            _fill_null(item, parts)
        return
    if not isinstance(data, dict) or not parts:
        return
    if len(parts) == 1:
        data.setdefault(parts[0], None)
    elif data.get(parts[0]) is not None:
        _fill_null(data[parts[0]], parts[1:])


def _unwrap(data, parts: list[str]) -> None:
    if isinstance(data, list):
        for item in data:
            _unwrap(item, parts)
        return
    if not isinstance(data, dict) or not parts:
        return
    if len(parts) == 1:
        value = data.get(parts[0])
        if isinstance(value, list):
            data[parts[0]] = value[0] if len(value) == 1 else None
    elif data.get(parts[0]) is not None:
        _unwrap(data[parts[0]], parts[1:])


def _coordinates_of(error, schema: GraphQLSchema, operation: OperationDefinitionNode) -> str:
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


def _type_name(type_node) -> str:
    while not isinstance(type_node, NamedTypeNode):
        type_node = type_node.type
    return type_node.name.value


def _variables_in(value) -> set[str]:
    if isinstance(value, VariableNode):
        return {value.name.value}
    if isinstance(value, ListValueNode):
        return set().union(*(_variables_in(v) for v in value.values)) if value.values else set()
    if isinstance(value, ObjectValueNode):
        return set().union(*(_variables_in(f.value) for f in value.fields)) if value.fields else set()
    return set()


def _with(node, **changes):
    """A copy of an AST node with some attributes replaced (graphql-core nodes are not dataclasses)."""
    keys = _KEYS.get(node.__class__)
    if keys is None:
        keys = _KEYS[node.__class__] = tuple(key for key in node.keys if key != "loc")
    values = {key: getattr(node, key, None) for key in keys}
    values.update(changes)
    return node.__class__(**values)


_KEYS: dict[type, tuple[str, ...]] = {}


@cache
def _feeds_table() -> dict[str, dict[str, list[str]]]:
    resource = files("source_centra.queries").joinpath("feeds.json")
    if not resource.is_file():
        return {}
    return json.loads(resource.read_text(encoding="utf-8"))


def _feeds(stream: str) -> dict[str, list[str]]:
    return _feeds_table().get(stream, {})


__all__ = ["Dropped", "Plan", "PlanError", "plan", "required_paths", "selection_paths", "strip_markers",
           "response_path", "node_prefix", "feeds_key", "document_path", "PARENT"]
