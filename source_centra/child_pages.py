"""A node's child list that Centra pages (``StockChange.lines(limit, page)``, centra-streams §8), completed
when a page holds more than the list's limit for some node: nothing past the first child page is lost.

A document asks for such a list with ``limit`` and ``page`` bound to variables with defaults (``$linesLimit:
Int = 50, $linesPage: Int = 1``, ``lines(sort: [id_ASC], limit: $linesLimit, page: $linesPage)``), so the
stream machinery, which sets only ``where`` and its paging variables, reads the first child page. For every node whose list came back full, the
same planned document is run again for that node alone (``where: {id: [node id]}``, one row) with
``$<name>`` = 2, 3, … until a page is short; the pages are appended in order. The node is a new dict (the
page's own is not changed). Costs one request per extra child page; the stream's records come from the
completed node as if Centra had returned every child at once.
"""
from __future__ import annotations

from functools import cache
from typing import Any, Callable, Mapping

from graphql import FieldNode, IntValueNode, OperationDefinitionNode, VariableNode, parse

from source_centra.documents import node_prefix
from source_centra.errors import CentraError
from source_centra.progress import Progress

Run = Callable[[dict[str, Any]], Mapping[str, Any]]  # variables → the response's data


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


def complete(nodes: list[dict], made: Any, context: Any, spec: Any) -> list[dict]:
    """The hook stream.py calls with a page's nodes, its plan, the sync context and the stream's row."""
    if not paged_children(made.document):
        return nodes

    def run(variables: dict[str, Any]) -> Mapping[str, Any]:
        context.pace()
        return context.run(spec.query, variables, **context.plan_args(spec)).data

    return complete_with(nodes, made.document, made.paging, run, spec.name)


def complete_with(nodes: list[dict], document: str, paging: str, run: Run, stream: str) -> list[dict]:
    """``nodes`` with every full child list completed from its further pages (see the module docstring)."""
    children = paged_children(document)
    if not children:
        return nodes
    out = []
    for node in nodes:
        for key, variable, _limit_variable, limit in children:
            items = node.get(key)
            if items is None or len(items) < limit:
                continue
            node = {**node, key: list(items) + _rest(node, key, variable, limit, paging, run, stream)}
        out.append(node)
    return out


def _rest(node: Mapping[str, Any], key: str, variable: str, limit: int, paging: str, run: Run, stream: str) -> list:
    one = {"first": 1, "after": None} if paging == "connection" else {"limit": 1, "page": 1}
    rest: list = []
    number = 2
    guard = Progress(stream)  # a server ignoring the child page variable would repeat the same page forever
    while True:
        data = run({"where": {"id": [node["id"]]}, **one, variable: number})
        result = data.get("result")
        found = [edge.get("node") for edge in (result or {}).get("edges") or []] if paging == "connection" else list(result or [])
        found = [item for item in found if item and item.get("id") == node["id"]]
        if not found:
            raise CentraError(f"Centra returned no {stream} {node['id']} when asked for page {number} of its {key}; "
                              "it may have been deleted mid-sync. The next sync reads it again.")
        page = found[0].get(key) or []
        guard.page(f"{key} of {stream} {node['id']}", number, number + 1 if len(page) >= limit else None, page)
        rest += page
        if len(page) < limit:
            return rest
        number += 1
