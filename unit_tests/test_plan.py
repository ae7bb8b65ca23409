"""plan.py: a document edited to fit the live schema, one rule at a time, on a small schema."""
from __future__ import annotations

import pytest
from graphql import build_schema, parse, validate

from source_centra.documents import required_paths, strip_markers
from source_centra.plan import plan
from source_centra.stream import time_page
from source_centra import state as st

SDL = """
enum ThingSort { id_ASC updatedAt_ASC }
input DateRange { from: String, to: String }
input ThingFilter { updatedAt: DateRange, storeId: [Int!] }
interface Line { id: Int! qty: Int! }
type ProductLine implements Line { id: Int! qty: Int! name: String price(includingTax: Boolean = true): Float! }
type GiftLine implements Line { id: Int! qty: Int! }
interface Owner { id: Int! }
type Person implements Owner { id: Int! email: String }
type Robot implements Owner { id: Int! email: String }
type Thing { id: Int! updatedAt: String! label: String lines(all: Boolean): [Line!]! owner: Owner colour: String }
type PageInfo { hasNextPage: Boolean! endCursor: String }
type ThingEdge { node: Thing! }
type ThingConnection { totalCount: Int! pageInfo: PageInfo! edges: [ThingEdge!]! }
type Query {
  things(where: ThingFilter, sort: [ThingSort!], limit: Int, page: Int): [Thing!]!
  thingConnection(where: ThingFilter, sort: [ThingSort!], first: Int, after: String): ThingConnection
}
"""
LIST = """query Things($where: ThingFilter, $limit: Int!, $page: Int!) {
  result: things(where: $where, sort: [id_ASC, name_ASC], limit: $limit, page: $page) {
    id @required
    updatedAt @required
    %s
  }
}"""


def schema(sdl: str = SDL):
    return build_schema(sdl)


def planned(body: str, sdl: str = SDL, **kwargs):
    made = plan("things", LIST % body, schema(sdl), **kwargs)
    assert made.empty or validate(schema(sdl), parse(made.document)) == [] or made.missing_required
    return made


def coordinates(made) -> list[str]:
    return [item.coordinate for item in made.dropped]


def test_given_document_the_schema_answers_then_only_unknown_enum_values_are_dropped() -> None:
    made = planned("label")
    assert coordinates(made) == ["ThingSort.name_ASC"] and "sort: [id_ASC]" in made.document
    assert "@required" not in made.document and not made.missing_required


def test_given_field_the_type_lacks_then_it_is_dropped_and_named_by_coordinate() -> None:
    made = planned("label size")
    (item,) = [d for d in made.dropped if d.kind == "field"]
    assert (item.coordinate, item.path, item.required) == ("Thing.size", "result.size", False)
    assert "size" not in made.document


def test_given_required_field_the_type_lacks_then_the_plan_reports_it_missing() -> None:
    made = planned("size @required")
    assert [d.coordinate for d in made.missing_required] == ["Thing.size"]


def test_given_every_enum_value_of_a_list_unknown_then_the_argument_is_dropped() -> None:
    made = plan("things", (LIST % "label").replace("[id_ASC, name_ASC]", "[name_ASC]"), schema())
    assert "sort" not in made.document and coordinates(made) == ["ThingSort.name_ASC"]


def test_given_aliased_field_whose_literal_argument_is_missing_then_the_field_is_dropped_not_the_argument() -> None:
    made = planned("lines { id @required ... on ProductLine { net: price(includingTax: false) gross: price } }"
                   .replace("includingTax", "excludingShipping"))
    assert "net:" not in made.document and "gross: price" in made.document
    assert "ProductLine.price(excludingShipping:)" in coordinates(made)


def test_given_plain_field_whose_literal_argument_is_missing_then_only_the_argument_is_dropped() -> None:
    made = planned("lines(everything: true) { id @required }")
    assert "lines {" in made.document and "Thing.lines(everything:)" in coordinates(made)
    assert not made.missing_required


def test_given_argument_bound_to_a_stream_variable_is_missing_then_it_is_required() -> None:
    sdl = SDL.replace("things(where: ThingFilter, sort", "things(sort")
    made = planned("label", sdl, where_fields=("storeId",))
    assert "Query.things(where:)" in [d.coordinate for d in made.missing_required]


