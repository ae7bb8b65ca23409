"""The GraphQL request pipeline, independent of HTTP plumbing:

latency -> authenticate (401) -> parse + validate (cached per query text) -> analyse (complexity,
permissions, deprecations) -> rate limits (429) -> faults -> execute -> JSON with ``extensions``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from graphql import GraphQLError, GraphQLSchema, execute, parse, validate

from .auth import UNAUTHORIZED_BODY, TokenRegistry, token_from_headers
from .faults import FAULT_KINDS, INTERNAL_BODY, FaultInjector, error_page
from .limits import Analysis, RateLimiter, analyze, retry_after_seconds
from .query import Selector
from .resolvers import RequestContext
from .store import FakeData

APP_VERSION = "v1.60.0-fake"
THROTTLED_BODY = {"errors": [{"message": "Too many requests", "extensions": {"category": "rate_limit"}}]}
_DOC_CACHE = 256
_RESPONSE_CACHE = 4096


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = "application/json"
    reset: bool = False  # close the socket without answering


def _json(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def _format_error(err: GraphQLError, category: str, during_execution: bool = False) -> dict:
    """Centra-style error dict; unexpected exceptions while resolving are "internal" and logged."""
    out = err.formatted
    ext = dict(out.get("extensions") or {})
    if "category" not in ext:
        original = err.original_error
        crashed = during_execution and original is not None and not isinstance(original, GraphQLError)
        ext["category"] = "internal" if crashed else category
        if crashed:
            traceback.print_exception(type(original), original, original.__traceback__, file=sys.stderr)
    out["extensions"] = ext
    return dict(out)


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with getattr(self, "_lock", threading.Lock()):
            self.requests = self.graphql_requests = self.throttled_429 = self.unauthorized_401 = 0
            self.complexity_total = 0
            self.faults = {k: 0 for k in FAULT_KINDS}
            self.by_root_field: dict[str, int] = {}
            self.complexity_by_root_field: dict[str, int] = {}  # the first root field of each request

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def fault(self, kind: str) -> None:
        with self._lock:
            self.faults[kind] += 1

    def roots(self, names: list[str], complexity: int = 0) -> None:
        with self._lock:
            for name in names:
                self.by_root_field[name] = self.by_root_field.get(name, 0) + 1
            if names:
                key = names[0]
                self.complexity_by_root_field[key] = self.complexity_by_root_field.get(key, 0) + complexity

    def snapshot(self) -> dict:
        with self._lock:
            return {"requests": self.requests, "graphql_requests": self.graphql_requests,
                    "throttled_429": self.throttled_429, "unauthorized_401": self.unauthorized_401,
                    "faults": dict(self.faults), "complexity_total": self.complexity_total,
                    "by_root_field": dict(self.by_root_field),
                    "complexity_by_root_field": dict(self.complexity_by_root_field)}


class Engine:
    def __init__(self, schema: GraphQLSchema, data: FakeData, tokens: TokenRegistry,
                 limiter: RateLimiter, faults: FaultInjector) -> None:
        self.schema, self.data, self.tokens = schema, data, tokens
        self.limiter, self.faults = limiter, faults
        self.selector = Selector(data)
        self.stats = Stats()
        self.latency_ms = 0.0
        self.retry_after = "seconds"
        self.cache = False
        self._docs: OrderedDict = OrderedDict()
        self._responses: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        data.on_change(self.clear_response_cache)

    def set_schema(self, schema: GraphQLSchema) -> None:
        """Answer with another schema from the next request on (parsed documents are validated again)."""
        with self._lock:
            self.schema = schema
            self._docs.clear()
            self._responses.clear()

    def clear_response_cache(self) -> None:
        with self._lock:
            self._responses.clear()

    # ------------------------------------------------------------------ pipeline
    def handle(self, headers: Any, body: bytes) -> Response:
        self.stats.add(requests=1)
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000.0)
        token = self.tokens.lookup(token_from_headers(headers))
        if token is None:
            self.stats.add(unauthorized_401=1)
            return Response(401, _json(UNAUTHORIZED_BODY), [("WWW-Authenticate", 'Bearer realm="Centra"')])
        try:
            request = json.loads(body or b"{}")
            query = request["query"]
            variables = request.get("variables") or {}
            operation = request.get("operationName")
            if not isinstance(query, str) or not isinstance(variables, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return Response(400, _json({"errors": [{"message": "Request body must be JSON with a 'query' string.",
                                                    "extensions": {"category": "request"}}]}))
        cache_key = None
        if self.cache:
            cache_key = (token.value, query, json.dumps(variables, sort_keys=True), operation)
            with self._lock:
                hit = self._responses.get(cache_key)
            if hit is not None:
                return self._admit_and_answer(hit[0], lambda: hit[1])
        doc, errors = self._document(query)
        if errors:
            ext = {"complexity": 0, "permissionsUsed": [], "appVersion": APP_VERSION}
            return self._admit_and_answer(Analysis(0, [], []), lambda: _json({"errors": errors, "extensions": ext}))
        analysis = analyze(self.schema, doc, operation, variables)

        def run() -> bytes:
            body_bytes = self._execute(doc, analysis, token, variables, operation)
            if cache_key is not None:
                with self._lock:
                    self._responses[cache_key] = (analysis, body_bytes)
                    while len(self._responses) > _RESPONSE_CACHE:
                        self._responses.popitem(last=False)
            return body_bytes

        return self._admit_and_answer(analysis, run)

    def _admit_and_answer(self, analysis: Analysis, produce: Any) -> Response:
        wait = self.limiter.acquire(analysis.complexity)
        if wait is not None:
            self.stats.add(throttled_429=1)
            seconds = retry_after_seconds(wait)
            value = (formatdate(time.time() + seconds + 1, usegmt=True)
                     if self.retry_after == "http-date" else str(seconds))
            return Response(429, _json(THROTTLED_BODY), [("Retry-After", value)])
        self.stats.add(complexity_total=analysis.complexity)
        fault = self.faults.pick()
        if fault:
            self.stats.fault(fault)
            if fault == "reset":
                return Response(0, reset=True)
            if fault.startswith("http_"):
                status = int(fault[5:])
                ctype, page = error_page(status, self.faults.html_next())
                return Response(status, page, content_type=ctype)
            if fault == "graphql_internal":
                return Response(200, _json(INTERNAL_BODY))
            if fault == "slow":
                time.sleep(self.faults.slow_seconds)
        self.stats.add(graphql_requests=1)
        self.stats.roots(analysis.root_fields, analysis.complexity)
        body = produce()
        if fault == "truncated":
            body = body[: len(body) // 2]
        return Response(200, body)

    def _document(self, query: str) -> tuple[Any, list[dict]]:
        with self._lock:
            hit = self._docs.get(query)
            if hit is not None:
                self._docs.move_to_end(query)
                return hit
        try:
            doc = parse(query)
            errors = [_format_error(e, "graphql") for e in validate(self.schema, doc)]
        except GraphQLError as exc:
            doc, errors = None, [_format_error(exc, "graphql")]
        with self._lock:
            self._docs[query] = (doc, errors)
            while len(self._docs) > _DOC_CACHE:
                self._docs.popitem(last=False)
        return doc, errors

    def _execute(self, doc: Any, analysis: Analysis, token: Any, variables: dict,
                 operation: str | None) -> bytes:
        ctx = RequestContext(self.data, self.selector, token.permissions, token.stores,
                             self.limiter.snapshot)
        result = execute(self.schema, doc, context_value=ctx, variable_values=variables,
                         operation_name=operation)
        out: dict[str, Any] = {}
        if result.errors:
            out["errors"] = [_format_error(e, "graphql", during_execution=e.path is not None)
                             for e in result.errors]
        out["data"] = result.data
        ext: dict[str, Any] = {"complexity": analysis.complexity,
                               "permissionsUsed": analysis.permissions, "appVersion": APP_VERSION}
        if analysis.deprecated:
            ext["deprecatedFieldsUsed"] = analysis.deprecated
        out["extensions"] = ext
        return _json(out)
