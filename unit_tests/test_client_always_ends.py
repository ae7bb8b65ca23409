"""CentraClient always progresses and always ends (issue 18 cases 3, 4, 7, 9, 11): Retry-After values that
ask for no wait are floored and backed off and count against the wait budget; the whole answer has a
deadline however slowly it trickles; answers are capped in size; redirects are refused; failures to get
any answer share one budget per sync, after which every request fails at once."""
from __future__ import annotations

import json
import socket
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from source_centra import client as client_module
from source_centra.client import CentraClient
from source_centra.config import Config
from source_centra.errors import CentraError, ConfigError, TransientError
from source_centra.pacing import Pacer

URL = "https://shop.centra.com/graphql"
TOKEN = "tok-SECRET-0123456789"
OK = {"json": {"data": {"x": 1}}, "status_code": 200}


class Sleeps(list):
    def __call__(self, seconds):
        self.append(round(seconds, 3))


def make(url=URL, max_wait=900, max_retries=3, **options):
    sleeps = Sleeps()
    config = Config.from_mapping({"endpoint_url": url, "max_rate_limit_wait_seconds": max_wait, "api_token": TOKEN})
    return CentraClient(config, max_retries=max_retries, sleep=sleeps, pacer=Pacer(share=1.0, sleep=sleeps), **options), sleeps


# ---------------------------------------------------------------- Retry-After that asks for no wait

PAST = format_datetime(datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc), usegmt=True)


@pytest.mark.parametrize("value", ["0", "-5", "0.0001", PAST, "nan", "inf", "1000000001", "garbage", ""],
                         ids=["zero", "negative", "tiny", "past-date", "nan", "inf", "past-epoch", "garbage", "empty"])
def test_given_429s_asking_for_no_wait_then_waits_at_least_a_second_backing_off_within_the_budget(requests_mock, value):
    requests_mock.post(URL, status_code=429, headers={"Retry-After": value})
    client, sleeps = make(max_wait=40)
    with pytest.raises(TransientError, match="rate limit stayed exhausted"):
        client.execute("{ x }")
    assert sleeps and min(sleeps) >= 1.0, sleeps
    assert sum(sleeps) <= 40
    assert requests_mock.call_count <= 8, "a hot loop: the waits did not add up to the budget"
    if value in ("0", "-5", "0.0001", PAST, "1000000001"):
        assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0], sleeps
    assert client.stopped is not None, "a spent wait budget is the sync's: the other streams must not wait again"


def test_given_429_asking_for_no_wait_then_success_then_backoff_restarts_per_request(requests_mock):
    requests_mock.post(URL, [{"status_code": 429, "headers": {"Retry-After": "0"}}] * 2 + [OK]
                       + [{"status_code": 429, "headers": {"Retry-After": "0"}}, OK])
    client, sleeps = make()
    client.execute("{ x }")
    client.execute("{ x }")
    assert sleeps == [1.0, 2.0, 1.0]
    assert client.stats.rate_limit_wait_seconds == 4.0


@pytest.mark.parametrize("value, expected", [("0", 1.0), ("-3", 1.0), ("7", 7.0), ("3600", 60.0)])
def test_given_5xx_with_retry_after_then_wait_floored_and_capped(requests_mock, value, expected):
    requests_mock.post(URL, [{"status_code": 503, "headers": {"Retry-After": value}}, OK])
    client, sleeps = make()
    client.execute("{ x }")
    assert sleeps == [expected]


# ---------------------------------------------------------------- one budget per sync for no answer

def test_given_centra_unreachable_then_the_sync_budget_stops_every_later_request_without_trying(requests_mock):
    requests_mock.post(URL, exc=requests.exceptions.ConnectionError("refused"))
    client, sleeps = make(max_retries=3)
    with pytest.raises(TransientError) as first:
        client.execute("{ x }")
    tried = requests_mock.call_count
    assert tried == 4 and "The sync stopped here" in first.value.message
    with pytest.raises(TransientError) as later:
        client.execute("{ y }")
    assert requests_mock.call_count == tried, "a stopped client still sent requests"
    assert later.value.message == first.value.message


