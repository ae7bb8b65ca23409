"""The editor that fits a document's selections to the live schema, one selection at a time, and
``Dropped``, what it records for each element the instance cannot answer (``plan.py`` drives it; the
rules are listed in ``plan.py``'s docstring)."""
from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    ArgumentNode,
    EnumValueNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    ObjectValueNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
)

from source_centra.ast_edit import can_occur, copy_node, variables_in
from source_centra.documents import REQUIRED, feeds_key, response_of


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


class Editor:
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
        if any(variables_in(a.value) - self.unset for a in node.arguments or ()):
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
            self.nulls.append(response_of(path))  # relaxed: the record function reads it by key

    def dropped_required(self) -> bool:
        return any(item.required for item in self.dropped)

    def fields_fed(self, path: str) -> tuple[str, ...]:
        return tuple(self.feeds.get(feeds_key(path, self.prefix), ()))

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
            self.used_variables |= variables_in(argument.value)
        self.kept.append((here, f"{parent.name}.{name}", self.requires(node, here)))
        return [copy_node(node, arguments=tuple(arguments), selection_set=selection_set, directives=())]

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
            bound = variables_in(argument.value)
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
        return copy_node(argument, value=value)

    def value(self, value, type_, here: str, node: FieldNode):
        named = get_named_type(type_)
        if isinstance(value, ListValueNode):
            items = [self.value(item, type_.of_type if hasattr(type_, "of_type") else type_, here, node) for item in value.values]
            if any(item is _DROP_FIELD for item in items):
                return _DROP_FIELD
            kept = [item for item in items if item is not None]
            return copy_node(value, values=tuple(kept)) if kept else None
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
        if not can_occur(self.schema, parent, target):
            self.note("type", condition, here, self.requires_any(node.selection_set, here), self.fields_fed(here),
                      f"cannot occur in {parent.name}")
            return None
        edited = self.selection_set(node.selection_set, target, here if narrowing else path)
        if not edited:
            return None
        return copy_node(node, selection_set=SelectionSetNode(selections=tuple(edited)), directives=())


_DROP_FIELD = object()
