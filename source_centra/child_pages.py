"""A node's child list that Centra pages (``StockChange.lines(limit, page)``, centra-streams §8), completed
when a page holds more than the list's limit for some node: nothing past the first child page is lost.

A document asks for such a list with ``limit`` and ``page`` bound to variables with defaults (``$linesLimit:
Int = 50, $linesPage: Int = 1``, ``lines(sort: [id_ASC], limit: $linesLimit, page: $linesPage)``), so the
stream machinery, which sets only ``where`` and its paging variables, reads the first child page.

The nodes whose list came back full are completed by follow-up requests of the same planned document,
filtered to those nodes (``where: {id: [...]}``), with the list asked several times under aliases
(``lines__0: lines(…, page: $linesPage)``, ``lines__1: lines(…, page: $linesPage__1)``, …): one request
brings several child pages of several nodes. How many: Centra meters requests and complexity separately
(centra-api.md §4.1), and a request of 50 lines costs ~350 points where the quotas trade one request for
~6,000 (Growth: 30M points, 5k requests an hour). Asked a page at a time, a delivery of 1,400 lines
spent 28 requests and almost no points, and a sync of the stock ledger waited on the request quota
while the complexity quota lay idle. So a follow-up asks about as many node-pages as the quotas' points
per request buys (``per_request``; the pacer's ``points_per_request``): the pages a round asks are
shared evenly between the nodes still open, all at the same page numbers; a node whose page comes back
short is complete (the pages asked past it cost their limit for nothing: at most one request's worth
per node). The pages are appended in order; the node is a new dict (the page's own is not changed);
the stream's records come from the completed node as if Centra had returned every child at once.
"""
from __future__ import annotations

from functools import cache
from typing import Any, Callable, Mapping

from graphql import (
    FieldNode,
    IntValueNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    parse,
    print_ast,
)

from source_centra.ast_edit import copy_node
from source_centra.complexity import complexity
from source_centra.documents import node_prefix
from source_centra.errors import CentraError
from source_centra.pacing import DEFAULT_POINTS_PER_REQUEST
from source_centra.progress import Progress

# (document, variables) → the response's data, in the document's shape before any restore
Ask = Callable[[str, dict[str, Any]], Mapping[str, Any]]
ALIAS = "{key}__{index}"  # the response key of the index-th page of child list ``key`` in a follow-up
# at most this many child pages a follow-up, whatever the quotas say (40 of StockChange.lines: 2,000 lines,
# ~14,000 points, less than the stream's own page of 70 stock changes)
MAX_PAGES_PER_REQUEST = 40


@cache
def paged_children(document: str) -> tuple[tuple[str, str, str, int], ...]:
    """(response key, page variable, limit variable, its default) of each child list of the stream's node
    paged by variables."""
    operation = next(d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode))
    defaults = {d.variable.name.value: d.default_value for d in operation.variable_definitions or ()}
    node = _at(operation.selection_set, node_prefix(document).split("."))
    found = []
    for selection in (node.selection_set.selections if node is not None and node.selection_set else ()):
        if not isinstance(selection, FieldNode):
            continue
        arguments = {a.name.value: a.value for a in selection.arguments or ()}
        page, limit = arguments.get("page"), arguments.get("limit")
        if isinstance(page, VariableNode) and isinstance(limit, VariableNode):
            size = defaults.get(limit.name.value)
            if not isinstance(size, IntValueNode) or not isinstance(defaults.get(page.name.value), IntValueNode):
                raise ValueError(f"child list {selection.name.value}: $limit and $page variables need defaults")
            key = selection.alias.value if selection.alias else selection.name.value
            found.append((key, page.name.value, limit.name.value, int(size.value)))
    return tuple(found)


def _at(selection_set, path: list[str]):
    node = None
    for part in path:
        node = next((s for s in (selection_set.selections if selection_set else ())
                     if isinstance(s, FieldNode) and (s.alias.value if s.alias else s.name.value) == part), None)
        if node is None:
            return None
        selection_set = node.selection_set
    return node