def test_given_where_argument_missing_on_a_stream_that_never_filters_then_it_is_asked_without_it() -> None:
    """stores, brands, warehouses: ``$where`` is always null, so an instance without the argument
    loses nothing (it failed the stream before)."""
    sdl = SDL.replace("things(where: ThingFilter, sort", "things(sort")
    made = planned("label", sdl)
    assert not made.missing_required and "$where" not in made.document
    assert [(d.coordinate, d.required) for d in made.dropped if d.kind == "argument"] == [("Query.things(where:)", False)]


def test_given_root_missing_then_the_plan_is_empty_and_names_the_root_as_missing() -> None:
    """An older instance without a newer root (customers, vouchers, …) raised PlanError before."""
    made = plan("things", LIST % "label", schema(SDL.replace("things(", "widgets(")), where_fields=("storeId",))
    assert made.empty and made.document == ""
    assert [d.coordinate for d in made.missing_required] == ["Query.things"]


def test_given_window_filter_without_a_bound_then_the_bound_is_a_missing_filter_field() -> None:
    made = planned("label", SDL.replace("input DateRange { from: String, to: String }", "input DateRange { from: String }"),
                   where_fields=("updatedAt",))
    assert [d.coordinate for d in made.missing_required] == ["DateRange.to"]


def test_given_relaxed_record_field_then_its_marked_selection_is_optional() -> None:
    """A stream read as full refresh only does without its cursor (feeds.json: campaigns' updatedAt
    feeds updated_at)."""
    lean = schema(SDL.replace("type Thing { id: Int! updatedAt: String!", "type Thing { id: Int!"))
    assert [d.coordinate for d in plan("campaigns", LIST % "label", lean).missing_required] == ["Thing.updatedAt"]
    made = plan("campaigns", LIST % "label", lean, relaxed=("updated_at",))
    assert not made.missing_required and [d.coordinate for d in made.warnings if d.kind == "field"] == ["Thing.updatedAt"]


def test_given_fragment_on_a_type_the_schema_lacks_then_it_is_dropped_and_named() -> None:
    made = planned("lines { id @required ... on BundleLine { name } ... on ProductLine { name } }")
    (item,) = [d for d in made.dropped if d.kind == "type"]
    assert (item.coordinate, item.required) == ("BundleLine", False)
    assert "BundleLine" not in made.document and "... on ProductLine" in made.document


def test_given_fragment_that_cannot_occur_there_then_it_is_dropped() -> None:
    made = planned("owner { id ... on ProductLine { name } }")
    assert any(d.kind == "type" and "cannot occur" in d.detail for d in made.dropped)


def test_given_field_missing_on_an_interface_but_on_every_implementation_then_it_is_asked_per_type() -> None:
    made = planned("owner { id email }")
    assert "... on Person {\n        email" in made.document and "... on Robot" in made.document
    assert not [d for d in made.dropped if d.kind == "field"]


def test_given_excluded_path_then_it_is_dropped_as_a_permission_with_its_reason() -> None:
    made = planned("label colour", exclude={"result.colour"}, excluded_because={"result.colour": "Colour (Colour:read)"})
    (item,) = [d for d in made.dropped if d.kind == "permission"]
    assert (item.coordinate, item.detail) == ("Thing.colour", "needs Colour (Colour:read)")
    assert "colour" not in made.document


def test_given_selection_of_subfields_on_a_value_field_then_it_is_dropped() -> None:
    made = planned("label { name isMapped }")
    (item,) = [d for d in made.dropped if d.kind == "field"]
    assert item.coordinate == "Thing.label" and "is a value (String)" in item.detail


def test_given_filter_field_the_stream_sets_is_missing_then_it_is_required() -> None:
    made = planned("label", where_fields=("storeId", "createdAt"))
    assert [d.coordinate for d in made.missing_required] == ["ThingFilter.createdAt"]


def test_given_connection_root_missing_then_list_query_is_read_paged_by_time() -> None:
    document = """query T($where: ThingFilter!, $first: Int!, $after: String) {
      result: productConnection(where: $where, sort: [id_ASC], first: $first, after: $after) {
        totalCount pageInfo { hasNextPage @required endCursor @required } edges { node { id @required label } } } }"""
    sdl = SDL.replace("things(", "products(")
    made = plan("things", document, schema(sdl), time_field="updatedAt")
    assert made.paging == "time" and made.root == "products" and not made.missing_required
    assert " ".join(made.document.split()).count(
        "result: products( where: $where sort: [updatedAt_ASC] limit: $limit page: $page ) { id label }") == 1
    assert validate(schema(sdl), parse(made.document)) == []
    made = plan("things", document, schema(sdl.replace(" updatedAt_ASC", "")), time_field="updatedAt")
    assert made.paging == "backwards"  # no updatedAt_ASC: page numbers from the last page back
    assert any("from the last page back" in d.detail for d in made.dropped)


