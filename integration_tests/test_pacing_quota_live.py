"""The self-pacer obeys max_rate_limit_wait_seconds (issue 18 item 8), end to end through the CLI.

Another integration has used Centra's hourly request quota (all but the three requests the connector's
introspection, stores list and rateLimits reading take). Before, the pacer let one page through anyway (Centra 429s it) and then
waited for the hour to pass whatever the maximum said; now the reading shows the quota used up and the
stream stops at once with a transient error that says why and when to run again — no page sent, no 429.
"""
from __future__ import annotations

import json
import urllib.request

from integration_tests import cli, scenarios


def _burn(fake, token: str, requests: int) -> None:
    for _ in range(requests):
        body = json.dumps({"query": "{ stores(limit: 1) { id } }"}).encode()
        request = urllib.request.Request(fake.url, body, {"Content-Type": "application/json",
                                                          "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200


def test_given_others_used_up_the_hourly_quota_when_read_then_it_fails_at_once_naming_the_quota(fake_centra_factory):
    fake = fake_centra_factory(orders=40, seed=51, quota_requests=1000, quota_requests_hour=20)
    other = fake.create_token(permissions=None, store_ids=None, name="other integration")
    # the connector's introspection (its probes are planned against the live schema), stores list and
    # rateLimits reading are the 18th, 19th and 20th
    _burn(fake, other, 17)
    fake.reset_stats()
    config = cli.config_for(fake, max_rate_limit_wait_seconds=30)

    result = scenarios.run("read", config, cli.catalog(["orders"]), timeout=120, secrets=[other])

    assert result.exit_code != 0 and result.seconds < 60
    [error] = [e for e in result.errors if e.get("stream_descriptor")]
    assert error["failure_type"] == "transient_error"
    assert "Other integrations used 17 of the hourly 20 requests" in error["message"]
    assert "'Maximum wait for the rate limit' of 30s" in error["message"]
    stats = fake.stats()
    assert stats["throttled_429"] == 0 and "orderConnection" not in stats["by_root_field"], stats
    assert not result.records
