"""Scenario 9 — secrets: the API token never appears in any byte of stdout or stderr. Every CLI run of the
scenario suite goes through `scenarios.run`, which asserts it (`assert_no_secret`); here additionally with
--debug logging, on the failure paths, and against servers that echo the token back."""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from integration_tests import cli, scenarios

TOKEN = scenarios.SECRET_TOKEN


def test_given_the_suite_then_every_scenario_runs_the_cli_through_the_secret_check():
    for path in sorted(Path(__file__).parent.glob("test_scenario_*.py")):
        source = path.read_text()
        assert not re.search(r"\bcli\.run\(", source), f"{path.name} runs the CLI without the secret check"


def test_given_a_leak_then_the_check_catches_it():
    leaked = cli.Run(0, f'{{"type":"LOG","log":{{"message":"Bearer {TOKEN}"}}}}\n', "", 0.0)
    with pytest.raises(AssertionError):
        scenarios.assert_no_secret(leaked, TOKEN)


def test_given_debug_logging_with_faults_then_token_never_printed(fake_centra_factory):
    outcome = scenarios.debug_with_faults(fake_centra_factory)  # scenarios.run asserts the token is absent
    result = outcome.runs[0]
    assert result.of_type("DEBUG"), "--debug did not turn on debug messages"
    assert sum(outcome.fake.stats()["faults"].values()) >= 3
    outcome.comparison.assert_exact()


@pytest.mark.parametrize("command", ["check", "read", "discover"])
def test_given_debug_and_revoked_token_then_token_never_printed(fake_centra_factory, command):
    fake = fake_centra_factory(orders=30, seed=34)
    token = fake.create_token(name="to revoke")
    fake.revoke_token(token)
    config = cli.config_for(fake, api_token=token)
    result = scenarios.run(command, config, cli.catalog(["orders"]) if command == "read" else None, debug=True)
    if command == "check":
        assert "rejected the API token" in result.connection_status["message"]
    elif command == "read":
        assert result.exit_code != 0 and "rejected the API token" in result.errors[0]["message"]


class _Echo(BaseHTTPRequestHandler):
    """A broken gateway that echoes the request's headers in its error page or its GraphQL error."""

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization", "")
        if "/400/" in self.path:
            status, body = 400, f"Bad request. Headers: Authorization: {auth}".encode()
        elif "/500/" in self.path:
            status, body = 500, f"upstream failed for {auth}".encode()
        else:
            status, body = 200, json.dumps({"errors": [{"message": f"Unknown token {auth}"}], "data": None}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def echo():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# (a read against a server answering 500 to everything retries for minutes, by design: check only)
@pytest.mark.parametrize("command, kind", [("check", "400"), ("check", "500"), ("check", "graphql"),
                                           ("read", "400"), ("read", "graphql")])
def test_given_server_echoes_the_token_then_it_is_still_never_printed(echo, kind, command):
    config = {"endpoint_url": f"{echo}/{kind}/graphql", "api_token": TOKEN}
    result = scenarios.run(command, config, cli.catalog(["orders"]) if command == "read" else None, debug=True,
                           timeout=120, secrets=[TOKEN])
    if command == "read":
        assert result.exit_code != 0
    else:
        assert result.connection_status["status"] == "FAILED"