def test_given_list_sorted_by_updated_at_in_a_time_window_then_paged_by_time_or_by_page_number_without_the_sort() -> None:
    """customers, invoices, …: Centra has no connection for them; updatedAt_ASC is unknown on their sorts."""
    document = LIST.replace("sort: [id_ASC, name_ASC]", "sort: [updatedAt_ASC]") % "label"
    made = plan("things", document, schema(), time_field="updatedAt", where_fields=("updatedAt",))
    assert made.paging == "time" and made.prefix == "result" and made.dropped == ()
    lean = plan("things", document, schema(SDL.replace(" updatedAt_ASC", "")), time_field="updatedAt")
    assert lean.paging == "backwards" and "sort:" not in lean.document
    (warning,) = lean.warnings
    assert warning.coordinate == "ThingSort.updatedAt_ASC" and "from the last page back" in warning.detail
    assert plan("things", document, schema()).paging == "list"  # full refresh (no time window): page numbers
    assert plan("things", LIST % "label", schema(), time_field="updatedAt").paging == "backwards"  # sorted by id


def test_given_markers_then_required_paths_and_stripped_document() -> None:
    text = LIST % "label owner { id @required }"
    assert required_paths(text) == {"result.id", "result.updatedAt", "result.owner.id"}
    assert "@required" not in strip_markers(text)


# ---------------------------------------------------------------- time paging (list fallback)

WINDOW = st.Window("all", st.parse_time("2024-01-01T00:00:00+00:00"), st.parse_time("2024-02-01T00:00:00+00:00"))


def nodes(*pairs):
    return [{"id": i, "updatedAt": f"2024-01-0{d}T10:00:00+01:00"} for i, d in pairs]


def test_given_full_page_then_next_page_starts_at_its_last_updated_at_and_skips_those_seen() -> None:
    fresh, token = time_page(nodes((1, 2), (2, 3), (3, 3)), None, WINDOW, 3)
    assert [n["id"] for n in fresh] == [1, 2, 3]
    assert token == {"from": "2024-01-03T09:00:00+00:00", "page": 1, "seen": [2, 3]}
    fresh, token = time_page(nodes((2, 3), (3, 3), (4, 4)), token, WINDOW, 3)
    assert [n["id"] for n in fresh] == [4]
    assert token["from"] == "2024-01-04T09:00:00+00:00"


def test_given_page_sharing_one_updated_at_then_the_tie_is_read_by_page_number() -> None:
    token = {"from": "2024-01-03T09:00:00+00:00", "page": 1, "seen": []}
    fresh, token = time_page(nodes((5, 3), (6, 3)), token, WINDOW, 2)
    assert token == {"from": "2024-01-03T09:00:00+00:00", "page": 2, "seen": [5, 6]}


def test_given_short_page_then_the_window_is_done() -> None:
    fresh, token = time_page(nodes((7, 5)), {"from": "2024-01-03T09:00:00+00:00", "page": 1, "seen": [6]}, WINDOW, 2)
    assert token is None and [n["id"] for n in fresh] == [7]


# ---------------------------------------------------------------- backwards paging (no sort by time)

