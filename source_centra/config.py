"""Config parsed once into a frozen dataclass: URL normalised, dates parsed, bounds checked.

The raw mapping Airbyte hands us is never mutated and never holds objects. Every problem is
collected and reported together, in the words of the spec's field titles. The token is normalised
here, once (trimmed; inner whitespace, control and non-ASCII characters rejected: an HTTP header
cannot carry them), and every form of it is registered with Airbyte's secret filter (masking.py).
No message here ever quotes the token or the password of a URL.
"""
from __future__ import annotations

import ipaddress
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping
from urllib.parse import urlsplit, urlunsplit

from source_centra import masking
from source_centra.errors import ConfigError
from source_centra.privacy import MODES as PII_MODES
from source_centra.state import EPOCH

DEFAULTS = {
    "lookback_window_days": 3,
    "returns_lookback_days": 60,
    "page_size": 100,
    "rate_limit_share": 0.5,
    "max_rate_limit_wait_seconds": 900,
    "concurrency": 3,
    "request_timeout_seconds": 180,
}
MAX_ID = 2**31 - 1  # GraphQL Int
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Config:
    endpoint_url: str
    api_token: str
    start_date: datetime | None
    store_ids: tuple[int, ...]
    lookback_window_days: int
    returns_lookback_days: int
    page_size: int
    rate_limit_share: float
    max_rate_limit_wait_seconds: int
    concurrency: int
    request_timeout_seconds: int = DEFAULTS["request_timeout_seconds"]  # one request, connect to last byte
    pii_handling: str = "keep"  # personal fields: "keep" | "hash" | "drop" (privacy.py)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], now: datetime | None = None) -> "Config":
        if not isinstance(raw, Mapping):
            raise ConfigError("The source configuration is not a JSON object of settings (it is "
                              f"{_kind(raw)}). Pass a config file such as "
                              '{"endpoint_url": "https://your-shop.centra.com/graphql", "api_token": "..."}.')
        masking.register(raw)
        problems: list[str] = []
        url = _endpoint(raw.get("endpoint_url"), problems)
        token = _token(raw.get("api_token"), problems)
        start = _start_date(raw.get("start_date"), problems, now or datetime.now(timezone.utc))
        stores = _store_ids(raw.get("store_ids"), problems)
        values = {key: _number(raw, key, problems) for key in DEFAULTS}
        pii = _pii_handling(raw.get("pii_handling"), problems)
        if problems:
            raise ConfigError("The source configuration has problems: " + " ".join(problems))
        return cls(endpoint_url=url, api_token=token, start_date=start, store_ids=stores, pii_handling=pii, **values)

    def as_spec_values(self, raw: Mapping[str, Any]) -> dict:
        """``raw`` with the settings this class parsed replaced by their parsed values, for the spec's
        JSON-schema check (other keys are left as given)."""
        values = {**raw, "endpoint_url": self.endpoint_url, "api_token": self.api_token, "pii_handling": self.pii_handling}
        values.update({key: getattr(self, key) for key in DEFAULTS if raw.get(key) not in (None, "")})
        if raw.get("store_ids") not in (None, ""):
            values["store_ids"] = list(self.store_ids)
        if isinstance(raw.get("start_date"), str):
            values["start_date"] = raw["start_date"].strip()
        return values


def _token(value: Any, problems: list[str]) -> str:
    """The token as it is sent: trimmed, and only characters an HTTP header can carry."""
    where = "paste the Integration API token from System → API tokens in the Centra admin"
    if not isinstance(value, str) or not value.strip():
        problems.append(f"API token is empty: {where}.")
        return ""
    token = value.strip()
    if any(character.isspace() for character in token):
        problems.append(f"API token has a space or line break inside it (a token is one unbroken string; the "
                        f"copy may have picked up a line break): {where} again, as one line.")
        return ""
    if any(not 0x21 <= ord(character) <= 0x7E for character in token):
        problems.append("API token has characters that are not plain ASCII letters, digits or punctuation, so it "
                        f"cannot be a Centra token (it may be mangled by a copy from a document): {where} again.")
        return ""
    return token


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "empty (null)", bool: "true/false",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    """A value as quoted in a message: its repr when short, else what kind of value it is."""
    text = repr(value)
    return text if len(text) <= 40 and isinstance(value, (int, float, str)) else _kind(value)


def shown_url(value: str) -> str:
    """A URL as it may be shown: without user info (user:password@) or query."""
    try:
        parts = urlsplit(value.strip())
        host = parts.netloc.rsplit("@", 1)[-1]
        return urlunsplit((parts.scheme, host, parts.path, "", ""))
    except ValueError:
        return "(not a URL)"


