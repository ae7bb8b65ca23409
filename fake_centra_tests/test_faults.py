"""Each injected fault kind, at rate 1.0, and fixed latency."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests
from fake_client import Client

from fake_centra import FakeCentra

QUERY = "{ orders(limit: 20) { id number lines { id } } }"


def _fake(factory, **faults: float) -> tuple[FakeCentra, Client]:
    fake = factory(orders=30, seed=3, quota_requests=10**6)
    fake.configure(faults=faults, slow_seconds=0.3)
    return fake, Client(fake)


@pytest.mark.parametrize("kind,status", [("http_500", 500), ("http_502", 502), ("http_503", 503)])
def test_given_http_fault_when_querying_then_that_status_with_json_or_html(fake_centra_factory, kind, status) -> None:
    fake, client = _fake(fake_centra_factory, **{kind: 1.0})
    first, second = client.post(QUERY), client.post(QUERY)
    assert first.status_code == second.status_code == status
    types = {first.headers["Content-Type"].split(";")[0], second.headers["Content-Type"].split(";")[0]}
    assert types == {"text/html", "application/json"}  # alternates between the two body styles
    assert fake.stats()["faults"][kind] == 2 and fake.stats()["graphql_requests"] == 0


def test_given_reset_fault_when_querying_then_connection_dropped_without_response(fake_centra_factory) -> None:
    fake, client = _fake(fake_centra_factory, reset=1.0)
    with pytest.raises(requests.exceptions.ConnectionError):
        client.post(QUERY)
    # at socket level: no status line at all
    host, port = fake.url.split("//")[1].split("/")[0].split(":")
    body = json.dumps({"query": QUERY}).encode()
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + f"Authorization: Bearer {fake.token}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        try:
            received = s.recv(1024)
        except ConnectionResetError:
            received = b""
    assert received == b""
    assert fake.stats()["faults"]["reset"] == 2


def test_given_slow_fault_when_querying_then_delayed_but_correct(fake_centra_factory) -> None:
    fake, client = _fake(fake_centra_factory, slow=1.0)
    t = time.perf_counter()
    data = client.data(QUERY)
    assert time.perf_counter() - t >= 0.3
    assert len(data["orders"]) == 20
    assert fake.stats()["faults"]["slow"] == 1


def test_given_graphql_internal_fault_when_querying_then_200_with_internal_error(fake_centra_factory) -> None:
    fake, client = _fake(fake_centra_factory, graphql_internal=1.0)
    resp = client.post(QUERY)
    assert resp.status_code == 200
    assert resp.json() == {"errors": [{"message": "Internal server error", "extensions": {"category": "internal"}}],
                           "data": None}


def test_given_truncated_fault_when_querying_then_half_a_json_body_with_matching_length(fake_centra_factory) -> None:
    fake, client = _fake(fake_centra_factory, truncated=1.0)
    resp = client.post(QUERY)
    assert resp.status_code == 200
    assert int(resp.headers["Content-Length"]) == len(resp.content) > 0
    with pytest.raises(ValueError):
        json.loads(resp.content)
    fake.configure(faults={"truncated": 0.0})
    full = client.post(QUERY).content
    assert full.startswith(resp.content) and len(resp.content) == len(full) // 2


def test_given_fault_rate_when_many_requests_then_all_kinds_counted_and_some_succeed(fake_centra_factory) -> None:
    fake = fake_centra_factory(orders=30, seed=3, quota_requests=10**6, fault_rate=0.7)
    fake.configure(faults={"slow": 0.0, "reset": 0.0})
    client = Client(fake)
    codes = [client.post("{ rateLimits { type } }").status_code for _ in range(80)]
    faults = fake.stats()["faults"]
    assert codes.count(200) > 0 and {500, 502, 503} & set(codes)
    assert sum(faults.values()) > 20 and faults["reset"] == faults["slow"] == 0


def test_given_latency_when_querying_then_every_request_is_delayed(fake_centra_factory) -> None:
    fake = fake_centra_factory(orders=30, latency_ms=150)
    client = Client(fake)
    t = time.perf_counter()
    assert client.post("{ rateLimits { type } }").status_code == 200
    assert client.post("{ x }", token="bad").status_code == 401
    assert time.perf_counter() - t >= 0.3


def test_given_same_seed_when_faults_drawn_then_same_sequence(fake_centra_factory) -> None:
    runs = []
    for _ in range(2):
        fake = fake_centra_factory(orders=10, seed=11, quota_requests=10**6, fault_rate=0.5)
        fake.configure(faults={"slow": 0.0, "reset": 0.0})
        client = Client(fake)
        runs.append([client.post("{ rateLimits { type } }").status_code for _ in range(30)])
    assert runs[0] == runs[1]
