"""HTTP plumbing: a stdlib ThreadingHTTPServer (HTTP/1.1, keep-alive).

Routes: ``POST /graphql`` -> ``Engine.handle``; ``POST /admin/<action>`` -> ``admin.handle``;
``GET /`` and ``GET /health`` -> 200 "ok". An injected ``reset`` closes the socket with SO_LINGER 0
(an RST) and no response bytes.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .engine import Engine, Response


class FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], engine: Engine,
                 admin: Callable[[str, dict, Any], Response]) -> None:
        self.engine = engine
        self.admin = admin
        self._to_reset: set = set()
        self._reset_lock = threading.Lock()
        super().__init__(address, Handler)

    def mark_reset(self, sock: socket.socket) -> None:
        with self._reset_lock:
            self._to_reset.add(sock)

    def shutdown_request(self, request: Any) -> None:
        with self._reset_lock:
            reset = request in self._to_reset
            self._to_reset.discard(request)
        if reset:  # no FIN first: close straight away so the peer sees a reset
            try:
                request.close()
            except OSError:
                pass
            return
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up (e.g. after a timeout) are normal here; keep stderr quiet.
        pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeHTTPServer
    server_version = "fake-centra"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # headers and body are separate writes: without NODELAY, Nagle + delayed ACK add ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, resp: Response) -> None:
        if resp.reset:
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            self.server.mark_reset(self.connection)
            return
        self.send_response(resp.status)
        self.send_header("Content-Type", f"{resp.content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(resp.body)))
        for name, value in resp.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(resp.body)

    def do_POST(self) -> None:  # noqa: N802
        body = self._read_body()
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/graphql":
            self._send(self.server.engine.handle(self.headers, body))
        elif path.startswith("/admin/"):
            try:
                kwargs = json.loads(body or b"{}")
            except ValueError:
                kwargs = None
            self._send(self.server.admin(path[len("/admin/"):], kwargs, self.headers))
        else:
            self._send(Response(404, b'{"errors":[{"message":"Not found"}]}'))

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        if path in ("/", "/health"):
            self._send(Response(200, b"ok", content_type="text/plain"))
        else:
            self._send(Response(405 if path.startswith("/graphql") else 404,
                                b'{"errors":[{"message":"Use POST /graphql"}]}'))