@pytest.mark.parametrize("rows", [0, 1, 99, 100, 101, 250, 300, 1000, 1234])
def test_given_any_row_count_then_last_page_finds_the_last_page_with_rows_in_few_requests(rows) -> None:
    from source_centra.paging import last_page

    asked = []

    def rows_on(page: int) -> int:
        asked.append(page)
        return max(0, min(100, rows - (page - 1) * 100))

    expected = max(1, -(-rows // 100))
    assert last_page(rows_on, 100) == expected
    assert len(asked) <= 2 * max(1, expected).bit_length() + 2


def read_while_rows_leave(backwards: bool) -> set[int]:
    """A window of ids 1..10 read 3 a page, while rows 5 and 2 are updated (leave it) after pages 1 and 2."""
    from source_centra.paging import last_page, unpack

    window = list(range(1, 11))
    page_of = lambda number: window[(number - 1) * 3: number * 3]  # noqa: E731
    token = last_page(lambda n: len(page_of(n)), 3) if backwards else 1
    seen: set[int] = set()
    requests = 0
    while token is not None:
        nodes = [{"id": i} for i in page_of(token)]
        requests += 1
        seen |= {n["id"] for n in nodes}
        for leaving in {1: [5], 2: [2]}.get(requests, []):
            window.remove(leaving)
        _nodes, token, _t, _p = unpack("backwards" if backwards else "list", nodes, token=token, window=None, size=3)
    return seen


def test_given_rows_leaving_the_window_while_read_backwards_then_no_row_that_stayed_is_skipped() -> None:
    stayed = set(range(1, 11)) - {5, 2}  # the two that left come again next sync (their updatedAt moved on)
    assert read_while_rows_leave(backwards=True) >= stayed
    assert not read_while_rows_leave(backwards=False) >= stayed  # forward page numbers would skip one


CONFLICT = "lines { id @required ... on ProductLine { name @required } ... on GiftLine { name } }"


def test_given_line_types_declaring_a_shared_field_with_other_nullability_then_it_is_aliased_per_type() -> None:
    """Before: the planned document failed validation (overlapping fields) and the stream failed with
    graphql-core's text."""
    sdl = SDL.replace("type GiftLine implements Line { id: Int! qty: Int! }",
                      "type GiftLine implements Line { id: Int! qty: Int! name: String! }")
    made = planned(CONFLICT, sdl)
    assert not [d for d in made.dropped if d.kind != "enum value"] and validate(schema(sdl), parse(made.document)) == []
    assert "name__GiftLine: name" in made.document
    answer = {"result": [{"id": 1, "lines": [{"id": 1, "name": "shirt"}, {"id": 2, "name__GiftLine": "gift card"}]}]}
    assert made.restore(answer)["result"][0]["lines"] == [{"id": 1, "name": "shirt"}, {"id": 2, "name": "gift card"}]


def test_given_line_types_declaring_a_shared_field_as_a_list_on_one_then_a_list_of_one_is_read_as_its_value() -> None:
    """Before: both sides required could only be aliased, and the record function met a list where it
    reads an object ('list' object has no attribute 'get', found by the full mutation run)."""
    sdl = SDL.replace("type GiftLine implements Line { id: Int! qty: Int! }",
                      "type GiftLine implements Line { id: Int! qty: Int! name: [String!] }")
    made = planned(CONFLICT, sdl)
    assert not [d for d in made.dropped if d.kind != "enum value"] and validate(schema(sdl), parse(made.document)) == []
    assert "name__GiftLine: name" in made.document
    answer = {"result": [{"lines": [{"name": "shirt"}, {"name__GiftLine": ["gift card"]}, {"name__GiftLine": []}]}]}
    assert made.restore(answer)["result"][0]["lines"] == [{"name": "shirt"}, {"name": "gift card"}, {"name": None}]


def test_given_line_types_declaring_a_shared_field_with_another_scalar_then_the_optional_side_is_dropped() -> None:
    sdl = SDL.replace("type GiftLine implements Line { id: Int! qty: Int! }",
                      "type GiftLine implements Line { id: Int! qty: Int! name: Int }")
    made = planned(CONFLICT, sdl)
    assert not made.missing_required and validate(schema(sdl), parse(made.document)) == []
    (item,) = [d for d in made.warnings if d.kind == "field"]
    assert item.coordinate == "GiftLine.name" and "another shape" in item.detail
    assert "... on GiftLine" not in made.document and "... on ProductLine" in made.document


def test_given_interface_field_missing_on_the_interface_and_differing_per_type_then_each_type_is_asked() -> None:
    sdl = SDL.replace("interface Owner { id: Int! }", "interface Owner { id: Int! }").replace(
        "type Robot implements Owner { id: Int! email: String }", "type Robot implements Owner { id: Int! email: String! }")
    made = planned("owner { id email }", sdl)
    assert not [d for d in made.dropped if d.kind != "enum value"] and validate(schema(sdl), parse(made.document)) == []
    assert "email__Robot: email" in made.document


def test_given_root_argument_with_a_literal_missing_then_the_root_is_asked_without_it() -> None:
    """``result: orders(sort: [number_ASC])`` without ``sort:`` on an instance: before, the root's alias
    made it look like a variant of the field and the whole stream failed."""
    made = planned("label", SDL.replace("things(where: ThingFilter, sort: [ThingSort!], limit", "things(where: ThingFilter, limit"),
                   where_fields=("storeId",))
    assert not made.missing_required and "sort:" not in made.document
    assert [(d.coordinate, d.required) for d in made.dropped] == [("Query.things(sort:)", False)]
