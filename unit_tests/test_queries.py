"""queries/: every .graphql parses, validates against fake_centra/schema.graphql and follows the
conventions the generic stream code relies on; fixture nodes have exactly the shape a query returns.

Complexity is estimated with Centra's formula (centra-api.md §4.4): scalars 0, objects 1 + their
fields, lists × limit (× first inside a connection; edges add nothing), × 10 without a limit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    BooleanValueNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableNode,
    Visitor,
    build_schema,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    parse,
    print_ast,
    validate,
    visit,
)

from source_centra import child_pages, queries
from source_centra.permissions import PERMISSION_LABELS, permission_for
from source_centra.documents import PARENT, strip_markers
from source_centra.plan import plan
from source_centra.streams import STREAMS_BY_NAME, Paging, Window

SCHEMA: GraphQLSchema = build_schema(
    (Path(__file__).parents[1] / "fake_centra" / "schema.graphql").read_text(encoding="utf-8")
)
STREAMS = sorted(STREAMS_BY_NAME)  # every row; the rules below hold for each
REQUIRED_PERMISSIONS = {  # the contract's token permissions; optional ones are in streams.py
    "Order:read", "Order.shippingAddress:read", "Return:read", "Shipment:read", "Product:read",
    "Market:read", "PaymentHistory:read", "Store:read",
}
OPTIONAL_PERMISSIONS = set(PERMISSION_LABELS) - REQUIRED_PERMISSIONS  # any other permission Centra has a label for
PAGE_SIZE = 100
COMPLEXITY_BUDGET = 25_000  # one page stays under 10 % of the Growth plan's 250k per 10 s


def document(name: str) -> DocumentNode:
    """The document as written (``@required`` markers removed), before any planning."""
    return parse(strip_markers(queries.load(name)))


def planned(name: str, schema: GraphQLSchema = SCHEMA, exclude=()) -> DocumentNode:
    spec = STREAMS_BY_NAME[name]
    made = plan(name, queries.load(name), schema, exclude=exclude,
                **{k: v for k, v in spec.plan_args().items() if k != "stream"})
    assert not made.missing_required, made.missing_required
    return parse(made.document)


def operation(doc: DocumentNode) -> OperationDefinitionNode:
    (op,) = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    return op


def root(doc: DocumentNode) -> FieldNode:
    (field,) = operation(doc).selection_set.selections
    assert isinstance(field, FieldNode)
    return field


def arguments(field: FieldNode) -> dict[str, Any]:
    return {arg.name.value: arg.value for arg in field.arguments or ()}


def child(field: FieldNode, name: str) -> FieldNode:
    return next(s for s in field.selection_set.selections if isinstance(s, FieldNode) and s.name.value == name)


def field_definition(field: FieldNode):
    return SCHEMA.query_type.fields[field.name.value]


def is_connection(doc: DocumentNode) -> bool:
    return root(doc).name.value.endswith("Connection")


def nested_list(doc: DocumentNode) -> FieldNode | None:
    """A nested stream's child list (the field paged by ``$limit`` under the root), else None."""
    field = root(doc)
    if isinstance(arguments(field).get("limit"), VariableNode):  # a root paged by $limit is a list
        return None
    return next((s for s in field.selection_set.selections if isinstance(s, FieldNode)
                 and isinstance(arguments(s).get("limit"), VariableNode)), None)


# ---------------------------------------------------------------- loading


def test_documents_are_exactly_the_contract_streams() -> None:
    assert queries.names() == sorted(STREAMS)


def test_given_name_then_load_returns_cached_text_and_rejects_unknown_or_path_like_names() -> None:
    assert queries.load("orders") is queries.load("orders")
    for bad in ("nope", "../schemas/orders", "Orders", "fragments/order_dimensions"):
        with pytest.raises(ValueError):
            queries.load(bad)


