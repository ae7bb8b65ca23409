"""Query analysis (complexity, permissions used, deprecated fields) and the rate limiter.

Complexity follows Centra's rule: scalars cost 0 (plus a fake-only ``@complexity(value:)`` where the
SDL marks a field that costs more, e.g. the stock quantities other than freeToAllocateQuantity,
centra-streams §7); an object costs 1 + its selected fields; a list field multiplies its item cost by
its ``limit`` argument (the SDL default when left out, else 10; nested lists too); a
connection multiplies its node cost by ``first``/``last`` (10 when absent) and ``edges``/``pageInfo``
add nothing. The root sums its fields. Inline fragments and fragment spreads add their fields to
the enclosing object. Example: ``markets(limit: 50){ assignedToCountries(limit: 10){ id } }``
= 50 x (1 + 10 x 1) = 550.

Rate limits: per-instance (shared by all tokens) **sliding windows** of 10 s and 1 h for
REQUEST_COUNT and QUERY_COMPLEXITY (MUTATION_COUNT is reported, never used: the API is read-only
here). A request is admitted only when, in every window, used + its cost <= quota; otherwise
HTTP 429 and ``Retry-After`` = seconds until enough of the window's past usage expires (at least 1).
A query costing more than a whole window's quota can never be admitted (it waits a full window).
Rejected requests consume nothing.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    get_named_type,
    is_leaf_type,
)
from graphql.utilities import value_from_ast_untyped

from .resolvers import directive_arg

DEFAULT_LIST_SIZE = 10
_INT_MAX = 2**31 - 1


@dataclass
class Analysis:
    complexity: int
    permissions: list[str]
    deprecated: list[str]
    root_fields: list[str] = field(default_factory=list)


def _operation(doc: Any, operation_name: str | None) -> OperationDefinitionNode | None:
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        return next((o for o in ops if o.name and o.name.value == operation_name), None)
    return ops[0] if len(ops) == 1 else None


def analyze(schema: GraphQLSchema, doc: Any, operation_name: str | None,
            variables: dict | None) -> Analysis:
    """Complexity, permissions and deprecated fields of a *validated* document."""
    op = _operation(doc, operation_name)
    if op is None:
        return Analysis(0, [], [])
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    values: dict[str, Any] = {}
    for v in op.variable_definitions or ():
        if v.default_value is not None:
            values[v.variable.name.value] = value_from_ast_untyped(v.default_value)
    values.update(variables or {})
    perms: set[str] = set()
    deprecated: dict[str, None] = {}

    def arg(node: FieldNode, name: str) -> Any:
        for a in node.arguments or ():
            if a.name.value == name:
                return value_from_ast_untyped(a.value, values)
        return None

    def size(node: FieldNode, *names: str, fdef: Any = None) -> int:
        for name in names:
            v = arg(node, name)
            if isinstance(v, int) and not isinstance(v, bool):
                return max(v, 0)
        # an argument left out counts with its SDL default (Warehouse.stock(limit: Int = 20))
        for name in names:
            node = getattr((fdef.args or {}).get(name), "ast_node", None) if fdef is not None else None
            default = getattr(node, "default_value", None)
            if isinstance(default, IntValueNode):
                return max(int(default.value), 0)
        return DEFAULT_LIST_SIZE

    def extra(fdef: Any) -> int:
        """The fake-only @complexity(value:) of a field (0 without it)."""
        value = directive_arg(fdef.ast_node, "complexity", "value")
        return int(value) if value is not None else 0

    def fields_of(selection_set: Any, parent: Any):
        """(field node, field definition, parent type) for every field, fragments flattened."""
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                name = sel.name.value
                fdef = getattr(parent, "fields", {}).get(name) if not name.startswith("__") else None
                if fdef is not None:
                    yield sel, fdef, parent
            else:
                if isinstance(sel, InlineFragmentNode):
                    frag_type, frag_sel = sel.type_condition, sel.selection_set
                elif isinstance(sel, FragmentSpreadNode) and sel.name.value in fragments:
                    frag = fragments[sel.name.value]
                    frag_type, frag_sel = frag.type_condition, frag.selection_set
                else:
                    continue
                t = schema.get_type(frag_type.name.value) if frag_type else parent
                yield from fields_of(frag_sel, t or parent)

    def note(fdef: Any, parent: Any, name: str) -> None:
        perm = directive_arg(fdef.ast_node, "requires", "permission")
        if perm:
            perms.add(perm)
        if fdef.deprecation_reason:
            deprecated[f"Field: {parent.name}.{name}, reason: {fdef.deprecation_reason}"] = None

    def cost(selection_set: Any, parent: Any) -> int:
        total = 0
        for node, fdef, ptype in fields_of(selection_set, parent):
            note(fdef, ptype, node.name.value)
            named = get_named_type(fdef.type)
            total += extra(fdef)
            if is_leaf_type(named) or node.selection_set is None:
                continue
            if named.name.endswith("Connection"):
                total += size(node, "first", "last") * connection_node_cost(node.selection_set, named)
                continue
            inner = 1 + cost(node.selection_set, named)
            total += size(node, "limit", fdef=fdef) * inner if _is_list(fdef.type) else inner
        return total

    def connection_node_cost(selection_set: Any, conn_type: Any) -> int:
        node_cost = 0
        for node, fdef, ptype in fields_of(selection_set, conn_type):
            note(fdef, ptype, node.name.value)
            if node.name.value == "edges" and node.selection_set is not None:
                edge_type = get_named_type(fdef.type)
                for n2, f2, p2 in fields_of(node.selection_set, edge_type):
                    note(f2, p2, n2.name.value)
                    if n2.name.value == "node" and n2.selection_set is not None:
                        node_cost += 1 + cost(n2.selection_set, get_named_type(f2.type))
        return node_cost

    root = schema.get_root_type(op.operation) if hasattr(schema, "get_root_type") else schema.query_type
    total = cost(op.selection_set, root)
    roots = [s.name.value for s in op.selection_set.selections if isinstance(s, FieldNode)]
    return Analysis(total, sorted(perms), list(deprecated), roots)


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


# ---------------------------------------------------------------- rate limiter



class _Window:
    def __init__(self, seconds: float, quota: int) -> None:
        self.seconds, self.quota = seconds, quota
        self.events: deque = deque()
        self.used = 0

    def expire(self, now: float) -> None:
        while self.events and self.events[0][0] <= now - self.seconds:
            self.used -= self.events.popleft()[1]

    def wait_for(self, amount: int, extra_used: int, now: float) -> float:
        """Seconds until ``amount`` fits (0 if it fits now)."""
        need = self.used + extra_used + amount - self.quota
        if need <= 0:
            return 0.0
        if amount + extra_used > self.quota:
            return self.seconds
        freed = 0
        for t, a in self.events:
            freed += a
            if freed >= need:
                return max(0.0, t + self.seconds - now)
        return self.seconds


class RateLimiter:
    def __init__(self, requests_10s: int = 60, requests_hour: int = 5000,
                 complexity_10s: int = 250_000, complexity_hour: int = 30_000_000,
                 clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.other_requests_10s = 0
        self.other_complexity_10s = 0
        self._w = {
            ("REQUEST_COUNT", "TEN_SECONDS"): _Window(10, requests_10s),
            ("REQUEST_COUNT", "ONE_HOUR"): _Window(3600, requests_hour),
            ("QUERY_COMPLEXITY", "TEN_SECONDS"): _Window(10, complexity_10s),
            ("QUERY_COMPLEXITY", "ONE_HOUR"): _Window(3600, complexity_hour),
            ("MUTATION_COUNT", "TEN_SECONDS"): _Window(10, 20),
            ("MUTATION_COUNT", "ONE_HOUR"): _Window(3600, 1800),
        }

    def configure(self, **quotas: int | None) -> None:
        names = {"quota_requests": ("REQUEST_COUNT", "TEN_SECONDS"),
                 "quota_requests_hour": ("REQUEST_COUNT", "ONE_HOUR"),
                 "quota_complexity": ("QUERY_COMPLEXITY", "TEN_SECONDS"),
                 "quota_complexity_hour": ("QUERY_COMPLEXITY", "ONE_HOUR")}
        with self._lock:
            for name, value in quotas.items():
                if value is None:
                    continue
                if name == "other_integration_requests_per_10s":
                    self.other_requests_10s = int(value)
                elif name == "other_integration_complexity_per_10s":
                    self.other_complexity_10s = int(value)
                else:
                    self._w[names[name]].quota = int(value)

    def _extra(self, kind: str, interval: str) -> int:
        if interval != "TEN_SECONDS":
            return 0
        return {"REQUEST_COUNT": self.other_requests_10s,
                "QUERY_COMPLEXITY": self.other_complexity_10s}.get(kind, 0)

    def acquire(self, complexity: int) -> float | None:
        """Admit a request (None) or return the seconds to wait before retrying."""
        with self._lock:
            now = self._clock()
            waits = []
            for (kind, interval), w in self._w.items():
                w.expire(now)
                amount = {"REQUEST_COUNT": 1, "QUERY_COMPLEXITY": complexity}.get(kind, 0)
                if amount:
                    waits.append(w.wait_for(amount, self._extra(kind, interval), now))
            wait = max(waits)
            if wait > 0:
                return wait
            for (kind, _interval), w in self._w.items():
                amount = {"REQUEST_COUNT": 1, "QUERY_COMPLEXITY": complexity}.get(kind, 0)
                if amount:
                    w.events.append((now, amount))
                    w.used += amount
            return None

    def snapshot(self) -> list[dict]:
        with self._lock:
            now = self._clock()
            out = []
            for (kind, interval), w in self._w.items():
                w.expire(now)
                used = min(w.quota, w.used + self._extra(kind, interval))
                quota = min(w.quota, _INT_MAX)  # GraphQL Int is 32-bit; "unlimited" test quotas
                out.append({"type": kind, "intervalSeconds": interval, "quota": quota,
                            "usedQuota": min(used, quota), "remainingQuota": min(w.quota - used, quota)})
            return out

    def reset(self) -> None:
        with self._lock:
            for w in self._w.values():
                w.events.clear()
                w.used = 0


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait))
