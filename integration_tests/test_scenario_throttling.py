"""Scenario 1 — throttling: Centra answers 429 (Retry-After as delta-seconds and as an HTTP-date) because
another integration spends the shared quota; the connector waits as asked and loses nothing. When the
quota stays exhausted, the wait is bounded: the sync fails with a transient error instead of hanging."""
import pytest

from integration_tests import scenarios


# the HTTP-date form is parsed in unit_tests/test_client.py; its whole scenario (~40 s) runs with the long suites
@pytest.mark.parametrize("retry_after", ["seconds", pytest.param("http-date", marks=pytest.mark.heavy)])
def test_given_429s_with_retry_after_then_waits_as_asked_and_result_is_exact(fake_centra_factory, retry_after):
    outcome = scenarios.throttling(fake_centra_factory, retry_after)

    outcome.comparison.assert_exact()
    assert outcome.comparison.duplicates == 0
    served = outcome.extra["served"]
    assert served, "the connector never ran into a 429: the scenario did not test throttling"
    assert outcome.fake.stats()["throttled_429"] >= len(served)
    # one "waiting Ns as Centra asks (Retry-After)" log line per 429, each for what that 429 asked
    waits = outcome.extra["waits"]
    assert len(waits) == len(served), (waits, served)
    for waited, (value, at) in zip(waits, served):
        asked = scenarios.asked_seconds(value, at)
        if retry_after == "seconds":
            assert waited == pytest.approx(asked), (waited, value)
        else:  # an HTTP-date has whole seconds: the wait is the date minus Centra's Date header
            assert abs(waited - asked) <= 1.0, (waited, value)
    usage = [line for line in scenarios.logs(outcome.runs[0]) if "rate-limit waits" in line]
    assert usage and f"{len(served)} rate-limit waits" in usage[-1]


def test_given_quota_stays_exhausted_then_fails_transient_within_bounded_time(fake_centra_factory):
    outcome = scenarios.throttling_bounded(fake_centra_factory)
    failed, resumed = outcome.runs

    assert failed.exit_code != 0
    # every stream's error (and so the first error, the one Airbyte reports) is transient; the CDK's closing
    # "did not sync successfully" summary is always config_error and only repeats them
    stream_errors = [e for e in failed.errors if e.get("stream_descriptor")]
    assert stream_errors and all(e["failure_type"] == "transient_error" for e in stream_errors), failed.errors
    assert failed.errors[0]["failure_type"] == "transient_error"
    first = failed.errors[0]["message"]
    assert "rate limit stayed exhausted" in first and "maximum of 12s" in first, first
    # it waited what Centra asked once (10 s) and gave up at the bound: no hang
    assert 9 <= outcome.extra["failed_seconds"] < 30
    assert not failed.records
    # nothing lost: once the quota is free, the next sync brings everything
    outcome.comparison.assert_exact()