def test_given_document_using_fragments_then_load_appends_each_fragment_once() -> None:
    text = queries.load("order_items")
    assert text.count("fragment OrderDimensions on Order") == 1
    assert text.count("fragment LineProduct on OrderLine") == 1
    assert "fragment" not in queries.load("stores")


def test_every_fragment_file_is_used_by_some_document() -> None:
    fragment_dir = Path(queries.__file__).parent / "fragments"
    defined = {
        d.name.value
        for path in fragment_dir.glob("*.graphql")
        for d in parse(path.read_text(encoding="utf-8")).definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    used = {
        d.name.value for name in STREAMS for d in document(name).definitions if isinstance(d, FragmentDefinitionNode)
    }
    assert defined == used


# ---------------------------------------------------------------- validity and conventions


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_given_document_planned_for_the_fake_centra_schema_then_it_validates_and_keeps_every_required_selection(name: str) -> None:
    assert validate(SCHEMA, planned(name)) == []


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_given_document_then_root_is_aliased_result_with_a_fixed_sort_that_suits_its_paging(name: str) -> None:
    """The sort is on what is paged: the root list, or a nested stream's child list. It is a literal
    list of ascending enum values; a list read inside an updatedAt window sorts by updatedAt (plan.py
    then pages it by time); any other read never sorts by a value that changes while it reads."""
    spec = STREAMS_BY_NAME[name]
    doc = document(name)
    field = root(doc)
    assert field.alias is not None and field.alias.value == "result"
    assert field.name.value in SCHEMA.query_type.fields
    assert is_connection(doc) is (spec.paging is Paging.CONNECTION)
    paged = nested_list(doc) or field
    assert (spec.paging is Paging.NESTED) is (paged is not field)
    sort_value = arguments(paged)["sort"]
    assert isinstance(sort_value, ListValueNode) and sort_value.values
    sort = [v.value for v in sort_value.values]
    assert all(isinstance(v, EnumValueNode) and v.value.endswith("_ASC") for v in sort_value.values), sort
    if spec.paging is Paging.LIST and spec.filter_field is Window.UPDATED_AT:
        assert sort == ["updatedAt_ASC"]
    else:
        assert not [value for value in sort if value.startswith("updatedAt")]


def child_variables(name: str) -> dict[str, int]:
    """The variables of the child lists a document pages (child_pages.py): page and limit, with the limit."""
    out = {}
    for _key, page, limit_variable, limit in child_pages.paged_children(queries.load(name)):
        out[page], out[limit_variable] = 1, limit
    return out


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_given_document_then_paging_variables_follow_the_connection_or_list_convention(name: str) -> None:
    doc = document(name)
    field = root(doc)
    declared = {v.variable.name.value: print_ast(v.type) for v in operation(doc).variable_definitions}
    for variable, size in child_variables(name).items():  # a child list Centra pages (child_pages.py)
        assert declared.pop(variable) == "Int" and size >= 1
    passed = {k: v.name.value for k, v in arguments(field).items() if isinstance(v, VariableNode)}
    where_type = print_ast(operation(doc).variable_definitions[0].type).rstrip("!")
    if is_connection(doc):
        assert declared == {"where": f"{where_type}!", "first": "Int!", "after": "String"}
        page_info = {f.name.value for f in child(field, "pageInfo").selection_set.selections}
        assert {"hasNextPage", "endCursor"} <= page_info
        assert child(field, "totalCount") and child(child(field, "edges"), "node")
    else:
        assert declared == {"where": where_type, "limit": "Int!", "page": "Int!"}
    nested = nested_list(doc)
    if nested is not None:  # the root takes the parent's where ({id: [parent]}), the child list the paging
        assert passed == {"where": "where"}
        paged = {k: v.name.value for k, v in arguments(nested).items() if isinstance(v, VariableNode)}
        assert paged == {"limit": "limit", "page": "page"}
        assert STREAMS_BY_NAME[name].nested_field == (nested.alias or nested.name).value
        return
    assert passed == {k: k for k in declared}


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_given_document_then_no_value_is_formatted_into_the_text(name: str) -> None:
    text = queries.load(name)
    assert not re.search(r"%[sdr(]|\{[A-Za-z_0-9]*\}|\$\{", text)
    literals: list[str] = []

    doc = document(name)
    one_parent = root(doc) if nested_list(doc) is not None else None

    class Arguments(Visitor):
        def enter_argument(self, node, _key, _parent, _path, ancestors):
            if one_parent is not None and ancestors and ancestors[-1] is one_parent and node.name.value == "limit":
                assert print_ast(node.value) == "1"  # a nested stream asks one parent by id: limit 1, not the 10 assumed
                return
            values = node.value.values if isinstance(node.value, ListValueNode) else [node.value]
            literals.extend(
                type(v).__name__ for v in values if not isinstance(v, (VariableNode, EnumValueNode, BooleanValueNode))
            )

    visit(doc, Arguments())
    assert literals == []  # only $variables, sort enums and includingTax/includeFullyCancelled flags


def permissions_needed(doc: DocumentNode, required_only: bool = False) -> tuple[dict[str, set[str]], list[str]]:
    """({permission: coordinates of the fields that need it}, deprecated fields) of a document, from @requires."""
    needed: dict[str, set[str]] = {}
    deprecated: list[str] = []
    type_info = TypeInfo(SCHEMA)

    class Fields(Visitor):
        def enter_field(self, node, *_args):
            definition = type_info.get_field_def()
            if definition is None:
                return
            if definition.deprecation_reason:
                deprecated.append(node.name.value)
            for directive in getattr(definition.ast_node, "directives", None) or ():
                if directive.name.value == "requires":
                    coordinate = f"{type_info.get_parent_type().name}.{node.name.value}"
                    needed.setdefault(directive.arguments[0].value.value, set()).add(coordinate)

    visit(doc, TypeInfoVisitor(type_info, Fields()))
    return needed, deprecated


def guarded_selections(name: str) -> list[tuple[str, str, bool, str]]:
    """(path, coordinate, required, permission) of every kept selection the fake guards by a permission."""
    spec = STREAMS_BY_NAME[name]
    made = plan(name, queries.load(name), SCHEMA, **{k: v for k, v in spec.plan_args().items() if k != "stream"})
    out = []
    for path, coordinate, required in made.selections:
        type_name, field_name = coordinate.split(".")
        definition = SCHEMA.get_type(type_name).fields[field_name]
        for directive in getattr(definition.ast_node, "directives", None) or ():
            if directive.name.value == "requires":
                out.append((path, coordinate, required, directive.arguments[0].value.value))
    return out


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_given_document_then_check_requires_exactly_the_permissions_of_its_required_selections(name: str) -> None:
    spec = STREAMS_BY_NAME[name]
    _, deprecated = permissions_needed(planned(name))
    allowed = REQUIRED_PERMISSIONS | (OPTIONAL_PERMISSIONS if spec.optional else set())
    assert set(spec.permissions) <= allowed and deprecated == []
    assert spec.optional is bool(set(spec.permissions) - REQUIRED_PERMISSIONS)  # optional exactly when it needs more
    required = {permission for _p, _c, is_required, permission in guarded_selections(name) if is_required}
    assert required == set(spec.permissions)


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_given_guarded_selection_then_the_permission_table_names_its_permission(name: str) -> None:
    """A denial is resolved by path → coordinate → permissions.py; every guarded field must be there."""
    for _path, coordinate, _required, permission in guarded_selections(name):
        assert permission_for(coordinate, SCHEMA) == permission, coordinate


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_given_every_optional_guarded_selection_denied_then_plan_validates_and_needs_only_required_permissions(name: str) -> None:
    """What the stream sends after Centra denied every optional guarded field: still valid, still paged."""
    spec = STREAMS_BY_NAME[name]
    optional = [path for path, _c, required, _p in guarded_selections(name) if not required]
    pruned = planned(name, exclude=optional)
    assert validate(SCHEMA, pruned) == []
    assert set(permissions_needed(pruned)[0]) == set(spec.permissions)
    assert root(pruned).alias.value == "result"


def test_given_base_currency_probe_then_it_validates_and_needs_only_currency_read() -> None:
    from source_centra.context import load_probe

    doc = parse(strip_markers(load_probe("base_currency")))
    assert validate(SCHEMA, doc) == []
    assert set(permissions_needed(doc)[0]) == {"Currency:read"}


def test_given_order_items_then_fully_cancelled_lines_are_requested() -> None:
    lines = child(child(child(root(document("order_items")), "edges"), "node"), "lines")
    value = arguments(lines)["includeFullyCancelled"]
    assert isinstance(value, BooleanValueNode) and value.value is True


def test_given_orders_header_document_then_it_selects_no_lines() -> None:
    doc = document("orders")
    node = child(child(root(doc), "edges"), "node")
    assert "lines" not in {f.name.value for f in expand(node.selection_set, fragments_of(doc))}


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_given_inline_fragments_then_typename_is_selected_beside_them(name: str) -> None:
    """Records tell DTC from wholesale and product from gift lines by __typename."""
    doc = document(name)
    fragments = fragments_of(doc)
    missing: list[str] = []

    def has_inline_fragment(selection_set: SelectionSetNode) -> bool:
        return any(
            isinstance(s, InlineFragmentNode)
            or isinstance(s, FragmentSpreadNode) and has_inline_fragment(fragments[s.name.value].selection_set)
            for s in selection_set.selections
        )

    def check(selection_set: SelectionSetNode, where: str) -> None:
        fields = list(expand(selection_set, fragments))
        if has_inline_fragment(selection_set) and "__typename" not in {f.name.value for f in fields}:
            missing.append(where)
        for field in fields:
            if field.selection_set:
                check(field.selection_set, f"{where}.{field.name.value}")

    check(operation(doc).selection_set, name)
    assert missing == []


# ---------------------------------------------------------------- complexity


def fragments_of(doc: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}


def expand(selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]):
    """Fields of a selection set with inline fragments and spreads flattened (all type conditions)."""
    for s in selection_set.selections:
        if isinstance(s, FieldNode):
            yield s
        elif isinstance(s, InlineFragmentNode):
            yield from expand(s.selection_set, fragments)
        else:
            yield from expand(fragments[s.name.value].selection_set, fragments)


