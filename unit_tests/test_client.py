"""CentraClient against requests-mock: the error table, retries and Retry-After, one class at a time."""
import json
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import pytest
import requests

from source_centra.client import CentraClient
from source_centra.config import Config
from source_centra.errors import ConfigError, TransientError
from source_centra.pacing import Pacer

URL = "https://shop.centra.com/graphql"
TOKEN = "tok-SECRET-0123456789"
OK = {"json": {"data": {"x": 1}, "extensions": {"complexity": 3}}, "status_code": 200}


class Sleeps(list):
    def __call__(self, seconds):
        self.append(round(seconds, 3))


def make_client(max_wait=900, max_retries=3):
    sleeps = Sleeps()
    config = Config.from_mapping({"endpoint_url": URL, "max_rate_limit_wait_seconds": max_wait, "api_token": TOKEN})
    client = CentraClient(config, max_retries=max_retries, sleep=sleeps, pacer=Pacer(share=1.0, sleep=sleeps))
    return client, sleeps


def test_given_ok_then_data_returned_with_bearer_token(requests_mock):
    requests_mock.post(URL, **OK)
    client, _ = make_client()
    assert client.execute("{ x }").data == {"x": 1}
    assert requests_mock.last_request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert json.loads(requests_mock.last_request.body) == {"query": "{ x }", "variables": {}}


def test_given_429_with_delta_seconds_then_waits_exactly_that(requests_mock):
    requests_mock.post(URL, [{"status_code": 429, "headers": {"Retry-After": "7"}}, OK])
    client, sleeps = make_client()
    client.execute("{ x }")
    assert sleeps == [7.0] and client.stats.throttled == 1


def test_given_429_with_http_date_then_waits_until_that_date(requests_mock):
    now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=timezone.utc)
    headers = {"Retry-After": format_datetime(now + timedelta(seconds=5), usegmt=True), "Date": format_datetime(now, usegmt=True)}
    requests_mock.post(URL, [{"status_code": 429, "headers": headers}, OK])
    client, sleeps = make_client()
    client.execute("{ x }")
    assert sleeps == [5.0]


def test_given_429_beyond_max_wait_then_transient_error_about_rate_limit(requests_mock):
    requests_mock.post(URL, status_code=429, headers={"Retry-After": "30"})
    client, sleeps = make_client(max_wait=60)
    with pytest.raises(TransientError) as error:
        client.execute("{ x }")
    assert sleeps == [30.0, 30.0]
    assert "rate limit stayed exhausted" in error.value.message


@pytest.mark.parametrize("failure", [
    {"status_code": 500}, {"status_code": 502, "text": "<html>bad gateway</html>"}, {"status_code": 503},
    {"exc": requests.exceptions.ConnectionError("reset")},
    {"status_code": 200, "text": '{"data": {"x": '},
    {"status_code": 200, "json": {"data": None, "errors": [{"message": "Internal server error", "extensions": {"category": "internal"}}]}},
], ids=["500", "502-html", "503", "reset", "truncated-json", "graphql-internal"])
def test_given_transient_failure_then_retried_and_succeeds(requests_mock, failure):
    requests_mock.post(URL, [failure, OK])
    client, sleeps = make_client()
    assert client.execute("{ x }").data == {"x": 1}
    assert client.stats.retries == 1 and len(sleeps) == 1


def test_given_persistent_5xx_then_transient_error_after_max_retries(requests_mock):
    requests_mock.post(URL, status_code=503)
    client, sleeps = make_client(max_retries=2)
    with pytest.raises(TransientError, match="after 2 retries"):
        client.execute("{ x }")
    assert len(sleeps) == 2


def test_given_401_then_config_error_names_token_and_where_to_fix(requests_mock):
    requests_mock.post(URL, status_code=401, json={"errors": [{"message": "Unauthorized"}]})
    client, _ = make_client()
    with pytest.raises(ConfigError) as error:
        client.execute("{ x }")
    assert "System → API tokens" in error.value.message and TOKEN not in error.value.message


def test_given_missing_permission_then_config_error_names_it(requests_mock):
    body = {"data": {"orders": None}, "errors": [
        {"message": "You need Order:read permission to access orders.", "extensions": {"category": "authorization"}}]}
    requests_mock.post(URL, json=body)
    client, _ = make_client()
    with pytest.raises(ConfigError) as error:
        client.execute("{ orders { id } }")
    # the client alone cannot resolve a denial's path (SyncContext.run does, with the plan): it quotes Centra
    assert "System → API tokens" in error.value.message and "You need Order:read permission" in error.value.message


def test_given_html_page_then_config_error_about_endpoint(requests_mock):
    requests_mock.post(URL, text="<!doctype html><html>Welcome</html>", headers={"Content-Type": "text/html"})
    client, _ = make_client()
    with pytest.raises(ConfigError, match="web page"):
        client.execute("{ x }")


def test_given_non_graphql_json_then_config_error(requests_mock):
    requests_mock.post(URL, json={"status": "ok"})
    client, _ = make_client()
    with pytest.raises(ConfigError, match="not a GraphQL response"):
        client.execute("{ x }")


def test_given_deprecation_extensions_then_collected(requests_mock):
    requests_mock.post(URL, json={"data": {"x": 1}, "extensions": {
        "deprecatedFieldsUsed": ["Field: ProductSize.GTIN, reason: Use EAN"]}})
    client, _ = make_client()
    client.execute("{ x }")
    assert client.stats.deprecations == {"Field: ProductSize.GTIN, reason: Use EAN"}
