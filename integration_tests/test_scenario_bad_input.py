"""Scenario 8 — bad input: a malformed or foreign state, a start date in the future or not a date, a page
size out of range, an endpoint that answers HTML or JSON that is not GraphQL. `read` (and `check` where it
applies) must give a clear error in the user's words with the exit code Airbyte expects (check: 0 with
status FAILED; read: non-zero with a TRACE error), and never a Python traceback in stdout or stderr."""
import pytest

from integration_tests import scenarios

@pytest.fixture(scope="module")
def odd():
    with scenarios.OddServer() as url:
        yield url


@pytest.fixture(scope="module")
def fake(fake_centra_factory_module):
    return fake_centra_factory_module(orders=30, seed=32)


CASES = scenarios.BAD_INPUT


def _read(case, fake, odd):
    return scenarios.bad_input_read(case, fake, odd)


# Regression: until SourceCentra.read_state caught them, a --state file that is not JSON, or a JSON object that
# is not a list of Airbyte state messages, failed inside the CDK with "Something went wrong in the connector" /
# "Schema validation failed" (system_error, with a stack trace).
@pytest.mark.parametrize("case", list(CASES))
def test_given_bad_input_when_read_then_clear_config_error_and_non_zero_exit(case, fake, odd):
    result = _read(case, fake, odd)

    assert result.exit_code != 0
    assert not result.records
    assert result.errors, result.stdout[-2000:]
    first = result.errors[0]
    assert first["failure_type"] == "config_error", first
    for phrase in CASES[case][2]:
        assert phrase in first["message"], (phrase, first["message"])


# Regression: until run.py caught AirbyteTracedException (eb069fc) and filtered exc_info of CentraErrors out of
# the CDK's logger.exception('Encountered an exception while reading stream ...'), every failed read printed
# Python tracebacks (FATAL and ERROR LOG messages, stack_trace in the TRACE).
@pytest.mark.parametrize("case", list(CASES))
def test_given_bad_input_when_read_then_no_python_traceback(case, fake, odd):
    result = _read(case, fake, odd)
    assert result.exit_code != 0
    assert not scenarios.has_traceback(result), "a Python traceback in the output"
    assert not any(e.get("stack_trace") for e in result.errors)


@pytest.mark.parametrize("case", [c for c, spec in CASES.items() if spec[3]])
def test_given_bad_input_when_check_then_failed_status_in_users_words_without_traceback(case, fake, odd):
    result = scenarios.run("check", scenarios.bad_input_config(case, fake, odd), timeout=60)

    assert result.exit_code == 0
    status = result.connection_status
    assert status["status"] == "FAILED"
    for phrase in CASES[case][2]:
        assert phrase in status["message"], (phrase, status["message"])
    assert not scenarios.has_traceback(result)
