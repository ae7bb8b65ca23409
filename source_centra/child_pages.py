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

Memory: a stock change's lines grow with the catalog (a delivery booked in has one per size: ~1,400 at
100,000 orders, ~3,000 at 1,000,000), and a page of 70 stock changes may hold dozens of them. Completed
all at once, a page held every line of every one (200,000 lines, hundreds of MB). So the nodes are
handed on in page order as they complete (``completing``, a generator the stream's emitter drives: the
follow-ups run as its records go out), and once ``HOLD_ITEMS`` child items wait, no further node of
the page joins the rounds until the front one is complete and handed on: what is held is about
``HOLD_ITEMS`` plus the largest node.
"""
from __future__ import annotations

from collections import deque
from functools import cache
from typing import Any, Callable, Iterable, Iterator, Mapping

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
# child items held at most while a page's nodes wait for their lists to be completed: past this, the
# nodes after the first open one wait until it is complete and handed on (module docstring: memory).
# At 1,000,000 orders with Growth's 6,000 points a request (the stock ledger alone): 10,000 peaked at
# 129.8 MiB, 5,000 at 118.5 (1,567 requests instead of 1,636, 0.24 % more points: fewer nodes share a
# round), 2,000 at 115.2 (0.95 % more points)
HOLD_ITEMS = 5_000


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


def complete(nodes: list[dict], made: Any, context: Any, spec: Any) -> Iterator[dict]:
    """The hook stream.py calls with a page's nodes, its plan, the sync context and the stream's row: the
    nodes in page order, each as soon as its child lists are complete (module docstring: memory)."""
    children = paged_children(made.document)
    if not children or not any(_full(node, key, limit) for node in nodes for key, _p, _l, limit in children):
        yield from nodes
        return

    def ask(document: str, variables: dict[str, Any]) -> Mapping[str, Any]:
        context.pace()
        return context.run(f"child pages:{hash(document)}", variables, stream=f"{spec.name} (child pages)",
                           document=document).data

    def measure(document: str, variables: dict) -> int:
        return complexity(document, context.live_schema(), {**_defaults(document), **variables})

    points = context.client.pacer.points_per_request() or DEFAULT_POINTS_PER_REQUEST
    completed: Iterable[dict] = nodes
    for key, _page, _limit, _size in children:
        per_request = max(1, min(MAX_PAGES_PER_REQUEST, int(points // page_cost(made.document, key, measure))))
        completed = completing(completed, made.document, made.paging, ask, spec.name, per_request=per_request,
                               keys=(key,), restore=made.restore)
    yield from completed


def _defaults(document: str) -> dict[str, Any]:
    operation = next(d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode))
    return {d.variable.name.value: int(d.default_value.value) for d in operation.variable_definitions or ()
            if isinstance(d.default_value, IntValueNode)}


def _full(node: Mapping[str, Any], key: str, limit: int) -> bool:
    items = node.get(key)
    return items is not None and len(items) >= limit


def complete_with(nodes: list[dict], document: str, paging: str, ask: Ask, stream: str, *, per_request: int = 1,
                  keys: tuple[str, ...] | None = None, restore: Callable[[Any], Any] = lambda data: data,
                  hold: int = HOLD_ITEMS) -> list[dict]:
    """``nodes`` with every full child list completed from its further pages, as a list."""
    return list(completing(nodes, document, paging, ask, stream, per_request=per_request, keys=keys, restore=restore,
                           hold=hold))


def completing(nodes: Iterable[dict], document: str, paging: str, ask: Ask, stream: str, *, per_request: int = 1,
               keys: tuple[str, ...] | None = None, restore: Callable[[Any], Any] = lambda data: data,
               hold: int = HOLD_ITEMS) -> Iterator[dict]:
    """``nodes`` in order, each with every full child list completed from its further pages (module
    docstring). ``per_request``: child pages (of one node each) one follow-up may ask; ``restore``: the
    plan's ``Plan.restore`` (follow-up answers are put in the page's shape before they join its nodes);
    ``hold``: child items held at most while nodes wait to be completed (beyond one node's own)."""
    for key, variable, _limit_variable, limit in paged_children(document):
        if keys is None or key in keys:
            nodes = _completing(nodes, document, key, variable, limit, paging, ask, stream, max(1, per_request),
                                restore, hold)
    yield from nodes


class _Open:
    """A node of the page waiting to be handed on: its child items past the first page, the next page it needs."""
    __slots__ = ("node", "rest", "following", "guard", "open")

    def __init__(self, node: dict, is_open: bool, stream: str):
        self.node, self.rest, self.following, self.open = node, [], 2, is_open
        self.guard = Progress(stream) if is_open else None  # a server ignoring the page variable would repeat


def _completing(nodes: Iterable[dict], document: str, key: str, variable: str, limit: int, paging: str, ask: Ask,
                stream: str, per_request: int, restore: Callable[[Any], Any], hold: int) -> Iterator[dict]:
    """Each node in order; one whose list came back full, once its items past the first page are in."""
    source, waiting, held = iter(nodes), deque(), 0  # waiting: _Open in page order; held: their child items
    more = True
    while True:
        while more and (held < hold or not any(entry.open for entry in waiting)):  # take nodes while room is left
            node = next(source, None)
            if node is None:
                more = False
                break
            waiting.append(_Open(node, _full(node, key, limit), stream))
            held += len(node.get(key) or ())
        while waiting and not waiting[0].open:  # hand on the complete ones at the front
            entry = waiting.popleft()
            held -= len(entry.node.get(key) or ()) + len(entry.rest)
            yield {**entry.node, key: list(entry.node[key]) + entry.rest} if entry.rest else entry.node
        if not waiting:
            if not more:
                return
            continue
        held += _round(_asked(waiting, held, hold), document, key, variable, limit, paging, ask, stream, per_request,
                       restore)


def _asked(waiting: deque, held: int, hold: int) -> list[_Open]:
    """The open nodes the next round may ask for: all of them while the items held are within ``hold``,
    else only the first (in page order), so the front completes, goes on and frees its items."""
    open_ = [entry for entry in waiting if entry.open]
    return open_ if held <= hold else open_[:1]


def _round(open_: list[_Open], document: str, key: str, variable: str, limit: int, paging: str, ask: Ask, stream: str,
           per_request: int, restore: Callable[[Any], Any]) -> int:
    """One follow-up request for the open nodes that need the lowest page; the child items it brought."""
    number = min(entry.following for entry in open_)
    batch = [entry for entry in open_ if entry.following == number][:per_request]
    pages = max(1, per_request // len(batch))
    one = ({"first": len(batch), "after": None} if paging == "connection" else {"limit": len(batch), "page": 1})
    variables = {"where": {"id": [entry.node["id"] for entry in batch]}, **one, variable: number,
                 **{f"{variable}__{index}": number + index for index in range(1, pages)}}
    answered = _by_id(ask(follow_up(document, key, pages), variables), paging)
    brought = 0
    for entry in batch:
        node = entry.node
        found = answered.get(str(node["id"]))
        if found is None:
            raise CentraError(f"Centra returned no {stream} {node['id']} when asked for page {number} of its {key}; "
                              "it may have been deleted mid-sync. The next sync reads it again.")
        merged = restore(_shaped(paging, {"id": found.get("id"), key: _joined(found, key, pages, limit)}))
        items = _unshaped(paging, merged).get(key) or []
        for index in range(pages):
            page = items[index * limit:(index + 1) * limit]
            entry.guard.page(f"{key} of {stream} {node['id']}", number + index,
                             number + index + 1 if len(page) >= limit else None, page)
            entry.rest += page
            brought += len(page)
            if len(page) < limit:
                entry.open = False
                break
        else:
            entry.following = number + pages
    return brought


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
