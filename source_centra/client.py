"""The one transport: POST a GraphQL document to Centra and return its data.

Owns the auth header, pacing, retries with backoff, Retry-After waits (bounded in total) and the
mapping of every failure through the error table in `errors.py`. Streams and checks never import
`requests`. The token is only ever placed in the Authorization header.

Every request ends: connect within 15 s, each read within the request timeout, and the whole answer
within the request timeout (`request_timeout_seconds`) however slowly it trickles in; an answer
larger than `MAX_BODY_BYTES` is refused while it arrives. Redirects are not followed (the token goes
to the configured host only). A `Retry-After` of zero, a negative number or a date in the past is
floored and backed off (1 s, 2 s, 4 s … 60 s), and counts against `max_rate_limit_wait_seconds` like
any wait. Failures to get any answer (network, timeouts, 5xx) share one budget per sync: after
`max_retries` of them in a row without an answer in between, the client stops (`stopped`) and every
later request fails at once with the same message, so an unreachable Centra ends the sync in
minutes instead of failing stream after stream.
"""
from __future__ import annotations

import email.utils
import json
import logging
import math
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

import requests
import urllib3

from source_centra import __version__, masking
from source_centra.config import Config, shown_url
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
CHECK_TIMEOUT = 60  # check and discover wait at most this long for any one answer
MAX_BODY_BYTES = 64 * 1024 * 1024  # a page of 200 orders with lines is a few MB
MIN_WAIT = 1.0  # the shortest wait after a 429 or before a retry, whatever Retry-After says
MAX_BACKOFF = 60.0
CHUNK_BYTES = 64 * 1024


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
        request_timeout: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._url = config.endpoint_url
        self._shown_url = shown_url(config.endpoint_url)
        self._token = config.api_token
        masking.register({"api_token": config.api_token})
        self._max_wait = float(config.max_rate_limit_wait_seconds)
        self._max_retries = max_retries
        self._sleep = sleep
        self._clock = clock
        self._backoff_base = backoff_base
        self._timeout = float(request_timeout or config.request_timeout_seconds)
        self._failures = 0  # attempts in a row, over all requests of the sync, that got no answer
        self._failing_since: float | None = None
        self.stopped: TransientError | None = None  # set once the sync's budget is spent: every request fails
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
        attempt = throttles = 0
        while True:
            if self.stopped is not None:
                raise TransientError(self.stopped.message)
            row = self.pacer.acquire(key)
            outcome = self._attempt(body)
            if isinstance(outcome, GraphQLResult) or (isinstance(outcome, _Retry) and outcome.answered):
                self._answered()
            if isinstance(outcome, GraphQLResult):
                self.pacer.record(row, key, outcome.extensions.get("complexity"))
                self._book(outcome)
                if outcome.errors and raise_errors:
                    resolution = classify_graphql_errors(outcome.errors)
                    if resolution.action is Action.FAIL:
                        raise_for(resolution)
                    outcome = _Wait(None) if resolution.action is Action.WAIT else _Retry(resolution.message, None, True)
                else:
                    return outcome
            if isinstance(outcome, _Wait):
                throttles += 1
                self._wait_for_rate_limit(outcome, throttles)
                continue
            attempt += 1
            with self._stats_lock:
                self.stats.retries += 1
            stop = self._no_answer(outcome)
            if attempt > self._max_retries or stop:
                error = TransientError(
                    f"Centra kept failing after {self._max_retries} retries: {outcome.message.rstrip('.')}. "
                    "This is usually temporary; run the sync again later. If it persists, check Centra's status page."
                    + (f" {stop}" if stop else ""))
                if stop:
                    self.stopped = error
                raise error
            delay = self._backoff(attempt)
            if outcome.retry_after is not None:
                delay = min(MAX_BACKOFF, max(MIN_WAIT, outcome.retry_after))
            LOGGER.info(f"Centra request failed ({outcome.message}); retry {attempt}/{self._max_retries} in {delay:.1f}s")
            self._sleep(delay)

    # ---------------------------------------------------------------- one attempt

    def _attempt(self, body: str) -> "GraphQLResult | _Retry | _Wait":
        with self._stats_lock:
            self.stats.requests += 1
            number = self.stats.requests
        LOGGER.debug(f"Centra request {number}: POST {self._shown_url} ({len(body)} bytes of GraphQL)")
        deadline = self._clock() + self._timeout
        try:
            response = self._http().post(
                self._url,
                data=body.encode(),
                headers={"Authorization": f"Bearer {self._token}", "Content-Type": "application/json",
                         "Accept": "application/json", "User-Agent": f"airbyte-source-centra/{__version__}"},
                timeout=(min(CONNECT_TIMEOUT, self._timeout), self._timeout),
                stream=True,
                allow_redirects=False,
            )
        except requests.exceptions.InvalidURL as error:
            raise ConfigError(f"The endpoint URL is not valid ({type(error).__name__}). Use e.g. https://your-shop.centra.com/graphql.")
        except (requests.exceptions.InvalidHeader, UnicodeError):
            raise ConfigError("The API token cannot be sent in an HTTP header (it has spaces, line breaks or characters "
                              "that are not plain ASCII). Paste the token again from System → API tokens.") from None
        except requests.exceptions.RequestException as error:
            return _Retry(_describe_network_error(error, self._url), None)
        with response:
            return self._answer(response, deadline)

    def _answer(self, response: requests.Response, deadline: float) -> "GraphQLResult | _Retry | _Wait":
        status = response.status_code
        if 300 <= status < 400:
            where = shown_url(requests.compat.urljoin(self._url, response.headers.get("Location") or ""))
            raise ConfigError(
                f"The endpoint URL answered with a redirect (HTTP {status}) to {where}. The connector does not follow "
                "redirects, so the API token only ever goes to the host you configured: use the Endpoint URL shown at the "
                "top of System → API tokens in the Centra admin, e.g. https://your-shop.centra.com/graphql.")
        if status == 429:
            return _Wait(_retry_after_seconds(response))
        content = self._read_body(response, deadline)
        if isinstance(content, _Retry):
            return content
        if status != 200:
            resolution = http_resolution(status)
            if resolution.action is Action.RETRY:
                return _Retry(resolution.message, _retry_after_seconds(response))
            raise_for(resolution, self._scrub(_describe_body(content)))
        try:
            payload = json.loads(content)
        except RecursionError:
            raise CentraError(
                "The endpoint URL answered with JSON nested deeper than any GraphQL answer, so it is not Centra's "
                "Integration API (or a proxy in between broke the answer). Use the Endpoint URL shown at the top of "
                "System → API tokens, e.g. https://your-shop.centra.com/graphql.") from None
        except ValueError:
            text = content[:200].decode("utf-8", "replace").lstrip()
            if text.startswith("<"):
                raise ConfigError(
                    "The endpoint URL answered with a web page (HTML), not Centra's GraphQL API. Use the Endpoint URL "
                    "shown at the top of System → API tokens, e.g. https://your-shop.centra.com/graphql.")
            return _Retry("Centra's answer was cut off or was not valid JSON.", None, True)
        if not isinstance(payload, dict) or not ("data" in payload or "errors" in payload):
            raise ConfigError(
                "The endpoint URL answered with JSON that is not a GraphQL response, so it is not Centra's Integration "
                "API. Use the Endpoint URL shown at the top of System → API tokens, e.g. https://your-shop.centra.com/graphql.")
        errors = payload.get("errors") or []
        if not isinstance(errors, list):
            errors = [{"message": str(errors)}]
        errors = [self._scrub_error(error) for error in errors]
        data = payload.get("data") or {}
        extensions = payload.get("extensions") or {}
        return GraphQLResult(
            data=data if isinstance(data, dict) else {},
            errors=errors,
            extensions=extensions if isinstance(extensions, dict) else {},
            server_time=_server_time(response),
        )

    def _read_body(self, response: requests.Response, deadline: float) -> "bytes | _Retry":
        """The whole body, read as it arrives: within the deadline, and no larger than MAX_BODY_BYTES."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise _too_big(int(declared))
        chunks: list[bytes] = []
        size = 0
        late = _Retry(f"Centra's answer did not arrive in full within the request timeout of {self._timeout:.0f}s", None)
        try:
            while True:
                remaining = deadline - self._clock()
                if remaining <= 0:
                    return late
                _read_timeout(response, remaining)  # so a socket timeout here means the deadline passed
                chunk = response.raw.read1(CHUNK_BYTES, decode_content=True)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise _too_big(size)
                chunks.append(chunk)
        except (TimeoutError, urllib3.exceptions.TimeoutError, requests.exceptions.Timeout):
            return late
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
            return _Retry(f"Centra's answer was cut off ({type(error).__name__} after {size:,} bytes)", None)

    def _scrub(self, text: str) -> str:
        """Text quoted from Centra's answer, without the token even if the server echoed it."""
        if self._token:
            text = text.replace(self._token, "****")
        return masking.mask(text)

    def _scrub_error(self, error: Any) -> dict:
        if not isinstance(error, dict):
            return {"message": self._scrub(str(error)[:1000])}
        if isinstance(error.get("message"), str):
            return {**error, "message": self._scrub(error["message"])}
        return error

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

    def _wait_for_rate_limit(self, wait: "_Wait", throttles: int = 1) -> None:
        """Wait as a 429 asks, at least MIN_WAIT, backing off when it asks for no wait at all; every wait
        counts against max_rate_limit_wait_seconds, so a server that keeps answering 429 ends the sync."""
        asked = wait.seconds
        if asked is None:
            delay, how = 10.0, "Centra gave no usable Retry-After; waiting 10.0s"
        elif asked < MIN_WAIT:
            delay = min(MAX_BACKOFF, MIN_WAIT * 2 ** (throttles - 1))
            how = f"Centra's Retry-After asked for {max(asked, -1e9):.0f}s; waiting {delay:.1f}s instead (backoff)"
        else:
            delay, how = asked, f"waiting {asked:.1f}s as Centra asks (Retry-After)"
        with self._stats_lock:
            self.stats.throttled += 1
            total = self.stats.rate_limit_wait_seconds + delay
            if total > self._max_wait:
                error = TransientError(
                    f"Centra's API rate limit stayed exhausted: the sync waited {self.stats.rate_limit_wait_seconds:.0f}s in "
                    f"total and Centra asked for {delay:.0f}s more, beyond the configured maximum of {self._max_wait:.0f}s. "
                    "Other integrations may be using the shared quota; run the sync again later, lower 'Share of the API "
                    "rate limit' for a gentler pace, or raise 'Maximum wait for the rate limit'.")
                self.stopped = error  # the budget is the sync's: the other streams would meet the same wall
                raise error
            self.stats.rate_limit_wait_seconds = total
        LOGGER.info(f"Centra rate limit reached (HTTP 429); {how}.")
        self.waits.add(delay, "Centra's rate limit (HTTP 429: the shared quota is used up; waiting as Retry-After asks)")
        self._sleep(delay)

    def _backoff(self, attempt: int) -> float:
        return min(MAX_BACKOFF, self._backoff_base * (2 ** (attempt - 1))) * (0.75 + random.random() / 2)

    def _answered(self) -> None:
        with self._stats_lock:
            self._failures, self._failing_since = 0, None

    def _no_answer(self, outcome: "_Retry") -> str:
        """Count an attempt that got no answer; past the sync's budget, the sentence that stops the sync."""
        if outcome.answered:
            return ""
        with self._stats_lock:
            self._failures += 1
            if self._failing_since is None:
                self._failing_since = self._clock()
            if self._failures <= self._max_retries:
                return ""
            minutes, seconds = divmod(int(self._clock() - self._failing_since), 60)
            return (f"The sync stopped here: {self._failures} requests in a row over {minutes}m {seconds:02d}s got no "
                    "answer, and every other stream would wait the same; the next sync continues from the saved state.")


