"""`check` against the fake Centra: success fast, and each failure case named in a Centra admin's words."""
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integration_tests import cli

ALL_READ = ["Order:read", "Order.shippingAddress:read", "Return:read", "Shipment:read", "Product:read",
            "Market:read", "PaymentHistory:read", "Store:read"]


def check(config):
    result = cli.run("check", config, timeout=60)
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    return result


@pytest.mark.serial  # a wall-clock bound: run alone, not beside the parallel workers
def test_given_valid_config_then_check_succeeds_in_well_under_10s(fake_centra):
    result = check(cli.config_for(fake_centra))
    assert result.connection_status["status"] == "SUCCEEDED"
    assert result.seconds < 10


@pytest.mark.parametrize("url, words", [
    ("http://shop.centra.com/graphql", "plain http"),
    ("shop.centra.com", "not a valid URL"),
], ids=["non-https", "malformed"])
def test_given_bad_endpoint_url_then_failed_with_fix(url, words):
    result = check({"endpoint_url": url, "api_token": "abc"})
    assert result.connection_status["status"] == "FAILED"
    assert words in result.connection_status["message"]


def test_given_unreachable_host_then_failed_naming_host():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    result = check({"endpoint_url": f"http://127.0.0.1:{port}/graphql", "api_token": "abc"})
    message = result.connection_status["message"]
    assert result.connection_status["status"] == "FAILED"
    assert "Could not reach Centra" in message and f"127.0.0.1:{port}" in message


def test_given_unresolvable_host_then_failed_says_not_found():
    result = check({"endpoint_url": "https://no-such-shop.invalid/graphql", "api_token": "abc"})
    assert "could not be found" in result.connection_status["message"]


def test_given_wrong_token_then_failed_says_rejected_and_where_to_make_one(fake_centra):
    result = check({"endpoint_url": fake_centra.url, "api_token": "wrong-token-123"})
    message = result.connection_status["message"]
    assert result.connection_status["status"] == "FAILED"
    assert "rejected the API token" in message and "System → API tokens" in message
    assert "wrong-token-123" not in result.stdout + result.stderr


def test_given_revoked_token_then_failed_says_rejected(fake_centra):
    token = fake_centra.create_token(permissions=ALL_READ)
    fake_centra.revoke_token(token)
    result = check({"endpoint_url": fake_centra.url, "api_token": token})
    assert "rejected the API token" in result.connection_status["message"]


def test_given_missing_permissions_then_all_listed_by_name(fake_centra):
    token = fake_centra.create_token(permissions=["Order:read", "Product:read", "Store:read", "Market:read"])
    result = check({"endpoint_url": fake_centra.url, "api_token": token})
    message = result.connection_status["message"]
    assert result.connection_status["status"] == "FAILED"
    for words in ("Order.shippingAddress", "Return details (Return:read)", "Shipment details (Shipment:read)",
                  "PaymentHistory (PaymentHistory:read)"):
        assert words in message, words
    assert "Product details" not in message


def test_given_store_not_visible_then_named_with_visible_stores(fake_centra):
    token = fake_centra.create_token(permissions=ALL_READ, store_ids=[1])
    result = check({"endpoint_url": fake_centra.url, "api_token": token, "store_ids": [1, 3]})
    message = result.connection_status["message"]
    assert "Store ID 3 is not visible" in message and "Stores it can see: 1 (" in message


def test_given_several_problems_then_reported_in_one_message(fake_centra):
    token = fake_centra.create_token(permissions=["Order:read", "Order.shippingAddress:read", "Store:read"], store_ids=[1])
    result = check({"endpoint_url": fake_centra.url, "api_token": token, "store_ids": [2]})
    message = result.connection_status["message"]
    assert "Return details" in message and "Store ID 2 is not visible" in message


class _Handler(BaseHTTPRequestHandler):
    body = b""
    content_type = "application/json"

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def odd_server():
    servers = []

    def start(body: bytes, content_type: str):
        handler = type("H", (_Handler,), {"body": body, "content_type": content_type})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/graphql"

    yield start
    for server in servers:
        server.shutdown()


@pytest.mark.parametrize("body, content_type, words", [
    (b"<html><body>Welcome to our shop</body></html>", "text/html", "web page (HTML)"),
    (json.dumps({"status": "ok"}).encode(), "application/json", "not a GraphQL response"),
], ids=["html", "non-graphql-json"])
def test_given_endpoint_that_is_not_centra_then_failed_with_fix(odd_server, body, content_type, words):
    result = check({"endpoint_url": odd_server(body, content_type), "api_token": "abc"})
    assert result.connection_status["status"] == "FAILED" and words in result.connection_status["message"]


def test_given_instance_without_shipment_connection_then_check_succeeds_naming_the_list_query_it_reads(fake_centra_factory):
    """An older Centra without shipmentConnection: introspection reveals it; shipments are read through
    the list query instead, and check says so (plan.py)."""
    fake = fake_centra_factory(orders=40, seed=7, schema_drop=["Query.shipmentConnection"])
    status = check(cli.config_for(fake)).connection_status
    assert status["status"] == "SUCCEEDED", status
    assert "Query.shipmentConnection (read through Query.shipments instead" in status["message"]


def test_given_instance_without_a_required_root_then_failed_naming_it_and_its_stream(fake_centra_factory):
    fake = fake_centra_factory(orders=40, seed=7, schema_drop=["Query.orderPaymentHistory"])
    status = check(cli.config_for(fake)).connection_status
    assert status["status"] == "FAILED"
    assert "Query.orderPaymentHistory" in status["message"] and "payment_history" in status["message"]
