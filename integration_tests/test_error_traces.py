"""TRACE errors of the real CLI: system and transient errors carry a stack trace and an internal message
for whoever debugs the connector, the user message stays the clean one, and the API token is in none of
them. (Config errors carry no stack trace: test_scenario_bad_input.py.)"""
from __future__ import annotations

import json

from fake_centra.engine import Response
from integration_tests import cli, scenarios


def _answer_reads_with_http_400_echoing_the_token(fake) -> None:
    """The fake answers every orders query with an HTTP 400 (a status the error table maps to a system error)
    whose body quotes the request's Authorization header, as a misbehaving proxy might."""
    original = fake.engine.handle

    def handle(headers, body):
        if b"orderConnection" not in body and b"orders(" not in body:
            return original(headers, body)
        echo = dict(headers).get("Authorization", "")
        return Response(400, json.dumps({"errors": [{"message": f"Bad request ({echo})"}]}).encode())

    fake.engine.handle = handle


def _stream_errors(result: cli.Run, failure_type: str) -> list[dict]:
    errors = [e for e in result.errors if e.get("stream_descriptor")]
    assert errors and all(e["failure_type"] == failure_type for e in errors), result.errors
    return errors


def _assert_debuggable_and_clean(error: dict, token: str, message_start: str) -> None:
    assert error["message"].startswith(message_start), error["message"]
    assert "Traceback" not in error["message"]
    assert error.get("internal_message")
    stack = error.get("stack_trace") or ""
    assert stack.startswith("Traceback (most recent call last)"), stack[:200]
    assert "source_centra" in stack, "the stack trace names none of the connector's frames"
    for field in ("message", "internal_message", "stack_trace"):
        assert token not in (error.get(field) or ""), f"the API token is in the TRACE's {field}"


def test_given_system_error_when_read_then_trace_has_stack_trace_and_no_token(fake_centra_factory):
    fake = fake_centra_factory(orders=30, seed=41, **scenarios.FAST)
    _answer_reads_with_http_400_echoing_the_token(fake)

    result = scenarios.run("read", cli.config_for(fake), cli.catalog(["orders"]), timeout=120)  # asserts no token

    assert result.exit_code != 0
    [error] = _stream_errors(result, "system_error")
    _assert_debuggable_and_clean(error, fake.token, "Centra answered with an unexpected HTTP 400.")
    assert "****" in error["message"], "the echoed token was not masked"


def test_given_transient_error_when_read_then_every_trace_has_stack_trace_and_no_token(fake_centra_factory):
    # the shared quota is used up by another integration, and the sync may wait at most 1 s for it
    fake = fake_centra_factory(orders=30, seed=42, quota_requests=10, other_integration_requests_per_10s=10)
    config = cli.config_for(fake, rate_limit_share=1.0, max_rate_limit_wait_seconds=1)

    result = scenarios.run("read", config, cli.catalog(["orders"]), timeout=120)  # asserts no token

    assert result.exit_code != 0
    [error] = _stream_errors(result, "transient_error")
    _assert_debuggable_and_clean(error, fake.token, "Centra's API rate limit stayed exhausted")
    # the closing summary is transient too (every stream failure was) and keeps its stack trace as well
    summary = result.errors[-1]
    assert summary["failure_type"] == "transient_error" and not summary.get("stream_descriptor")
    assert (summary.get("stack_trace") or "").startswith("Traceback (most recent call last)")
    assert fake.token not in json.dumps(result.errors)
