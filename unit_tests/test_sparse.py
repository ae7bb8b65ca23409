"""Sparse lists (source_centra/sparse.py): a page asks an order's attributes for presence only, the
orders that have some are asked again by id, and the records are those of the full document."""
from __future__ import annotations

import copy
import json

import pytest
from graphql import build_schema, parse, validate

from source_centra import sparse
from source_centra.records import sales
from source_centra.complexity import complexity
from source_centra.plan import plan
from source_centra.queries import load
from source_centra.streams import STREAMS_BY_NAME
from source_centra.union import union
from unit_tests.feeds_builder import NODES, ROOT, extras_for

SCHEMA = build_schema((ROOT / "fake_centra" / "schema.graphql").read_text(encoding="utf-8"))
PAGE = {"first": 100, "limit": 100, "page": 1}


def planned(name: str):
    args = STREAMS_BY_NAME[name].plan_args()
    return plan(args.pop("stream"), load(name), SCHEMA, **args)


def test_given_orders_then_the_page_asks_attributes_for_presence_and_costs_a_third():
    made = planned("orders")
    split = sparse.split(made, sparse.SPARSE["orders"])
    for document in (split.page.document, split.follow_up, split.whole):
        assert not validate(SCHEMA, parse(document)), document
    full, lean = complexity(made.document, SCHEMA, PAGE), complexity(split.page.document, SCHEMA, PAGE)
    assert lean <= full - 100 * 110  # 120 an order for the list, 10 for its presence
    follow_up = complexity(split.follow_up, SCHEMA, {"first": 1})
    assert follow_up == 1 + 120  # one order: its id, updatedAt and attributes
    assert "after" not in split.follow_up and "pageInfo" not in split.follow_up


def test_given_orders_and_order_items_together_then_attributes_and_bundle_lines_are_sparse_in_their_union():
    plans = [planned("orders"), planned("order_items")]
    parts = sparse.parts_for(["orders", "order_items"], {"orders": {"attributes", "id"}, "order_items": {"id", "lines"}})
    assert parts == (sparse.Sparse("attributes"), sparse.Sparse("lines", sparse.BUNDLES))
    split = sparse.split(union(plans), parts)
    assert split is not None and split.parts == parts
    assert not validate(SCHEMA, parse(split.page.document)) and not validate(SCHEMA, parse(split.follow_up))


def test_given_a_stream_that_needs_the_list_in_full_then_it_is_not_sparse_in_a_shared_request():
    parts = sparse.parts_for(["orders", "other"], {"orders": {"attributes"}, "other": {"attributes"}})
    assert parts == ()


@pytest.mark.parametrize("name", ["order_items", "return_items"])
def test_given_lines_then_the_page_leaves_bundle_fragments_out_and_keeps_the_line_type(name):
    made = planned(name)
    split = sparse.split(made, sparse.SPARSE[name])
    for document in (split.page.document, split.follow_up, split.whole):
        assert not validate(SCHEMA, parse(document)), document
    assert "BundleOrderLine" not in split.page.document and "BundleOrderLine" in split.follow_up
    assert "__typename" in split.page.document and "ProductOrderLine" in split.page.document
    full, lean = complexity(made.document, SCHEMA, PAGE), complexity(split.page.document, SCHEMA, PAGE)
    assert full - lean == 100 * 10 * 6  # two fragments of 3 product objects a line, 10 lines an order/return


def test_given_the_instance_cannot_filter_by_id_then_nothing_is_sparse():
    without_id = build_schema((ROOT / "fake_centra" / "schema.graphql").read_text(encoding="utf-8")
                              .replace("input OrderFilter {\n  id: [String!]\n", "input OrderFilter {\n"))
    assert sparse.id_type(without_id, planned("orders").document) is None
    assert sparse.id_type(SCHEMA, planned("orders").document) == "String"


def _order(number: int, attributes: list) -> dict:
    return {"__typename": "DirectToConsumerOrder", "id": f"o{number}", "updatedAt": "2024-06-01 10:00:00",
            "attributes": attributes}


GIFT = [{"__typename": "DynamicAttribute", "type": {"name": "gift_message", "isMapped": False},
         "description": "Gift message", "objectType": "Order",
         "elements": [{"__typename": "AttributeStringElement", "key": "message", "description": "Message",
                       "kind": "TEXTAREA", "value": "With love"}]}]