def test_given_failures_spread_over_requests_then_they_share_the_budget(requests_mock):
    requests_mock.post(URL, [{"status_code": 503}, {"status_code": 503}, OK, {"status_code": 503},
                             {"status_code": 503}, {"status_code": 503}, {"status_code": 503}])
    client, _ = make(max_retries=3)
    client.execute("{ x }")  # two failures, then an answer: the count starts again
    with pytest.raises(TransientError, match="The sync stopped here: 4 requests in a row"):
        client.execute("{ x }")


def test_given_centra_answers_with_an_internal_error_then_only_that_request_fails(requests_mock):
    internal = {"status_code": 200, "json": {"data": None, "errors": [{"message": "boom", "extensions": {"category": "internal"}}]}}
    requests_mock.post(URL, [internal] * 4 + [OK])
    client, _ = make(max_retries=3)
    with pytest.raises(TransientError) as error:
        client.execute("{ x }")
    assert "The sync stopped" not in error.value.message and client.stopped is None
    assert client.execute("{ x }").data == {"x": 1}


# ---------------------------------------------------------------- answers: size, nesting, redirects, echoes

def test_given_declared_body_over_the_cap_then_refused_before_reading(requests_mock, monkeypatch):
    monkeypatch.setattr(client_module, "MAX_BODY_BYTES", 1000)
    requests_mock.post(URL, text="x" * 2000)
    client, _ = make()
    with pytest.raises(ConfigError, match="Lower 'Page size'"):
        client.execute("{ x }")


def test_given_deeply_nested_json_then_clear_error_not_recursion(requests_mock):
    requests_mock.post(URL, text='{"data": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    client, _ = make()
    with pytest.raises(CentraError, match="nested deeper"):
        client.execute("{ x }")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_given_redirect_then_config_error_and_nothing_sent_elsewhere(requests_mock, status):
    requests_mock.post(URL, status_code=status, headers={"Location": "https://u:p@evil.example/graphql?x=1"})
    stolen = requests_mock.register_uri("ANY", "https://evil.example/graphql", json={"data": {}})
    client, _ = make()
    with pytest.raises(ConfigError) as error:
        client.execute("{ x }")
    assert "redirect" in error.value.message and "https://evil.example/graphql" in error.value.message
    assert "u:p@" not in error.value.message and not stolen.called


@pytest.mark.parametrize("status, body", [(400, "bad header Bearer {t}"), (200, None)], ids=["http-400", "graphql-error"])
def test_given_server_echoes_the_token_then_error_message_masks_it(requests_mock, status, body):
    payload = {"text": body.format(t=TOKEN)} if body else {"json": {"errors": [{"message": f"bad token {TOKEN}"}]}}
    requests_mock.post(URL, status_code=status, **payload)
    client, _ = make()
    with pytest.raises(CentraError) as error:
        client.execute("{ x }")
    assert TOKEN not in error.value.message and "****" in error.value.message


# ---------------------------------------------------------------- deadlines against a real socket

class _Slow(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = "trickle"

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/tarpit"):
            time.sleep(30)
            return
        body = json.dumps({"data": {"x": 1}}).encode() + b" " * 1000
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for index in range(len(body)):
                self.wfile.write(body[index:index + 1])
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def slow_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("path", ["/trickle/graphql", "/tarpit/graphql"])
def test_given_answer_that_trickles_or_never_comes_then_each_attempt_ends_at_the_deadline(slow_server, path):
    client, sleeps = make(url=slow_server + path, max_retries=1, request_timeout=2)
    started = time.monotonic()
    with pytest.raises(TransientError) as error:
        client.execute("{ x }")
    took = time.monotonic() - started
    assert took < 2 * (2 + 1.0) + 1, f"two attempts of a 2 s deadline took {took:.1f}s"
    assert "within the request timeout of 2s" in error.value.message or "timed out" in error.value.message


def test_given_connect_that_never_completes_then_bounded_by_the_connect_timeout(monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))  # bound, never listening: connect is refused at once on Linux
    port = listener.getsockname()[1]
    client, _ = make(url=f"http://127.0.0.1:{port}/graphql", max_retries=0, request_timeout=2)
    started = time.monotonic()
    with pytest.raises(TransientError, match="refused the connection|timed out"):
        client.execute("{ x }")
    assert time.monotonic() - started < 5
    listener.close()
