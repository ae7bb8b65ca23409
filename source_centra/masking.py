"""Every form of a secret that the connector could ever send or read back, registered with Airbyte's
secret filter, so no log line, trace message or error shows any of them.

Airbyte masks only the configured value of each ``airbyte_secret`` field, as given. The connector
sends the token trimmed and prefixed (``Authorization: Bearer <token>``), so a server that echoes
the header would print a form Airbyte does not know. ``register`` adds them all: the raw value, the
trimmed one, ``Bearer …`` and, for an endpoint URL carrying ``user:password@`` (which the config
rejects, but the raw URL is still in the config), the user info, the password and the Basic form.
Longer forms are masked first, so no part of a longer form is left behind.
"""
from __future__ import annotations

import base64
from typing import Any, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from airbyte_cdk.utils import airbyte_secrets_utils as _secrets

MIN_LENGTH = 6  # shorter fragments would mask ordinary words all over the output (Airbyte still masks the raw value)


def forms(raw_config: Mapping[str, Any] | Any) -> list[str]:
    """The secret strings of a raw config, in every form that may reach the wire or the output."""
    if not isinstance(raw_config, Mapping):
        return []
    found: list[str] = []
    token = raw_config.get("api_token")
    if isinstance(token, str):
        stripped = token.strip()
        found += [token, stripped, f"Bearer {stripped}", f"Bearer {token}"]
        found += [line.strip() for line in token.splitlines()]  # a pasted token broken over lines
    url = raw_config.get("endpoint_url")
    if isinstance(url, str):
        found += _userinfo(url)
    return [text for text in dict.fromkeys(found) if len(text.strip()) >= MIN_LENGTH]


def _userinfo(url: str) -> list[str]:
    try:
        parts = urlsplit(url.strip())
        user, password = parts.username, parts.password
    except ValueError:
        return []
    if user is None and password is None:
        return []
    netloc = parts.netloc
    info = netloc.rsplit("@", 1)[0] if "@" in netloc else ""
    found = [info, unquote(info)]
    if password:
        found += [password, unquote(password)]
        basic = base64.b64encode(f"{unquote(user or '')}:{unquote(password)}".encode("utf-8", "replace")).decode()
        found += [basic, f"Basic {basic}"]
    return found


def register(raw_config: Mapping[str, Any] | Any, extra: Iterable[str] = ()) -> None:
    """Add every form of the config's secrets to Airbyte's filter (idempotent; keeps those already there)."""
    current = list(getattr(_secrets, "__SECRETS_FROM_CONFIG", []) or [])
    wanted = [str(s) for s in current if s] + forms(raw_config) + [s for s in extra if s and len(s) >= MIN_LENGTH]
    _secrets.update_secrets(sorted(dict.fromkeys(wanted), key=len, reverse=True))


def mask(text: str) -> str:
    """``text`` with every registered secret replaced by ****."""
    return _secrets.filter_secrets(text)
