"""A tiny GraphQL client for the fake's tests (a uniquely named module, importable from tests)."""

from __future__ import annotations

from typing import Any

import requests

from fake_centra import FakeCentra

UNLIMITED = {"quota_requests": 10**6, "quota_requests_hour": 10**7,
             "quota_complexity": 10**10, "quota_complexity_hour": 10**12}


class Client:
    """A tiny GraphQL client for one fake."""

    def __init__(self, fake: FakeCentra) -> None:
        self.fake = fake
        self.session = requests.Session()

    def post(self, query: str, variables: dict | None = None, token: str | None = None,
             headers: dict | None = None) -> requests.Response:
        h = {"Authorization": f"Bearer {token or self.fake.token}"}
        h.update(headers or {})
        return self.session.post(self.fake.url, json={"query": query, "variables": variables or {}},
                                 headers=h, timeout=30)

    def data(self, query: str, variables: dict | None = None, token: str | None = None) -> Any:
        """``data`` of a successful response (asserts HTTP 200 and no errors)."""
        resp = self.post(query, variables, token)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert "errors" not in body, body["errors"]
        return body["data"]
