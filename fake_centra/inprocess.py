"""The fake's request pipeline without sockets: a ``requests.Session`` whose requests to
``URL`` (a loopback address no server listens on; the connector accepts http only there) go straight to an ``Engine`` (auth, validation, complexity,
permissions, execution exactly as over HTTP). For suites that run the connector's own client
against hundreds of schemas in one process (unit_tests/schema_mutations.py)."""

from __future__ import annotations

import io

import requests
import urllib3
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from .engine import Engine

URL = "http://127.0.0.1:1/graphql"


class EngineAdapter(BaseAdapter):
    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine

    def send(self, request: requests.PreparedRequest, **_kwargs) -> requests.Response:
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        answer = self.engine.handle(CaseInsensitiveDict(request.headers), body)
        if answer.reset:
            raise requests.exceptions.ConnectionError("connection reset by the fake (in process)")
        response = requests.Response()
        response.status_code = answer.status
        response.headers = CaseInsensitiveDict({"Content-Type": answer.content_type, **dict(answer.headers)})
        # a body read as it arrives (the connector's client reads ``raw`` in chunks, as from a socket)
        response.raw = urllib3.HTTPResponse(body=io.BytesIO(answer.body), headers=dict(response.headers),
                                            status=answer.status, preload_content=False, decode_content=False)
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


def session(engine: Engine) -> requests.Session:
    """A session that answers ``URL`` from ``engine``."""
    made = requests.Session()
    made.mount(URL.rsplit("/", 1)[0], EngineAdapter(engine))
    return made
