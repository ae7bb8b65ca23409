"""Scenario 8 — bad input: a malformed or foreign state, a start date in the future or not a date, a page
size out of range, an endpoint that answers HTML or JSON that is not GraphQL. `read` (and `check` where it
applies) must give a clear error in the user's words with the exit code Airbyte expects (check: 0 with
status FAILED; read: non-zero with a TRACE error), and never a Python traceback in stdout or stderr."""
import pytest

from integration_tests import scenarios

NO_TRACEBACK = (
    "BUG source_centra/run.py run(): every failed read prints Python tracebacks to stdout. The CDK logs each "
    "stream failure with logger.exception ('Encountered an exception while reading stream ...', "
    "abstract_source.py), and the closing 'did not sync successfully' AirbyteTracedException (and any error "
    "raised before streams run: config, state file) reaches sys.excepthook, which logs it FATAL with exc_info "
    "and emits a TRACE with stack_trace. Fix: in run(), catch AirbyteTracedException around "
    "entrypoint.run(), print its as_airbyte_message() with trace.error.stack_trace=None and exit 1; and add a "
    "logging.Filter on the 'airbyte' logger that drops exc_info from records whose exception is a CentraError.")
NOT_JSON_STATE = (
    "BUG (CDK before our code) airbyte_cdk Source.read_state: a --state file that is not JSON, or a JSON object "
    "that is not a list of Airbyte state messages, fails with 'Something went wrong in the connector' / "
    "'Schema validation failed' (system_error, stack trace). Fix: override SourceCentra.read_state(state_path) "
    "to catch these errors and raise ConfigError(\"The saved state is not valid JSON / not Airbyte state "
    "messages ... Reset the connection's state in Airbyte, or restore the state the connector last emitted.\")")


@pytest.fixture(scope="module")
def odd():
    with scenarios.OddServer() as url:
        yield url


@pytest.fixture(scope="module")
def fake():
    from fake_centra import FakeCentra

    fake = FakeCentra(orders=30, seed=32)
    fake.start()
    yield fake
    fake.stop()


CASES = scenarios.BAD_INPUT
UNCLEAR = {"state-not-json", "state-foreign-object"}


def _read(case, fake, odd):
    return scenarios.bad_input_read(case, fake, odd)


def _params(cases, xfail=(), reason=""):
    return [pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=reason)) if c in xfail else c for c in cases]


@pytest.mark.parametrize("case", _params(CASES, UNCLEAR, NOT_JSON_STATE))
def test_given_bad_input_when_read_then_clear_config_error_and_non_zero_exit(case, fake, odd):
    result = _read(case, fake, odd)

    assert result.exit_code != 0
    assert not result.records
    assert result.errors, result.stdout[-2000:]
    first = result.errors[0]
    assert first["failure_type"] == "config_error", first
    for phrase in CASES[case][2]:
        assert phrase in first["message"], (phrase, first["message"])


@pytest.mark.parametrize("case", _params(CASES, [c for c in CASES if c not in ("start-date-future", "start-date-unparsable", "page-size-0", "page-size-500")], NO_TRACEBACK))
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