@cache
def follow_up(document: str, key: str, pages: int) -> str:
    """``document`` with child list ``key`` of the stream's node asked ``pages`` times: ``{key}__0`` at
    the list's own ``$page`` variable, ``{key}__i`` at a new ``$page__i`` (same type); the rest unchanged."""
    (_key, page_variable, _limit, _size), = [c for c in paged_children(document) if c[0] == key]
    tree = parse(document)
    operation = next(d for d in tree.definitions if isinstance(d, OperationDefinitionNode))

    def edit(selection_set: SelectionSetNode, path: list[str]) -> SelectionSetNode:
        out: list = []
        if len(path) == 1:  # the node's selections: only its id (wherever it stands) and the list's pages
            out = [s for s in selection_set.selections if isinstance(s, FieldNode) and s.name.value == "id" and s.alias is None]
        for selection in selection_set.selections:
            name = (selection.alias or selection.name).value if isinstance(selection, FieldNode) else None
            if name is None or name != path[0]:
                if len(path) > 1:
                    out.append(selection)
            elif len(path) > 1:
                out.append(copy_node(selection, selection_set=edit(selection.selection_set, path[1:])))
            else:
                out += [copy_node(selection, alias=NameNode(value=ALIAS.format(key=key, index=index)),
                                  arguments=tuple(_page_at(argument, page_variable, index)
                                                  for argument in selection.arguments or ()))
                        for index in range(pages)]
        return copy_node(selection_set, selections=tuple(out))

    definition = next(d for d in operation.variable_definitions if d.variable.name.value == page_variable)
    added = tuple(VariableDefinitionNode(variable=VariableNode(name=NameNode(value=f"{page_variable}__{index}")),
                                         type=definition.type, default_value=None, directives=())
                  for index in range(1, pages))
    edited = copy_node(operation, selection_set=edit(operation.selection_set, node_prefix(document).split(".") + [key]),
                       variable_definitions=tuple(operation.variable_definitions) + added)
    return print_ast(copy_node(tree, definitions=tuple(edited if d is operation else d for d in tree.definitions)))


def _page_at(argument, page_variable: str, index: int):
    value = argument.value
    if index and isinstance(value, VariableNode) and value.name.value == page_variable:
        return copy_node(argument, value=VariableNode(name=NameNode(value=f"{page_variable}__{index}")))
    return argument


def page_cost(document: str, key: str, measure: Callable[[str, dict], int]) -> int:
    """What one more child page of one node adds to a follow-up (``measure``: a document's complexity)."""
    one = {"first": 1, "limit": 1}
    return max(1, measure(follow_up(document, key, 2), one) - measure(follow_up(document, key, 1), one))


