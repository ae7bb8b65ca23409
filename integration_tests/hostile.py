"""A small hostile HTTP server: what a broken gateway, a misconfigured proxy or a buggy Centra could
answer. The hostile-input suite (integration_tests/hostile_suite.py) points the real connector at it.

Every behaviour is chosen by the first path segment of the endpoint URL, so one server serves every
case (``http://127.0.0.1:<port>/<mode>/<arg>/graphql``):

- ``echo/<status>``: answers ``status`` with a body that echoes every request header (Authorization
  included), as text for non-200 statuses and as a GraphQL error for 200.
- ``redirect/<status>``: a redirect to another host (127.0.0.2, the ``stolen`` server), which records
  every Authorization header it receives (``stolen_headers``).
- ``trickle/<seconds>``: HTTP 200 headers, then one byte of a valid answer every ``seconds``.
- ``tarpit``: accepts the request and never answers.
- ``retry-after/<value>``: HTTP 429 with ``Retry-After: <value>`` (URL-quoted in the path).
- ``deep/<levels>``: a JSON answer nested ``levels`` deep.
- ``huge/<megabytes>``: a valid-looking JSON answer of that size, streamed.
- ``proxy``: forwards to the fake Centra unchanged; ``stuck-cursor`` answers every connection page
  with the request's own ``after`` as ``endCursor``; ``null-cursor`` with ``hasNextPage: true`` and no
  ``endCursor``; ``ignore-page`` forwards every list request as ``page: 1``.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import requests


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # a client giving up mid-answer is expected here
        pass


class Hostile:
    """``with Hostile(upstream=fake.url) as h: h.url("trickle/5")`` → an endpoint URL."""

    def __init__(self, upstream: str | None = None):
        self.upstream = upstream
        self.stolen_headers: list[str] = []
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()

    # ---------------------------------------------------------------- lifecycle

    def __enter__(self) -> "Hostile":
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._stolen = _Server(("127.0.0.2", 0), self._stolen_handler())
        for server in (self._server, self._stolen):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for server in (self._server, self._stolen):
            server.shutdown()
            server.server_close()

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/{mode}/graphql"

    def count(self, mode: str) -> int:
        with self._lock:
            return self.requests.get(mode, 0)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.stolen_headers.clear()

    # ---------------------------------------------------------------- handlers

    def _stolen_handler(self):
        hostile = self

        class Stolen(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with hostile._lock:
                    hostile.stolen_headers.append(self.headers.get("Authorization", ""))
                _send(self, 200, json.dumps({"data": {"rateLimits": []}}).encode())

            do_GET = do_POST  # noqa: N815  (a 301/302/303 turns the POST into a GET)

            def log_message(self, *args):
                pass

        return Stolen

    def _handler(self):
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = [unquote(p) for p in self.path.strip("/").split("/")]
                mode, arg = parts[0], (parts[1] if len(parts) > 2 else "")
                with hostile._lock:
                    hostile.requests[mode] = hostile.requests.get(mode, 0) + 1
                try:
                    hostile._answer(self, mode, arg, body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        return Handler

    def _answer(self, handler: BaseHTTPRequestHandler, mode: str, arg: str, body: bytes) -> None:
        if mode == "echo":
            headers = "; ".join(f"{k}: {v}" for k, v in handler.headers.items())
            status = int(arg or 400)
            if status == 200:
                payload = json.dumps({"data": None, "errors": [{"message": f"bad auth header. Headers: {headers}"}]})
                return _send(handler, 200, payload.encode(), "application/json")
            return _send(handler, status, f"bad auth header. Headers: {headers}".encode(), "text/plain")
        if mode == "redirect":
            target = f"http://127.0.0.2:{self._stolen.server_address[1]}/graphql"
            handler.send_response(int(arg or 307))
            handler.send_header("Location", target)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if mode == "trickle":
            text = json.dumps({"data": {"rateLimits": []}}).encode() + b" " * 100_000
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(text)))
            handler.end_headers()
            for index in range(len(text)):
                handler.wfile.write(text[index:index + 1])
                handler.wfile.flush()
                if self._stop.wait(float(arg or 5)):
                    return None
            return None
        if mode == "tarpit":
            self._stop.wait(3600)
            return None
        if mode == "retry-after":
            handler.send_response(429)
            handler.send_header("Retry-After", arg)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if mode == "deep":
            levels = int(arg or 100_000)
            text = b'{"data": {"rateLimits": ' + b"[" * levels + b"]" * levels + b"}}"
            return _send(handler, 200, text, "application/json")
        if mode == "huge":
            size = int(float(arg or 300) * 1_000_000)
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(size))
            handler.end_headers()
            head = b'{"data": {"rateLimits": [], "padding": "'
            handler.wfile.write(head)
            chunk, sent = b"x" * 1_000_000, len(head)
            while sent < size - 3:
                piece = chunk[: size - 3 - sent]
                handler.wfile.write(piece)
                sent += len(piece)
            handler.wfile.write(b'"}}')
            return None
        if mode in ("proxy", "stuck-cursor", "null-cursor", "ignore-page"):
            return self._proxy(handler, mode, body)
        return _send(handler, 404, b"no such mode", "text/plain")

    def _proxy(self, handler: BaseHTTPRequestHandler, mode: str, body: bytes) -> None:
        request = json.loads(body or b"{}")
        variables = request.get("variables") or {}
        if mode == "ignore-page" and "page" in variables:
            request["variables"] = {**variables, "page": 1}
        answer = requests.post(self.upstream, json=request, timeout=60,
                               headers={"Authorization": handler.headers.get("Authorization", "")})
        payload: Any = answer.json() if answer.headers.get("Content-Type", "").startswith("application/json") else None
        if payload is not None and isinstance(payload.get("data"), dict):
            result = payload["data"].get("result")
            if isinstance(result, dict) and isinstance(result.get("pageInfo"), dict):
                if mode == "stuck-cursor" and variables.get("after"):
                    result["pageInfo"]["endCursor"] = variables["after"]
                if mode == "null-cursor" and result.get("edges"):
                    result["pageInfo"].update(hasNextPage=True, endCursor=None)
        headers = {k: v for k, v in answer.headers.items() if k.lower() in ("retry-after", "date", "content-type")}
        text = json.dumps(payload).encode() if payload is not None else answer.content
        _send(handler, answer.status_code, text, headers.pop("Content-Type", "application/json"), headers)


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, kind: str = "application/json",
          headers: dict | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
