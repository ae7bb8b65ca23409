"""Config parsed once into a frozen dataclass: URL normalised, dates parsed, bounds checked.

The raw mapping Airbyte hands us is never mutated and never holds objects. Every problem is
collected and reported together, in the words of the spec's field titles.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping
from urllib.parse import urlsplit, urlunsplit

from source_centra.errors import ConfigError
from source_centra.privacy import MODES as PII_MODES

DEFAULTS = {
    "lookback_window_days": 3,
    "returns_lookback_days": 60,
    "page_size": 100,
    "rate_limit_share": 0.5,
    "max_rate_limit_wait_seconds": 900,
    "concurrency": 3,
}
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
    pii_handling: str = "keep"  # personal fields: "keep" | "hash" | "drop" (privacy.py)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], now: datetime | None = None) -> "Config":
        problems: list[str] = []
        url = _endpoint(raw.get("endpoint_url"), problems)
        token = raw.get("api_token")
        if not isinstance(token, str) or not token.strip():
            problems.append("API token is empty: paste the Integration API token from System → API tokens.")
            token = ""
        start = _start_date(raw.get("start_date"), problems, now or datetime.now(timezone.utc))
        stores = _store_ids(raw.get("store_ids"), problems)
        values = {key: _number(raw, key, problems) for key in DEFAULTS}
        pii = _pii_handling(raw.get("pii_handling"), problems)
        if problems:
            raise ConfigError("The source configuration has problems: " + " ".join(problems))
        return cls(endpoint_url=url, api_token=token.strip(), start_date=start, store_ids=stores, pii_handling=pii, **values)


def _endpoint(value: Any, problems: list[str]) -> str:
    example = "e.g. https://your-shop.centra.com/graphql (shown at the top of System → API tokens)"
    if not isinstance(value, str) or not value.strip():
        problems.append(f"Endpoint URL is empty: {example}.")
        return ""
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        problems.append(f"Endpoint URL '{value}' is not a valid URL: {example}.")
        return ""
    if parts.scheme.lower() == "http" and not _is_loopback(parts.hostname):
        problems.append(f"Endpoint URL '{value}' uses plain http; Centra only serves https: use "
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
        problems.append(f"Start date {value!r} is not a date: use YYYY-MM-DD, e.g. 2024-01-01.")
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text + "T00:00:00" if _DATE.match(text) else text.replace("Z", "+00:00"))
    except ValueError:
        problems.append(f"Start date '{value}' is not a date: use YYYY-MM-DD or an ISO 8601 date-time, e.g. 2024-01-01.")
        return None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    parsed = parsed.astimezone(timezone.utc)
    if parsed > now:
        problems.append(f"Start date '{value}' is in the future: no data would be replicated. Use a past date or leave it empty.")
    return parsed


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
            number = int(str(item).strip())
            if number < 1:
                raise ValueError
        except ValueError:
            problems.append(f"Store ID {item!r} is not a positive number; store ids are numbers such as 1 or 2.")
            continue
        if number not in ids:
            ids.append(number)
    return tuple(ids)


def _pii_handling(value: Any, problems: list[str]) -> str:
    if value is None or value == "":
        return "keep"
    if isinstance(value, str) and value.strip().lower() in PII_MODES:
        return value.strip().lower()
    problems.append(f"Personal data must be one of keep, hash or drop, got {value!r}: keep sends personal "
                    "fields as Centra has them, hash sends their SHA-256, drop sends null.")
    return "keep"


_BOUNDS = {
    "lookback_window_days": (int, 0, 90, "Lookback window (days)"),
    "returns_lookback_days": (int, 0, 365, "Returns lookback (days)"),
    "page_size": (int, 1, 200, "Page size"),
    "rate_limit_share": (float, 0.05, 1.0, "Share of the API rate limit"),
    "max_rate_limit_wait_seconds": (int, 1, 86400, "Maximum wait for the rate limit (seconds)"),
    "concurrency": (int, 1, 8, "Stores read at once"),
}


def _number(raw: Mapping[str, Any], key: str, problems: list[str]) -> Any:
    kind, low, high, title = _BOUNDS[key]
    value = raw.get(key)
    if value is None or value == "":
        return DEFAULTS[key]
    try:
        if isinstance(value, bool) or (kind is int and float(value) != int(float(value))):
            raise ValueError
        number = kind(float(value)) if kind is float else int(float(value))
    except (TypeError, ValueError):
        problems.append(f"{title} must be a number between {low} and {high}, got {value!r}.")
        return DEFAULTS[key]
    if not low <= number <= high:
        problems.append(f"{title} must be between {low} and {high}, got {value}.")
        return DEFAULTS[key]
    return number