def complete(nodes: list[dict], made: Any, context: Any, spec: Any) -> list[dict]:
    """The hook stream.py calls with a page's nodes, its plan, the sync context and the stream's row."""
    children = paged_children(made.document)
    if not children or not any(_full(node, key, limit) for node in nodes for key, _p, _l, limit in children):
        return nodes

    def ask(document: str, variables: dict[str, Any]) -> Mapping[str, Any]:
        context.pace()
        return context.run(f"child pages:{hash(document)}", variables, stream=f"{spec.name} (child pages)",
                           document=document).data

    def measure(document: str, variables: dict) -> int:
        return complexity(document, context.live_schema(), {**_defaults(document), **variables})

    points = context.client.pacer.points_per_request() or DEFAULT_POINTS_PER_REQUEST
    for key, _page, _limit, _size in children:
        per_request = max(1, min(MAX_PAGES_PER_REQUEST, int(points // page_cost(made.document, key, measure))))
        nodes = complete_with(nodes, made.document, made.paging, ask, spec.name, per_request=per_request,
                              keys=(key,), restore=made.restore)
    return nodes


def _defaults(document: str) -> dict[str, Any]:
    operation = next(d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode))
    return {d.variable.name.value: int(d.default_value.value) for d in operation.variable_definitions or ()
            if isinstance(d.default_value, IntValueNode)}


def _full(node: Mapping[str, Any], key: str, limit: int) -> bool:
    items = node.get(key)
    return items is not None and len(items) >= limit


def complete_with(nodes: list[dict], document: str, paging: str, ask: Ask, stream: str, *, per_request: int = 1,
                  keys: tuple[str, ...] | None = None, restore: Callable[[Any], Any] = lambda data: data) -> list[dict]:
    """``nodes`` with every full child list completed from its further pages (see the module docstring).
    ``per_request``: child pages (of one node each) one follow-up may ask; ``restore``: the plan's
    ``Plan.restore`` (follow-up answers are put in the page's shape before they join its nodes)."""
    for key, variable, _limit_variable, limit in paged_children(document):
        if keys is not None and key not in keys:
            continue
        rest = _rest(nodes, document, key, variable, limit, paging, ask, stream, max(1, per_request), restore)
        nodes = [{**node, key: list(node[key]) + rest[id(node)]} if id(node) in rest else node for node in nodes]
    return nodes


def _rest(nodes: list[dict], document: str, key: str, variable: str, limit: int, paging: str, ask: Ask, stream: str,
          per_request: int, restore: Callable[[Any], Any]) -> dict[int, list]:
    """The child items past the first page of every node whose list came back full, by ``id(node)``."""
    open_ = [node for node in nodes if _full(node, key, limit)]  # in page order
    rest: dict[int, list] = {id(node): [] for node in open_}
    following = {id(node): 2 for node in open_}  # the next child page each open node needs
    guards = {id(node): Progress(stream) for node in open_}  # a server ignoring the page variable would repeat
    while open_:
        number = min(following[id(node)] for node in open_)
        batch = [node for node in open_ if following[id(node)] == number][:per_request]
        pages = max(1, per_request // len(batch))
        one = ({"first": len(batch), "after": None} if paging == "connection" else {"limit": len(batch), "page": 1})
        variables = {"where": {"id": [node["id"] for node in batch]}, **one, variable: number,
                     **{f"{variable}__{index}": number + index for index in range(1, pages)}}
        answered = _by_id(ask(follow_up(document, key, pages), variables), paging)
        for node in batch:
            found = answered.get(str(node["id"]))
            if found is None:
                raise CentraError(f"Centra returned no {stream} {node['id']} when asked for page {number} of its {key}; "
                                  "it may have been deleted mid-sync. The next sync reads it again.")
            merged = restore(_shaped(paging, {"id": found.get("id"), key: _joined(found, key, pages, limit)}))
            items = _unshaped(paging, merged).get(key) or []
            for index in range(pages):
                page = items[index * limit:(index + 1) * limit]
                guards[id(node)].page(f"{key} of {stream} {node['id']}", number + index,
                                      number + index + 1 if len(page) >= limit else None, page)
                rest[id(node)] += page
                if len(page) < limit:
                    open_.remove(node)
                    break
            else:
                following[id(node)] = number + pages
    return rest


def _joined(found: Mapping[str, Any], key: str, pages: int, limit: int) -> list:
    """The aliased pages of one node's answer in order, each cut at ``limit``, up to the first short one:
    every page but the last is full, so a page's place in the list says its number."""
    out: list = []
    for index in range(pages):
        page = list(found.get(ALIAS.format(key=key, index=index)) or [])[:limit]
        out += page
        if len(page) < limit:
            break
    return out


def _by_id(data: Mapping[str, Any], paging: str) -> dict[str, Mapping[str, Any]]:
    result = (data or {}).get("result")
    found = [edge.get("node") for edge in (result or {}).get("edges") or []] if paging == "connection" else list(result or [])
    return {str(item["id"]): item for item in found if isinstance(item, Mapping) and item.get("id") is not None}


def _shaped(paging: str, node: dict) -> dict:
    return {"result": {"edges": [{"node": node}]}} if paging == "connection" else {"result": [node]}


def _unshaped(paging: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
    result = data["result"]
    return result["edges"][0]["node"] if paging == "connection" else result[0]