def extra_cost(definition) -> int:
    """What a scalar costs beyond Centra's 0: the fake marks the costlier ones ``@complexity(value:)``
    (the stock quantities other than freeToAllocateQuantity, centra-streams §7)."""
    for directive in getattr(definition.ast_node, "directives", None) or ():
        if directive.name.value == "complexity":
            return int(directive.arguments[0].value.value)
    return 0


def complexity(name: str, page_size: int = PAGE_SIZE, exclude=()) -> int:
    """Centra's formula over the planned document with every $first/$limit set to ``page_size``."""
    doc = planned(name, exclude=exclude)
    fragments = fragments_of(doc)

    def typed_fields(selection_set: SelectionSetNode, parent: GraphQLNamedType):
        """(field, type it is selected on) with fragments flattened; every type condition counts."""
        for s in selection_set.selections:
            if isinstance(s, FieldNode):
                yield s, parent
                continue
            fragment = s if isinstance(s, InlineFragmentNode) else fragments[s.name.value]
            condition = SCHEMA.get_type(fragment.type_condition.name.value) if fragment.type_condition else parent
            yield from typed_fields(fragment.selection_set, condition)

    defaults = {v.variable.name.value: int(v.default_value.value) for v in operation(doc).variable_definitions
                if v.default_value is not None}  # a child list's own page size (child_pages.py)

    def size(field: FieldNode) -> int:
        value = arguments(field).get("limit") or arguments(field).get("first")
        if value is None:
            return 10
        if isinstance(value, VariableNode):
            return defaults.get(value.name.value, page_size)
        return int(value.value)

    def cost(selection_set: SelectionSetNode, parent: GraphQLNamedType, connection_size: int | None = None) -> int:
        total = 0
        for field, on_type in typed_fields(selection_set, parent):
            if field.name.value == "__typename":
                continue
            definition = on_type.fields[field.name.value]
            gql_type = definition.type
            named = get_named_type(gql_type)
            if is_leaf_type(named):
                total += extra_cost(definition)
                continue
            if field.name.value == "edges" and connection_size:
                total += connection_size * cost(field.selection_set, named)
            elif named.name.endswith("Connection"):
                total += 1 + cost(field.selection_set, named, size(field))
            else:
                inner = 1 + cost(field.selection_set, named)
                nullable = gql_type.of_type if is_non_null_type(gql_type) else gql_type
                total += inner * size(field) if is_list_type(nullable) else inner
        return total

    return cost(operation(doc).selection_set, SCHEMA.query_type)


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_given_page_of_100_then_estimated_complexity_stays_within_budget(name: str) -> None:
    """At the default page size, the stream's own cap where its nested lists cost more (products), or
    the page size nested streams read their child lists at (stock, prices)."""
    from source_centra.stream import NESTED_PAGE_SIZE  # nested child lists are read at Centra's maximum

    spec = STREAMS_BY_NAME[name]
    cap = spec.max_page_size
    size = NESTED_PAGE_SIZE if spec.paging is Paging.NESTED else min(PAGE_SIZE, cap or PAGE_SIZE)
    assert complexity(name, size) <= COMPLEXITY_BUDGET


