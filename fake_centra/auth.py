"""Access tokens: permissions (``<Type>:read`` names from the SDL's @requires) and store scope.

A request carries ``Authorization: Bearer <token>`` (or Centra's alternative cookie
``graphql-access=<token>``). Unknown, revoked or missing tokens get HTTP 401 with
``UNAUTHORIZED_BODY``.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

UNAUTHORIZED_BODY = {"errors": [{
    "message": "Unauthorized: the access token is invalid, expired or revoked.",
    "extensions": {"category": "authentication"},
}]}


@dataclass
class Token:
    value: str
    name: str
    permissions: frozenset | None  # None: every permission
    stores: frozenset | None  # None: every store
    revoked: bool = False


class TokenRegistry:
    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._lock = threading.Lock()

    def create(self, permissions: Iterable[str] | None = None, store_ids: Iterable[int] | None = None,
               name: str = "token", token: str | None = None) -> str:
        value = token or secrets.token_hex(24)
        with self._lock:
            self._tokens[value] = Token(
                value, name, frozenset(permissions) if permissions is not None else None,
                frozenset(int(s) for s in store_ids) if store_ids is not None else None)
        return value

    def revoke(self, token: str) -> None:
        with self._lock:
            self._get(token).revoked = True

    def set_permissions(self, token: str, permissions: Iterable[str] | None) -> None:
        with self._lock:
            self._get(token).permissions = frozenset(permissions) if permissions is not None else None

    def set_stores(self, token: str, store_ids: Iterable[int] | None) -> None:
        with self._lock:
            self._get(token).stores = frozenset(store_ids) if store_ids is not None else None

    def lookup(self, token: str | None) -> Token | None:
        """The live token, or None when it is unknown or revoked."""
        if not token:
            return None
        t = self._tokens.get(token)
        return None if t is None or t.revoked else t

    def _get(self, token: str) -> Token:
        try:
            return self._tokens[token]
        except KeyError:
            raise KeyError("unknown token") from None


def token_from_headers(headers: Mapping[str, str]) -> str | None:
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    scheme, _, value = auth.strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    cookie = headers.get("Cookie") or headers.get("cookie") or ""
    for part in cookie.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "graphql-access" and value:
            return value
    return None
