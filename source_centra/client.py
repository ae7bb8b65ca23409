"""The one transport: POST a GraphQL document to Centra and return its data.

Owns the auth header, pacing, retries with backoff, Retry-After waits (bounded in total) and the
mapping of every failure through the error table in `errors.py`. Streams and checks never import
`requests`. The token is only ever placed in the Authorization header.
"""
from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

import requests

from source_centra import __version__
from source_centra.config import Config
from source_centra.errors import (
    Action,
    CentraError,
    ConfigError,
    TransientError,
    classify_graphql_errors,
    http_resolution,
    raise_for,
)
from source_centra.pacing import Pacer

LOGGER = logging.getLogger("airbyte")
CONNECT_TIMEOUT = 15
READ_TIMEOUT = 180


@dataclass
class GraphQLResult:
    data: dict
    errors: list[dict]
    extensions: dict
    server_time: datetime | None = None


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    rate_limit_wait_seconds: float = 0.0
    complexity: int = 0
    deprecations: set[str] = field(default_factory=set)


class CentraClient:
    def __init__(
        self,
        config: Config,
        *,
        max_retries: int = 8,
        pacer: Pacer | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        backoff_base: float = 1.0,
    ):
        self._url = config.endpoint_url
        self._token = config.api_token
        self._max_wait = float(config.max_rate_limit_wait_seconds)
        self._max_retries = max_retries
        self._sleep = sleep
        self._backoff_base = backoff_base
        self.pacer = pacer or Pacer(share=config.rate_limit_share, sleep=sleep)
        # long waits (pacer or 429) of the worker threads, for the stream's emitting thread to report
        self.waits = self.pacer.waits
        self.stats = ClientStats()
        self._local = threading.local()
        self._session = session
        self._stats_lock = threading.Lock()

    # ---------------------------------------------------------------- public

    def execute(self, query: str, variables: Mapping[str, Any] | None = None, *, raise_errors: bool = True) -> GraphQLResult:
        """Run one GraphQL document; retries transient failures; raises CentraError subclasses."""
        body = json.dumps({"query": query, "variables": dict(variables or {})}, default=str)
        key = hash(query)
        attempt = 0
        while True:
            row = self.pacer.acquire(key)
            outcome = self._attempt(body)
            if isinstance(outcome, GraphQLResult):
                self.pacer.record(row, key, outcome.extensions.get("complexity"))
                self._book(outcome)
                if outcome.errors and raise_errors:
                    resolution = classify_graphql_errors(outcome.errors)
                    if resolution.action is Action.FAIL:
                        raise_for(resolution)
                    outcome = _Wait(None) if resolution.action is Action.WAIT else _Retry(resolution.message, None)
                else:
                    return outcome
            if isinstance(outcome, _Wait):
                self._wait_for_rate_limit(outcome)
                continue
            attempt += 1
            with self._stats_lock:
                self.stats.retries += 1
            if attempt > self._max_retries:
                raise TransientError(
                    f"Centra kept failing after {self._max_retries} retries: {outcome.message} "
                    "This is usually temporary; run the sync again later. If it persists, check Centra's status page.")
            delay = outcome.retry_after if outcome.retry_after is not None else self._backoff(attempt)
            LOGGER.info(f"Centra request failed ({outcome.message}); retry {attempt}/{self._max_retries} in {delay:.1f}s")
            self._sleep(delay)

    # ---------------------------------------------------------------- one attempt

    def _attempt(self, body: str) -> "GraphQLResult | _Retry | _Wait":
        with self._stats_lock:
            self.stats.requests += 1
            number = self.stats.requests
        LOGGER.debug(f"Centra request {number}: POST {self._url} ({len(body)} bytes of GraphQL)")
        try:
            response = self._http().post(
                self._url,
                data=body.encode(),
                headers={"Authorization": f"Bearer {self._token}", "Content-Type": "application/json",
                         "Accept": "application/json", "User-Agent": f"airbyte-source-centra/{__version__}"},
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            )
        except requests.exceptions.InvalidURL as error:
            raise ConfigError(f"The endpoint URL is not valid ({type(error).__name__}). Use e.g. https://your-shop.centra.com/graphql.")
        except requests.exceptions.RequestException as error:
            return _Retry(_describe_network_error(error, self._url), None)
        if response.status_code == 429:
            return _Wait(_retry_after_seconds(response))
        if response.status_code != 200:
            resolution = http_resolution(response.status_code)
            if resolution.action is Action.RETRY:
                return _Retry(resolution.message, _retry_after_seconds(response))
            raise_for(resolution, _describe_body(response))
        try:
            payload = response.json()
        except ValueError:
            text = response.text.lstrip()[:200]
            if text.startswith("<"):
                raise ConfigError(
                    "The endpoint URL answered with a web page (HTML), not Centra's GraphQL API. Use the Endpoint URL "
                    "shown at the top of System → API tokens, e.g. https://your-shop.centra.com/graphql.")
            return _Retry("Centra's answer was cut off or was not valid JSON.", None)
        if not isinstance(payload, dict) or not ("data" in payload or "errors" in payload):
            raise ConfigError(
                "The endpoint URL answered with JSON that is not a GraphQL response, so it is not Centra's Integration "
                "API. Use the Endpoint URL shown at the top of System → API tokens, e.g. https://your-shop.centra.com/graphql.")
        errors = payload.get("errors") or []
        if not isinstance(errors, list):
            errors = [{"message": str(errors)}]
        return GraphQLResult(
            data=payload.get("data") or {},
            errors=errors,
            extensions=payload.get("extensions") or {},
            server_time=_server_time(response),
        )

    def _http(self) -> requests.Session:
        if self._session is not None:
            return self._session
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            self._local.session = session
        return session

    def _book(self, result: GraphQLResult) -> None:
        with self._stats_lock:
            self.stats.complexity += int(result.extensions.get("complexity") or 0)
            for item in result.extensions.get("deprecatedFieldsUsed") or []:
                self.stats.deprecations.add(str(item))
            for item in result.extensions.get("deprecatedPermissionsUsed") or []:
                self.stats.deprecations.add(str(item))

    def _wait_for_rate_limit(self, wait: "_Wait") -> None:
        delay = wait.seconds if wait.seconds is not None else 10.0
        with self._stats_lock:
            self.stats.throttled += 1
            total = self.stats.rate_limit_wait_seconds + delay
            if total > self._max_wait:
                raise TransientError(
                    f"Centra's API rate limit stayed exhausted: the sync waited {self.stats.rate_limit_wait_seconds:.0f}s in "
                    f"total and Centra asked for {delay:.0f}s more, beyond the configured maximum of {self._max_wait:.0f}s. "
                    "Other integrations may be using the shared quota; run the sync again later, lower 'Share of the API "
                    "rate limit' for a gentler pace, or raise 'Maximum wait for the rate limit'.")
            self.stats.rate_limit_wait_seconds = total
        LOGGER.info(f"Centra rate limit reached (HTTP 429); waiting {delay:.1f}s as Centra asks (Retry-After).")
        self.waits.add(delay, "Centra's rate limit (HTTP 429: the shared quota is used up; waiting as Retry-After asks)")
        self._sleep(delay)

    def _backoff(self, attempt: int) -> float:
        return min(60.0, self._backoff_base * (2 ** (attempt - 1))) * (0.75 + random.random() / 2)