@pytest.mark.parametrize("name", sorted(name for name in STREAMS if STREAMS_BY_NAME[name].optional))
def test_given_document_then_its_header_states_the_complexity_the_formula_gives(name: str) -> None:
    """The header says "Complexity at limit=100: … = N": N is what this file's formula gives for the
    document (the first figure after "="). The Supermetrics streams' headers count fragments on each
    type condition once, as the fake server reports them, so they are not compared here."""
    text = (Path(queries.__file__).parent / f"{name}.graphql").read_text(encoding="utf-8")
    header = "".join(line.lstrip("# ").rstrip() + " " for line in text.splitlines() if line.startswith("#"))
    stated = re.search(r"Complexity at limit=100[^=]*= ([\d,]+)", header)
    assert stated is not None, "no complexity figure in the header"
    assert int(stated.group(1).replace(",", "")) == complexity(name)


def test_given_stock_then_only_the_contracts_five_quantities_are_selected() -> None:
    """Centra: the quantities other than freeToAllocateQuantity cost more; the contract needs five."""
    stock = nested_list(document("stock"))
    quantities = {f.name.value for f in stock.selection_set.selections if f.name.value.endswith("Quantity")}
    assert quantities == {"freeToAllocateQuantity", "physicalQuantity", "availableNowQuantity", "allocatedQuantity",
                          "incomingQuantity"}