def _endpoint(value: Any, problems: list[str]) -> str:
    example = "e.g. https://your-shop.centra.com/graphql (shown at the top of System → API tokens)"
    if not isinstance(value, str) or not value.strip():
        problems.append(f"Endpoint URL is empty: {example}.")
        return ""
    shown = shown_url(value)
    try:
        parts = urlsplit(value.strip())
        host, _port = parts.hostname, parts.port
    except ValueError:
        problems.append(f"Endpoint URL '{shown}' is not a valid URL (check the host and port): {example}.")
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host or any(c.isspace() for c in parts.netloc):
        problems.append(f"Endpoint URL '{shown}' is not a valid URL: {example}.")
        return ""
    if parts.username is not None or parts.password is not None:
        problems.append(f"Endpoint URL '{shown}' contains a user name or password (user:password@). Centra "
                        "authenticates with the API token only: remove them from the URL, "
                        f"{example}.")
        return ""
    if parts.scheme.lower() == "http" and not _is_loopback(host):
        problems.append(f"Endpoint URL '{shown}' uses plain http; Centra only serves https: use "
                        f"https://{parts.netloc}{parts.path or '/graphql'}.")
        return ""
    path = parts.path.rstrip("/")
    if not path.endswith("/graphql"):
        path = path + "/graphql"
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _start_date(value: Any, problems: list[str], now: datetime) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        problems.append(f"Start date {_short(value)} is not a date: use YYYY-MM-DD, e.g. 2024-01-01.")
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text + "T00:00:00" if _DATE.match(text) else text.replace("Z", "+00:00"))
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        parsed = parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        problems.append(f"Start date {_short(value)} is not a date: use YYYY-MM-DD or an ISO 8601 date-time, e.g. 2024-01-01.")
        return None
    if parsed > now:
        problems.append(f"Start date {_short(value)} is in the future: no data would be replicated. Use a past date or leave it empty.")
    return max(parsed, EPOCH)  # nothing in Centra is older; keeps date arithmetic in range


def _store_ids(value: Any, problems: list[str]) -> tuple[int, ...]:
    if value in (None, "", []):
        return ()
    if isinstance(value, (int, str)):
        value = [value]
    if not isinstance(value, list):
        problems.append("Store IDs must be a list of numbers, e.g. [1, 2].")
        return ()
    ids: list[int] = []
    for item in value:
        try:
            if isinstance(item, (bool, float)) and not (isinstance(item, float) and item.is_integer()):
                raise ValueError
            number = int(str(int(item) if isinstance(item, float) else item).strip())
            if not 1 <= number <= MAX_ID:
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            problems.append(f"Store ID {_short(item)} is not a store id; store ids are whole numbers such as 1 or 2.")
            continue
        if number not in ids:
            ids.append(number)
    return tuple(ids)


def _pii_handling(value: Any, problems: list[str]) -> str:
    if value is None or value == "":
        return "keep"
    if isinstance(value, str) and value.strip().lower() in PII_MODES:
        return value.strip().lower()
    problems.append(f"Personal data must be one of keep, hash or drop, got {_short(value)}: keep sends personal "
                    "fields as Centra has them, hash sends their SHA-256, drop sends null.")
    return "keep"


_BOUNDS = {
    "lookback_window_days": (int, 0, 90, "Lookback window (days)"),
    "returns_lookback_days": (int, 0, 365, "Returns lookback (days)"),
    "page_size": (int, 1, 200, "Page size"),
    "rate_limit_share": (float, 0.05, 1.0, "Share of the API rate limit"),
    "max_rate_limit_wait_seconds": (int, 1, 86400, "Maximum wait for the rate limit (seconds)"),
    "concurrency": (int, 1, 8, "Stores read at once"),
    "request_timeout_seconds": (int, 5, 3600, "Request timeout (seconds)"),
}


def _number(raw: Mapping[str, Any], key: str, problems: list[str]) -> Any:
    kind, low, high, title = _BOUNDS[key]
    value = raw.get(key)
    if value is None or value == "":
        return DEFAULTS[key]
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError
        number = float(value.strip() if isinstance(value, str) else value)
        if not math.isfinite(number) or (kind is int and number != int(number)):
            raise ValueError
        number = kind(number)
    except (TypeError, ValueError, OverflowError):
        problems.append(f"{title} must be a {'whole ' if kind is int else ''}number between {low} and {high}, got {_short(value)}.")
        return DEFAULTS[key]
    if not low <= number <= high:
        problems.append(f"{title} must be between {low} and {high}, got {value}.")
        return DEFAULTS[key]
    return number