@dataclass
class _Retry:
    message: str
    retry_after: float | None


@dataclass
class _Wait:
    seconds: float | None


def _retry_after_seconds(response: requests.Response) -> float | None:
    """Retry-After as delta-seconds, a Unix timestamp, or an HTTP-date (centra-api.md §4.2)."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        now = _server_time(response) or datetime.now(timezone.utc)
        return max(0.0, (when - now).total_seconds())
    if number > 1_000_000_000:  # an epoch timestamp
        return max(0.0, number - time.time())
    return max(0.0, number)


def _server_time(response: requests.Response) -> datetime | None:
    value = response.headers.get("Date")
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _describe_network_error(error: Exception, url: str) -> str:
    host = url.split("/")[2] if "//" in url else url
    text = str(error)
    if "Name or service not known" in text or "nodename nor servname" in text or "NameResolutionError" in text or "getaddrinfo" in text:
        return f"the host {host} could not be found (DNS)"
    if "Connection refused" in text:
        return f"the host {host} refused the connection"
    if isinstance(error, requests.exceptions.Timeout):
        return f"the request to {host} timed out"
    if isinstance(error, requests.exceptions.SSLError):
        return f"the TLS (https) handshake with {host} failed"
    return f"the connection to {host} failed ({type(error).__name__})"


def _describe_body(response: requests.Response) -> str:
    text = response.text.strip()
    if text.startswith("<"):
        return "(Centra answered with a web page.)"
    return f"(Centra said: {text[:300]})" if text else ""


__all__ = ["CentraClient", "GraphQLResult", "CentraError"]