@dataclass
class _Retry:
    message: str
    retry_after: float | None
    answered: bool = False  # Centra answered (an error it reported), as opposed to no answer at all


@dataclass
class _Wait:
    seconds: float | None


def _retry_after_seconds(response: requests.Response) -> float | None:
    """Retry-After as delta-seconds, a Unix timestamp, or an HTTP-date (centra-api.md §4.2)."""
    """Negative when it names a moment already past; None when absent or not a number or date (the
    caller floors and backs off)."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        now = _server_time(response) or datetime.now(timezone.utc)
        return (when - now).total_seconds()
    if not math.isfinite(number):
        return None
    if number > 1_000_000_000:  # an epoch timestamp
        return number - time.time()
    return number


def _server_time(response: requests.Response) -> datetime | None:
    value = response.headers.get("Date")
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
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


def _describe_body(content: bytes) -> str:
    text = content[:2000].decode("utf-8", "replace").strip()
    if text.startswith("<"):
        return "(Centra answered with a web page.)"
    return f"(Centra said: {text[:300]})" if text else ""


def _too_big(size: int) -> ConfigError:
    return ConfigError(
        f"Centra's answer is larger than {MAX_BODY_BYTES // 1024 // 1024} MB ({size:,} bytes so far), the most the "
        "connector reads into memory for one page. Lower 'Page size' in the source settings; if it happens with a small "
        "page size, the endpoint is not answering like Centra's Integration API.")


def _read_timeout(response: requests.Response, seconds: float) -> None:
    """Let the next socket read wait no longer than the time left (best effort: urllib3 2's connection)."""
    sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if sock is not None:
        try:
            sock.settimeout(max(0.05, seconds))
        except OSError:
            pass


__all__ = ["CentraClient", "GraphQLResult", "CentraError"]
