"""Query complexity (Centra's formula), extensions, 429 + Retry-After, and the rateLimits query."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

import pytest
from fake_client import Client

from fake_centra import FakeCentra
from fake_centra.limits import RateLimiter


def _complexity(client: Client, query: str, variables: dict | None = None) -> int:
    resp = client.post(query, variables)
    assert resp.status_code == 200, resp.text
    return resp.json()["extensions"]["complexity"]


def test_given_centra_markets_example_when_analysed_then_550(big: Client) -> None:
    assert _complexity(big, "{ markets(limit: 50){ assignedToCountries(limit: 10){ id } } }") == 550


def test_given_nested_lists_without_limit_when_analysed_then_each_counts_ten(big: Client) -> None:
    # 20 x (1 order + store 1 + 10 x (1 line + 1 lineValue)) = 20 x 22
    q = "{ orders(limit: 20) { id store { id } lines { id lineValue { value } } } }"
    assert _complexity(big, q) == 20 * (1 + 1 + 10 * 2)


def test_given_limit_in_variable_when_analysed_then_variable_value_used(big: Client) -> None:
    q = "query($n: Int!) { orders(limit: $n) { id grandTotal { value } } }"
    assert _complexity(big, q, {"n": 37}) == 37 * 2


def test_given_connection_when_analysed_then_first_times_node_cost(big: Client) -> None:
    q = """{ orderConnection(first: 25) { totalCount pageInfo { hasNextPage }
             edges { cursor node { id totals { quantity } } } } }"""
    assert _complexity(big, q) == 25 * (1 + 1)
    assert _complexity(big, "{ orderConnection { edges { node { id } } } }") == 10


def test_given_fragments_when_analysed_then_fragment_fields_count(big: Client) -> None:
    q = """{ orders(limit: 2) { ...F ... on DirectToConsumerOrder { customer { id } } } }
           fragment F on Order { market { id } }"""
    assert _complexity(big, q) == 2 * (1 + 1 + 1)


def test_given_deprecated_field_when_queried_then_listed_in_extensions(big: Client) -> None:
    body = big.post("{ products(limit: 1) { variants { productSizes { EAN GTIN } } } }").json()
    assert body["extensions"]["deprecatedFieldsUsed"] == [
        "Field: ProductSize.GTIN, reason: Use EAN. Date of removal: 2027-06-01"]
    assert body["extensions"]["appVersion"]
    assert body["data"]["products"][0]["variants"][0]["productSizes"][0]["GTIN"] == \
        body["data"]["products"][0]["variants"][0]["productSizes"][0]["EAN"]


def test_given_request_quota_exhausted_when_querying_then_429_with_retry_after_seconds(fake_centra_factory) -> None:
    fake: FakeCentra = fake_centra_factory(orders=20, quota_requests=3)
    client = Client(fake)
    codes = [client.post("{ rateLimits { type } }").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    resp = client.post("{ orders(limit: 1) { id } }")
    assert resp.status_code == 429
    assert resp.json() == {"errors": [{"message": "Too many requests", "extensions": {"category": "rate_limit"}}]}
    assert 1 <= int(resp.headers["Retry-After"]) <= 10
    stats = fake.stats()
    assert stats["throttled_429"] == 2 and stats["graphql_requests"] == 3
    assert stats["by_root_field"] == {"rateLimits": 3}  # throttled requests were not executed


def test_given_http_date_mode_when_throttled_then_retry_after_is_http_date(fake_centra_factory) -> None:
    fake: FakeCentra = fake_centra_factory(orders=20, quota_requests=1, retry_after="http-date")
    client = Client(fake)
    assert client.post("{ rateLimits { type } }").status_code == 200
    resp = client.post("{ rateLimits { type } }")
    assert resp.status_code == 429
    when = parsedate_to_datetime(resp.headers["Retry-After"])
    assert resp.headers["Retry-After"].endswith("GMT")
    assert 0 < when.timestamp() - time.time() <= 12


def test_given_query_costlier_than_whole_quota_when_sent_then_429_for_a_full_window(fake_centra_factory) -> None:
    fake: FakeCentra = fake_centra_factory(orders=20, quota_complexity=1000)
    client = Client(fake)
    resp = client.post("{ orders(limit: 100) { id lines { id } } }")  # 100 x (1 + 10) = 1100 > 1000
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "10"
    assert fake.stats()["graphql_requests"] == 0


def test_given_complexity_budget_when_spent_then_next_query_throttled(fake_centra_factory) -> None:
    fake: FakeCentra = fake_centra_factory(orders=20, quota_complexity=1000)
    client = Client(fake)
    q = "{ markets(limit: 50){ assignedToCountries(limit: 10){ id } } }"  # 550
    assert client.post(q).status_code == 200
    resp = client.post(q)
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1


def test_given_requests_made_when_reading_rate_limits_then_quota_used_and_remaining(fake_centra_factory) -> None:
    fake: FakeCentra = fake_centra_factory(orders=20, quota_requests=60, quota_complexity=250_000)
    client = Client(fake)
    client.post("{ markets(limit: 50){ assignedToCountries(limit: 10){ id } } }")
    rows = client.data("{ rateLimits { type intervalSeconds quota usedQuota remainingQuota } }")["rateLimits"]
    got = {(r["type"], r["intervalSeconds"]): r for r in rows}
    assert set(got) == {(t, i) for t in ("REQUEST_COUNT", "QUERY_COMPLEXITY", "MUTATION_COUNT")
                        for i in ("TEN_SECONDS", "ONE_HOUR")}
    assert got[("REQUEST_COUNT", "TEN_SECONDS")] == {"type": "REQUEST_COUNT", "intervalSeconds": "TEN_SECONDS",
                                                     "quota": 60, "usedQuota": 2, "remainingQuota": 58}
    assert got[("REQUEST_COUNT", "ONE_HOUR")]["quota"] == 5000
    complexity = got[("QUERY_COMPLEXITY", "TEN_SECONDS")]
    assert complexity["quota"] == 250_000 and complexity["usedQuota"] == 550 + 10  # rateLimits: 10 x 1
    assert all(r["usedQuota"] + r["remainingQuota"] == r["quota"] for r in rows)


def test_given_other_integration_when_reading_rate_limits_then_budget_is_shared(fake_centra_factory) -> None:
    fake: FakeCentra = fake_centra_factory(orders=20)
    fake.configure(other_integration_requests_per_10s=50)
    client = Client(fake)
    rows = client.data("{ rateLimits { type intervalSeconds usedQuota } }")["rateLimits"]
    used = {(r["type"], r["intervalSeconds"]): r["usedQuota"] for r in rows}
    assert used[("REQUEST_COUNT", "TEN_SECONDS")] == 51
    codes = [client.post("{ rateLimits { type } }").status_code for _ in range(10)]
    assert codes.count(200) == 9 and codes[-1] == 429


def test_given_sliding_window_when_time_passes_then_quota_frees() -> None:
    now = [1000.0]
    limiter = RateLimiter(requests_10s=2, clock=lambda: now[0])
    assert limiter.acquire(5) is None
    now[0] += 4
    assert limiter.acquire(5) is None
    assert limiter.acquire(5) == pytest.approx(6.0)  # the first request leaves the window at t=1010
    now[0] += 6.01
    assert limiter.acquire(5) is None