def test_given_orders_header_document_then_without_attributes_it_costs_far_less_than_order_items() -> None:
    """Attributes (Order.attributes:read, optional) cost 120 per order; the header alone is cheap."""
    assert complexity("orders", exclude=("result.edges.node.attributes",)) * 2 < complexity("order_items")


# ---------------------------------------------------------------- fixtures have the query's shape


def test_given_fixture_node_then_it_has_exactly_the_fields_its_query_selects(fixture_node) -> None:
    stream, _case, node = fixture_node
    doc = document(stream)
    fragments = fragments_of(doc)
    field = root(doc)
    parent = get_named_type(SCHEMA.query_type.fields[field.name.value].type)
    selection_set = field.selection_set
    if is_connection(doc):
        edges = child(field, "edges")
        selection_set, parent = child(edges, "node").selection_set, get_named_type(
            get_named_type(parent.fields["edges"].type).fields["node"].type
        )
    nested = nested_list(doc)
    if nested is not None:  # a child item, and under "_parent" its parent as selected without the child list
        node = dict(node)
        parent_node = node.pop(PARENT)
        without_child = SelectionSetNode(selections=tuple(s for s in selection_set.selections if s is not nested))
        assert_shape(parent_node, [without_child], parent, fragments, f"{stream}.{PARENT}")
        selection_set, parent = nested.selection_set, get_named_type(parent.fields[nested.name.value].type)
    assert_shape(node, [selection_set], parent, fragments, stream)


