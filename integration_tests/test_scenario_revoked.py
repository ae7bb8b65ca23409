"""Scenario 7 — the token is revoked, or loses Order:read, while a sync pages (page_size 10, 20 ms
latency): the run exits non-zero with a config error that names the problem in a Centra admin's words;
the state it emitted before stays valid, so a sync with a fresh token and that state brings the rest
and the union equals the fake."""
import pytest

from integration_tests import scenarios


@pytest.mark.parametrize("how, words", [
    ("revoke", ["rejected the API token", "System → API tokens"]),
    ("permission", ["Order details (Order:read)", "System → API tokens"]),
], ids=["token-revoked", "order-read-removed"])
def test_given_token_pulled_mid_sync_then_config_error_and_resume_with_fresh_token_loses_nothing(
        fake_centra_factory, how, words):
    outcome = scenarios.revoked(fake_centra_factory, how)
    failed, resumed = outcome.runs

    assert failed.exit_code != 0
    assert failed.records.get("order_items"), "the token was pulled before the sync emitted anything"
    assert failed.last_state_messages(), "no state was emitted before the token was pulled"
    assert failed.errors and failed.errors[0]["failure_type"] == "config_error", failed.errors
    for phrase in words:
        assert phrase in failed.errors[0]["message"], failed.errors[0]["message"]
    stream_errors = [e for e in failed.errors if e.get("stream_descriptor")]
    assert stream_errors and all(e["failure_type"] == "config_error" for e in stream_errors)
    # the state emitted before the failure resumes cleanly with a new token
    assert resumed.exit_code == 0
    outcome.comparison.assert_exact()
    first = {r["order_id"] for r in failed.records["order_items"]}
    again = {r["order_id"] for r in resumed.records["order_items"]}
    assert len(first & again) <= 2 * 10 * 3, "the resumed sync re-read more than the pages in flight"