class Centra:
    """Answers the follow-up requests from ``orders`` (the shop as it is now)."""

    def __init__(self, orders):
        self.orders, self.asked = {o["id"]: o for o in orders}, []

    def __call__(self, kind, document, variables):
        self.asked.append((kind, sorted(variables["where"]["id"]), variables["first"]))
        return {"edges": [{"node": copy.deepcopy(self.orders[i])} for i in variables["where"]["id"] if i in self.orders]}


def test_given_a_page_then_only_orders_with_attributes_are_asked_again_and_get_them_in_full():
    split = sparse.split(planned("orders"), sparse.SPARSE["orders"])
    shop = [_order(1, []), _order(2, GIFT), _order(3, [])]
    page = [dict(o, attributes=[{"__typename": a["__typename"]} for a in o["attributes"]]) for o in shop]
    centra = Centra(shop)
    done = sparse.complete(split, page, centra, "String")
    assert centra.asked == [("follow-up", ["o2"], 1)]
    assert done == shop


def test_given_no_order_with_attributes_then_no_follow_up():
    split = sparse.split(planned("orders"), sparse.SPARSE["orders"])
    centra = Centra([])
    page = [_order(1, []), _order(2, [])]
    assert sparse.complete(split, page, centra, "String") == page and centra.asked == []


def test_given_an_order_updated_between_page_and_follow_up_then_it_is_asked_again_whole():
    split = sparse.split(planned("orders"), sparse.SPARSE["orders"])
    now = dict(_order(2, GIFT), updatedAt="2024-06-01 10:05:00", status="SHIPPED")
    page = [_order(1, []), dict(_order(2, [{"__typename": "DynamicAttribute"}]), status="CONFIRMED")]
    centra = Centra([_order(1, []), now])
    done = sparse.complete(split, page, centra, "String")
    assert [kind for kind, *_ in centra.asked] == ["follow-up", "whole"]
    assert done[1] == now  # one moment: never the page's status with the later attributes


def test_given_an_order_deleted_before_the_follow_up_then_its_attributes_are_unknown_not_empty():
    split = sparse.split(planned("orders"), sparse.SPARSE["orders"])
    page = [_order(1, [{"__typename": "DynamicAttribute"}])]
    done = sparse.complete(split, page, Centra([]), "String")
    assert done[0]["attributes"] is None
    node = dict(next(iter(json.loads((NODES / "orders.json").read_text()).values())), attributes=None)
    record = next(sales.orders(node, extras_for("orders", node)))
    assert record["attributes"] is None


@pytest.mark.parametrize("name", sorted(sparse.SPARSE))
def test_given_a_sparse_selection_then_it_is_in_the_streams_document(name):
    made = planned(name)
    split = sparse.split(made, sparse.SPARSE[name])
    assert split is not None and split.parts == sparse.SPARSE[name]


BUNDLE_LINE = {"id": 12, "__typename": "BundleOrderLine", "quantity": 1, "productNumber": "B-1", "productName": "Kit",
               "productBrand": "X", "productVariantName": "Red", "size": "M", "product": {"id": 5},
               "productVariant": {"id": 6}, "productSize": {"SKU": "S", "EAN": "E"}}
PRODUCT_LINE = dict(BUNDLE_LINE, id=11, __typename="ProductOrderLine")


def _lean(line: dict) -> dict:
    keep = ("id", "__typename", "quantity")
    return {k: v for k, v in line.items() if k in keep or line["__typename"] == "ProductOrderLine"}


def test_given_an_order_with_a_bundle_line_then_its_lines_are_completed_by_id():
    split = sparse.split(planned("order_items"), sparse.SPARSE["order_items"])
    full = dict(_order(1, []), lines=[PRODUCT_LINE, BUNDLE_LINE])
    plain = dict(_order(2, []), lines=[PRODUCT_LINE])
    page = [dict(full, lines=[_lean(line) for line in full["lines"]]), copy.deepcopy(plain)]
    centra = Centra([full, plain])
    done = sparse.complete(split, page, centra, "String")
    assert centra.asked == [("follow-up", ["o1"], 1)]
    assert done == [full, plain]


def test_given_a_return_line_of_a_bundle_then_its_order_line_is_completed():
    split = sparse.split(planned("return_items"), sparse.SPARSE["return_items"])
    line = {"id": 7, "quantity": 1, "orderLine": dict(BUNDLE_LINE)}
    full = {"id": 3, "lines": [line]}
    page = [{"id": 3, "lines": [dict(line, orderLine=_lean(BUNDLE_LINE))]}]

    def run(kind, document, variables):
        assert variables == {"where": {"id": [3]}, "limit": 1, "page": 1}
        return [copy.deepcopy(full)]

    assert sparse.complete(split, page, run, "Int") == [full]