def assert_shape(value: Any, selection_sets: list[SelectionSetNode], parent: GraphQLNamedType,
                 fragments: dict[str, FragmentDefinitionNode], path: str) -> None:
    """``value`` has exactly the response keys the selection sets give for its runtime type."""
    if value is None:
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            assert_shape(item, selection_sets, parent, fragments, f"{path}[{i}]")
        return
    assert isinstance(value, dict), path
    typename = value.get("__typename")
    # a type this schema does not know (a line type Centra added later): only the parent's fields apply
    runtime = (SCHEMA.get_type(typename) or parent) if typename else parent
    fields: dict[str, list[FieldNode]] = {}

    def applies(condition: GraphQLNamedType | None, condition_name: str) -> bool:
        if condition is None:  # a fragment on a type the schema lacks (the plan drops it)
            return typename == condition_name
        if condition is runtime or condition is parent:
            return True
        if SCHEMA.get_type(typename or "") is None:
            return False
        assert is_object_type(runtime), f"{path}: cannot tell which fragments apply without __typename"
        return is_abstract_type(condition) and SCHEMA.is_sub_type(condition, runtime)

    def collect(selection_set: SelectionSetNode) -> None:
        for s in selection_set.selections:
            if isinstance(s, FieldNode):
                fields.setdefault(s.alias.value if s.alias else s.name.value, []).append(s)
                continue
            fragment = s if isinstance(s, InlineFragmentNode) else fragments[s.name.value]
            name = fragment.type_condition.name.value if fragment.type_condition else parent.name
            condition = SCHEMA.get_type(name) if fragment.type_condition else parent
            if applies(condition, name):
                collect(fragment.selection_set)

    for selection_set in selection_sets:
        collect(selection_set)
    assert set(value) == set(fields), f"{path}: extra {set(value) - set(fields)}, missing {set(fields) - set(value)}"
    for key, field_nodes in fields.items():
        if field_nodes[0].name.value == "__typename":
            continue
        owner = runtime if field_nodes[0].name.value in getattr(runtime, "fields", {}) else None
        if owner is None:  # a selection the fake's schema lacks (a guess the plan prunes): shape unknown
            continue
        named = get_named_type(owner.fields[field_nodes[0].name.value].type)
        if is_leaf_type(named):
            assert not isinstance(value[key], (dict, list)), f"{path}.{key}"
        else:
            assert_shape(value[key], [n.selection_set for n in field_nodes], named, fragments, f"{path}.{key}")


PROBES = sorted(path.stem for path in (Path(queries.__file__).parent / "probes").glob("*.graphql"))


def test_probes_are_the_known_ones() -> None:
    assert {"rate_limits", "stores", "permissions", "base_currency", "updated_order_ids"} <= set(PROBES)


@pytest.mark.parametrize("name", PROBES)
def test_given_probe_document_then_it_validates_against_the_fake_schema(name) -> None:
    from graphql import build_schema, parse, validate

    from source_centra.context import load_probe

    schema = build_schema((Path(__file__).resolve().parent.parent / "fake_centra" / "schema.graphql").read_text())
    made = plan(name, load_probe(name), schema)
    assert not made.missing_required and validate(schema, parse(made.document)) == []
