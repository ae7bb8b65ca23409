"""The ``fake-centra serve`` CLI and the admin HTTP route."""

from __future__ import annotations

import signal
import subprocess
import sys

import requests
from fake_client import Client

from fake_centra import FakeCentra


def test_given_serve_with_port_zero_when_started_then_prints_endpoint_token_and_answers() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "fake_centra", "serve", "--port", "0", "--orders", "200",
                             "--seed", "3", "--quota-requests", "100", "--retry-after", "http-date"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        endpoint_line = proc.stdout.readline().strip()
        token_line = proc.stdout.readline().strip()
        secret_line = proc.stdout.readline().strip()
        assert endpoint_line.startswith("endpoint: http://127.0.0.1:") and endpoint_line.endswith("/graphql")
        assert token_line.startswith("token: ") and len(token_line.split()[1]) == 48
        assert secret_line.startswith("admin_secret: ")
        url, token = endpoint_line.split()[1], token_line.split()[1]
        resp = requests.post(url, json={"query": "{ orders(limit: 3) { number } rateLimits { type quota } }"},
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert resp.status_code == 200
        assert [o["number"] for o in resp.json()["data"]["orders"]] == [100001, 100002, 100003]
        assert {"type": "REQUEST_COUNT", "quota": 100} in resp.json()["data"]["rateLimits"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_given_fixed_token_option_when_serving_then_that_token_works() -> None:
    cmd = [sys.executable, "-m", "fake_centra", "serve", "--orders", "10", "--token", "fixed-token-123"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().split()[1]
        assert proc.stdout.readline().strip() == "token: fixed-token-123"
        resp = requests.post(url, json={"query": "{ stores { id } }"},
                             headers={"Authorization": "Bearer fixed-token-123"}, timeout=10)
        assert resp.json()["data"]["stores"] == [{"id": 1}, {"id": 2}, {"id": 3}]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _admin(fake: FakeCentra, action: str, body: dict, secret: str | None) -> requests.Response:
    headers = {"X-Admin-Secret": secret} if secret is not None else {}
    return requests.post(fake.url.replace("/graphql", f"/admin/{action}"), json=body, headers=headers, timeout=10)


def test_given_no_or_wrong_secret_when_calling_admin_then_403(fake_centra: FakeCentra) -> None:
    assert _admin(fake_centra, "stats", {}, None).status_code == 403
    assert _admin(fake_centra, "create_order", {}, "wrong").status_code == 403
    assert fake_centra.data.count_orders() == 300


def test_given_secret_when_calling_admin_then_actions_apply(fake_centra: FakeCentra) -> None:
    s = fake_centra.admin_secret
    oid = _admin(fake_centra, "create_order", {"store_id": 1}, s).json()["result"]
    assert fake_centra.data.order(oid)["store_id"] == 1
    assert _admin(fake_centra, "update_order", {"order_id": oid, "status": "CONFIRMED"}, s).status_code == 200
    assert fake_centra.data.order(oid)["status"] == "CONFIRMED"
    tok = _admin(fake_centra, "create_token", {"permissions": ["Store:read"], "store_ids": [1]}, s).json()["result"]
    client = Client(fake_centra)
    assert client.data("{ stores { id } }", token=tok) == {"stores": [{"id": 1}]}
    _admin(fake_centra, "set_permissions", {"token": tok, "permissions": []}, s)
    assert client.post("{ stores { id } }", token=tok).json()["errors"][0]["extensions"]["category"] == "authorization"
    _admin(fake_centra, "revoke_token", {"token": tok}, s)
    assert client.post("{ stores { id } }", token=tok).status_code == 401
    _admin(fake_centra, "configure", {"faults": {"http_503": 1.0}}, s)
    assert client.post("{ stores { id } }").status_code == 503
    _admin(fake_centra, "configure", {"faults": {"http_503": 0.0}}, s)
    stats = _admin(fake_centra, "stats", {}, s).json()["result"]
    assert stats["faults"]["http_503"] == 1 and stats["unauthorized_401"] == 1


def test_given_bad_action_or_kwargs_when_calling_admin_then_404_or_400(fake_centra: FakeCentra) -> None:
    s = fake_centra.admin_secret
    assert _admin(fake_centra, "drop_database", {}, s).status_code == 404
    assert _admin(fake_centra, "update_order", {"order_id": "nope"}, s).status_code == 400
    assert _admin(fake_centra, "create_order", {"colour": "red"}, s).status_code == 400
