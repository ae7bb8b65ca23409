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

Here: ``Plan``, ``plan()`` and the document-wide steps (list fallback, paging kind, unused variables,
``$where``). Beside it, each importing only those listed after it: ``conflicts.py`` (fields typed
differently per type condition), ``fitting.py`` (the per-selection editor and ``Dropped``),
``documents.py`` (a document before any schema: markers, paths, root, derived documents, feeds keys),
``ast_edit.py`` (generic graphql-core helpers).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from graphql import (
    ArgumentNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    GraphQLInputObjectType,
    GraphQLSchema,
    ListValueNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    parse,
    print_ast,
    validate,
)

from source_centra.ast_edit import coordinates_of, copy_node, type_node_name
from source_centra.conflicts import resolve_conflicts
from source_centra.documents import feeds_key, feeds_of, node_prefix, paging_of, parsed, response_of, root_field, sorted_by, unalias
from source_centra.fitting import Dropped, Editor

# A window closed at the sync's start only loses rows while it is read (a row updated mid-sync leaves
# it); read from the last page back, a row leaving shifts only rows already read into the next page.
BACKWARDS_NOTE = "paged by page number from the last page back, so rows updated while it is read skip nothing"


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
        matches = [item for item in self.selections if response_of(item[0]) == response_path]
        return matches[0] if matches else None

    def fields_fed(self, path: str) -> tuple[str, ...]:
        return tuple(feeds_of(self.stream).get(feeds_key(unalias(path, self.renames), self.prefix), ()))

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
    feeds = feeds_of(stream)
    where_fields = tuple(where_fields)
    tree = parsed(document)
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))
    prefix = node_prefix(document)
    editor = Editor(schema, feeds, set(exclude), excluded_because or {}, prefix,
                     unset=set() if where_fields else {"where"}, relaxed=frozenset(relaxed))
    query_type = schema.query_type
    paging = paging_of(operation)
    root_node = root_field(operation)
    root = root_node.name.value
    if paging == "connection" and root not in query_type.fields:
        fallback = _list_fallback(operation, schema, time_field)
        if fallback is not None:
            operation, paging = fallback
            root_node = root_field(operation)
            how = (f"paged by advancing {time_field}" if paging == "time" else
                   f"without {time_field}_ASC {BACKWARDS_NOTE}")
            editor.note("field", f"Query.{root}", "result", False, (),
                        f"read through Query.{root_node.name.value} instead, {how}")
            root = root_node.name.value
    selections = editor.selection_set(operation.selection_set, query_type, "")
    if not selections:  # the root itself is missing (noted): nothing to ask
        return Plan(stream, "", root, paging, tuple(editor.dropped), (), prefix)
    operation = copy_node(operation, selection_set=SelectionSetNode(selections=tuple(selections)))
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
            operation = resolve_conflicts(operation, schema, editor)
            edited = DocumentNode(definitions=(operation,))
            errors = validate(schema, edited)
        for error in errors:
            # a document the planner could not fit (a connector bug, not an instance difference):
            # named by the coordinates it touches, never in graphql-core's words
            editor.note("field", coordinates_of(error, schema, operation) or "(query)", "", True, (),
                        "the connector could not fit its query to this instance's schema")
    return Plan(stream, print_ast(edited), root, paging, tuple(editor.dropped), tuple(editor.kept),
                "result" if paging in ("time", "backwards") else prefix, tuple(editor.renames.items()), tuple(editor.nulls), tuple(editor.singles))


def _time_or_page_numbers(operation: OperationDefinitionNode, time_field: str, editor: Editor) -> str:
    """"time" when the edited root still sorts ``[<time_field>_ASC]`` (paged by advancing the window's
    ``from``, stable while rows change); else "list", and the dropped sort value's warning says what
    paging by page number costs (centra-streams §1: unknown on CustomerSort, InvoiceSort, …)."""
    if sorted_by(root_field(operation), f"{time_field}_ASC"):
        return "time"
    for index, item in enumerate(editor.dropped):
        if item.kind == "enum value" and item.coordinate.endswith(f".{time_field}_ASC"):
            editor.dropped[index] = Dropped(item.kind, item.coordinate, item.path, item.required, item.fields,
                                            BACKWARDS_NOTE)
    return "backwards"


def _list_fallback(operation: OperationDefinitionNode, schema: GraphQLSchema, time_field: str | None):
    """``xConnection(where, sort, first, after) { … edges { node { S } } }`` → ``xs(where, sort, limit, page) { S }``."""
    root = root_field(operation)
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
        variables.append(copy_node(template, variable=VariableNode(name=NameNode(value=name_)), type=int_type, default_value=None))
    return copy_node(operation, variable_definitions=tuple(variables),
                     selection_set=SelectionSetNode(selections=(new_root,))), ("time" if sortable else "backwards")


def _drop_unused_variables(operation: OperationDefinitionNode, editor: Editor, schema: GraphQLSchema) -> OperationDefinitionNode:
    kept = []
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in editor.used_variables:
            continue
        type_name = type_node_name(definition.type)
        if schema.get_type(type_name) is None:
            editor.note("type", type_name, f"${name}", True, (), "the stream's filter type")
        kept.append(definition)
    return copy_node(operation, variable_definitions=tuple(kept))


def _check_where(operation: OperationDefinitionNode, schema: GraphQLSchema, where_fields: Iterable[str], editor: Editor) -> None:
    definition = next((d for d in operation.variable_definitions or () if d.variable.name.value == "where"), None)
    if definition is None:
        return
    filter_type = schema.get_type(type_node_name(definition.type))
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
