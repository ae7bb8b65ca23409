"""Building blocks of the "no data lost" scenarios (integration_tests/test_scenario_*.py, bench/scenarios_table.py).

Every scenario runs the real `source-centra` CLI (integration_tests/cli.py) against the in-process
fake Centra and compares what the connector emitted with the fake's own data (never with connector
code). A scenario function takes `make_fake` (the `fake_centra_factory` fixture, or any callable
returning a started FakeCentra) and returns an `Outcome`: the runs, the comparison with the fake and
the numbers of the scenarios table. Tests assert on the outcome; the bench prints it.

Every CLI run goes through `run()`, which asserts that the API token never appears in stdout or
stderr (`assert_no_secret`).
"""
from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Callable, Iterable

import requests

from integration_tests import cli
from integration_tests.expected import STREAM_KEYS, record_keys, utc

ORDER_STREAMS = ["order_items", "orders"]
STORE_STREAMS = ["order_items", "orders", "return_items", "returns", "shipments", "payment_history"]
FAST = {"quota_requests": 1000, "quota_complexity": 10_000_000}  # pacing is not what these scenarios test
ALL_READ = ["Order:read", "Order.shippingAddress:read", "Return:read", "Shipment:read", "Product:read",
            "Market:read", "PaymentHistory:read", "Store:read"]
WAIT_LOG = re.compile(r"waiting (?P<seconds>[\d.]+)s as Centra asks")


# ---------------------------------------------------------------- running the CLI, secrets

def assert_no_secret(result: cli.Run, *secrets: str) -> None:
    """No byte of the run's stdout or stderr contains a secret (the API token)."""
    for secret in secrets:
        if not secret or len(secret) < 6:
            continue
        for name, text in (("stdout", result.stdout), ("stderr", result.stderr)):
            assert secret not in text, f"the API token appears in {name} (at {text.index(secret)})"
            assert secret.encode() not in text.encode("utf-8", "surrogateescape")


def run(command: str, config: dict | None = None, catalog_: dict | None = None, state: list | None = None, *,
        state_text: str | None = None, debug: bool = False, timeout: float = 300,
        kill_after_records: int | tuple | None = None, secrets: Iterable[str] = ()) -> cli.Run:
    """`cli.run`, plus a raw (possibly malformed) --state file and --debug; always checks for leaked tokens."""
    if state_text is None and not debug:
        result = cli.run(command, config, catalog_, state, timeout=timeout, kill_after_records=kill_after_records)
    else:
        result = _run_raw(command, config, catalog_, state, state_text, debug, timeout, kill_after_records)
    assert_no_secret(result, *(config or {}).get("api_token", "").split(), *secrets)
    return result


def _run_raw(command, config, catalog_, state, state_text, debug, timeout, kill_after_records) -> cli.Run:
    with tempfile.TemporaryDirectory() as tmp:
        args = [str(cli.BIN), command] + (["--debug"] if debug else [])
        files = {"config": config, "catalog": catalog_, "state": state}
        for flag, content in files.items():
            if flag == "state" and state_text is not None:
                text = state_text
            elif content is None:
                continue
            else:
                text = json.dumps(content)
            path = Path(tmp) / f"{flag}.json"
            path.write_text(text)
            args += [f"--{flag}", str(path)]
        started = time.monotonic()
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        if kill_after_records is None:
            stdout, stderr = process.communicate(timeout=timeout)
        else:
            stdout, stderr = cli._read_until_killed(process, kill_after_records, timeout)
        result = cli.Run(process.returncode, stdout, stderr, time.monotonic() - started)
        for line in stdout.splitlines():
            if line.strip().startswith("{"):
                try:
                    result.messages.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
        return result


def logs(result: cli.Run, level: str | None = None) -> list[str]:
    return [m["log"]["message"] for m in result.of_type("LOG") if level is None or m["log"]["level"] == level]


def has_traceback(result: cli.Run) -> bool:
    return "Traceback (most recent call last)" in result.stdout + result.stderr


# ---------------------------------------------------------------- watching the fake

class ResponseLog:
    """Every answer of the fake: (token, HTTP status, Retry-After header, unix time). Wraps Engine.handle."""

    def __init__(self, fake):
        from fake_centra.auth import token_from_headers

        self.entries: list[tuple[str | None, int, str | None, float]] = []
        self._lock = threading.Lock()
        original = fake.engine.handle

        def handle(headers, body):
            response = original(headers, body)
            retry_after = dict(response.headers).get("Retry-After")
            with self._lock:
                self.entries.append((token_from_headers(headers), response.status, retry_after, time.time()))
            return response

        fake.engine.handle = handle

    def throttled(self, token: str) -> list[tuple[str, float]]:
        """(Retry-After, time) of every 429 the fake served to `token`."""
        with self._lock:
            return [(ra, at) for tok, status, ra, at in self.entries if tok == token and status == 429]

    def statuses(self, token: str) -> list[int]:
        with self._lock:
            return [status for tok, status, _, _ in self.entries if tok == token]


def watch(fake) -> ResponseLog:
    if not hasattr(fake, "_scenario_log"):
        fake._scenario_log = ResponseLog(fake)
    return fake._scenario_log


class OtherIntegration:
    """Another integration of the same merchant (its own token), sharing Centra's request quota: each time the
    connector has had `at_requests[i]` requests answered, it spends all of the quota that is left with a burst
    of requests until Centra answers it 429 (like an ERP job kicking in). The connector cannot see it coming,
    so its next request runs into a 429 and must honour Retry-After."""

    def __init__(self, fake, watched_token: str, at_requests: Iterable[int] = (3, 8)):
        self.fake = fake
        self.token = fake.create_token(name="other integration")
        self.watched = watched_token
        self.at_requests = sorted(at_requests)
        self.sent = self.throttled = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="other-integration", daemon=True)

    def __enter__(self) -> "OtherIntegration":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        session = requests.Session()
        log = watch(self.fake)
        pending = list(self.at_requests)
        while pending and not self._stop.wait(0.005):
            if sum(1 for status in log.statuses(self.watched) if status == 200) < pending[0]:
                continue
            pending.pop(0)
            for _ in range(1000):
                try:
                    response = session.post(self.fake.url, json={"query": "{ stores { id } }"},
                                            headers={"Authorization": f"Bearer {self.token}"}, timeout=10)
                except requests.RequestException:
                    break
                self.sent += 1
                if response.status_code == 429:
                    self.throttled += 1
                    break


def spread_faults(fake, rate: float = 0.10, slow_seconds: float = 0.3) -> None:
    """`rate` of the requests faulted (the fake's own seeded draw), each fault the next kind in turn, so
    every kind the fake injects (5xx with JSON and HTML bodies, resets, slow answers, GraphQL internal
    errors, truncated bodies) is exercised even in a short sync."""
    from fake_centra.faults import FAULT_KINDS

    fake.configure(fault_rate=rate, slow_seconds=slow_seconds)
    injector = fake.fault_injector
    draw = injector.pick
    kinds = itertools.cycle(FAULT_KINDS)
    lock = threading.Lock()

    def pick():
        if draw() is None:
            return None
        with lock:
            return next(kinds)

    injector.pick = pick


def when(condition: Callable[[], bool], then: Callable[[], Any], timeout: float = 120) -> threading.Thread:
    """Run `then()` in a thread as soon as `condition()` holds (polled every 10 ms)."""
    def wait():
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                then()
                return
            time.sleep(0.01)

    thread = threading.Thread(target=wait, daemon=True)
    thread.start()
    return thread


# ---------------------------------------------------------------- what Centra holds vs what was emitted

def _since(value, since: datetime | None) -> bool:
    return since is None or (value is not None and value >= since)


def expected(fake, stream: str, stores: set[int] | None = None, since: datetime | None = None) -> dict:
    """key → the fake's object (order / (order, line) / return / ...) for one stream, optionally for some
    stores and with the stream's cursor at or after `since` (start_date)."""
    data = fake.data
    keep = (lambda s: True) if not stores else (lambda s: s in stores)
    if stream == "orders":
        return {o["id"]: o for o in data.orders() if keep(o["store_id"]) and _since(o["updated_at"], since)}
    if stream == "order_items":
        return {(o["id"], line["id"]): (o, line) for o in data.orders()
                if keep(o["store_id"]) and _since(o["updated_at"], since) for line in o["lines"]}
    if stream == "returns":
        return {r["id"]: r for r in data.returns() if keep(r["store_id"]) and _since(r["created_at"], since)}
    if stream == "return_items":
        return {(r["id"], line["id"]): (r, line) for r in data.returns()
                if keep(r["store_id"]) and _since(r["created_at"], since) for line in r["lines"]}
    if stream == "shipments":
        return {s["id"]: s for s in data.shipments() if keep(s["store_id"]) and _since(s["updated_at"], since)}
    if stream == "payment_history":
        return {p["id"]: p for p in data.payments() if keep(p["store_id"]) and _since(p["created_at"], since)}
    if stream == "products":
        return {p["id"]: p for p in data.products() if _since(p["updated_at"], since)}
    if stream == "markets":
        return {m["id"]: m for m in data.markets() if keep(m["store_id"])}
    if stream == "stores":
        return {s["id"]: s for s in data.stores() if keep(s["id"])}
    raise KeyError(stream)


def stale_fields(stream: str, record: dict, truth: Any, returns_since: datetime | None) -> list[str]:
    """Fields of the last emitted version that differ from what Centra holds now (a lost update)."""
    checks: list[tuple[str, Any, Any]] = []
    if stream == "orders":
        checks = [("updated_at", record["updated_at"], utc(truth["updated_at"])), ("status", record["status"], truth["status"])]
    elif stream == "order_items":
        order, line = truth
        checks = [("order_updated_at", record["order_updated_at"], utc(order["updated_at"])),
                  ("order_status", record["order_status"], order["status"]),
                  ("quantity", record["quantity"], line["quantity"]),
                  ("cancelled_quantity", record["cancelled_quantity"], line["cancelled_quantity"]),
                  ("returned_quantity", record["returned_quantity"], line["returned_quantity"])]
    elif stream == "shipments":
        checks = [("updated_at", record["updated_at"], utc(truth["updated_at"]))]
    elif stream == "returns" and returns_since is not None and truth["created_at"] >= returns_since:
        # returns have no updatedAt: status changes arrive only within returns_lookback_days (contract)
        checks = [("return_status", record["return_status"], truth["return_status"])]
    return [f"{name}: emitted {got!r}, Centra has {want!r}" for name, got, want in checks if got != want]


@dataclass
class Comparison:
    expected: int = 0
    emitted: int = 0
    unique: int = 0
    missing: dict = field(default_factory=dict)  # stream -> sorted missing keys
    invented: dict = field(default_factory=dict)  # stream -> keys Centra does not hold
    stale: dict = field(default_factory=dict)  # stream -> {key: [field differences]}

    @property
    def lost(self) -> int:
        return sum(len(v) for v in self.missing.values()) + sum(len(v) for v in self.stale.values())

    @property
    def duplicates(self) -> int:
        return self.emitted - self.unique

    def describe(self) -> str:
        parts = []
        for label, table in (("missing", self.missing), ("invented", self.invented), ("stale", self.stale)):
            for stream, items in table.items():
                if items:
                    sample = list(items.items())[:3] if isinstance(items, dict) else list(items)[:5]
                    parts.append(f"{stream}: {len(items)} {label}, e.g. {sample}")
        return "; ".join(parts) or "union equals the fake"

    def assert_exact(self, streams: Iterable[str] | None = None) -> None:
        streams = set(streams) if streams is not None else None
        bad = [s for table in (self.missing, self.invented, self.stale) for s, items in table.items()
               if items and (streams is None or s in streams)]
        assert not bad, self.describe()


def union(runs: Iterable[cli.Run]) -> dict[str, dict]:
    """Append + Deduped: the last emitted version per primary key, over runs in order."""
    merged: dict[str, dict] = {stream: {} for stream in STREAM_KEYS}
    for result in runs:
        for stream, records in result.records.items():
            merged[stream].update(zip(record_keys(records, stream), records))
    return merged


def compare(fake, runs: list[cli.Run], streams: Iterable[str], stores: set[int] | None = None,
            since: datetime | None = None, returns_since: datetime | None = None) -> Comparison:
    merged = union(runs)
    result = Comparison()
    for stream in streams:
        truth = expected(fake, stream, stores, since)
        got = merged[stream]
        emitted = [r for run_ in runs for r in run_.records.get(stream, [])]
        result.expected += len(truth)
        result.emitted += len(emitted)
        result.unique += len(got)
        result.missing[stream] = sorted(set(truth) - set(got), key=str)
        result.invented[stream] = sorted(set(got) - set(truth), key=str)
        result.stale[stream] = {key: diff for key in set(truth) & set(got)
                                if (diff := stale_fields(stream, got[key], truth[key], returns_since))}
    return result


def state_of(states: list[dict], stream: str) -> dict | None:
    for state in states:
        if state["stream"]["stream_descriptor"]["name"] == stream:
            return state["stream"]["stream_state"]
    return None


def error_messages(result: cli.Run) -> list[tuple[str, str]]:
    """(failure_type, message) of every TRACE error."""
    return [(e.get("failure_type"), e.get("message", "")) for e in result.errors]


# ---------------------------------------------------------------- outcome of a scenario

@dataclass
class Outcome:
    name: str
    fake: Any
    runs: list
    comparison: Comparison
    seconds: float
    token: str
    extra: dict = field(default_factory=dict)

    @property
    def throttled(self) -> int:
        return len(watch(self.fake).throttled(self.token)) + sum(
            len(watch(self.fake).throttled(t)) for t in self.extra.get("more_tokens", []))

    @property
    def faults(self) -> int:
        return sum(self.fake.stats()["faults"].values())

    @property
    def retries(self) -> int:
        return self.throttled + self.faults

    def row(self) -> dict:
        c = self.comparison
        return {"scenario": self.name, "records expected": c.expected, "emitted": c.emitted, "lost": c.lost,
                "duplicate emissions": c.duplicates, "retries": self.retries, "seconds": round(self.seconds, 1)}


def _ok(result: cli.Run) -> cli.Run:
    assert result.exit_code == 0, (result.errors or result.stderr[-2000:])
    return result


# ---------------------------------------------------------------- 1. throttling

def throttling(make_fake, retry_after: str = "seconds") -> Outcome:
    """Quota 10 requests / 10 s shared with another integration that spends it in bursts: the connector
    (rate_limit_share 1.0) runs into 429s, waits as Retry-After says and completes with the exact result."""
    fake = make_fake(orders=150, seed=21, quota_requests=10, retry_after=retry_after)
    log = watch(fake)
    # page_size 10: enough requests (~20; the shared pass reads each order page once for both streams)
    # that the other integration's bursts, triggered by a watcher thread, land while the sync still runs
    # even on a loaded machine (at 50 the whole sync was ~8 requests and could finish before a burst)
    config = cli.config_for(fake, rate_limit_share=1.0, page_size=10)
    started = time.monotonic()
    with OtherIntegration(fake, fake.token) as other:
        result = _ok(run("read", config, cli.catalog(ORDER_STREAMS), secrets=[other.token]))
    seconds = time.monotonic() - started
    waits = [float(m["seconds"]) for line in logs(result) for m in WAIT_LOG.finditer(line)]
    served = log.throttled(fake.token)
    return Outcome(f"throttling (Retry-After {retry_after})", fake, [result],
                   compare(fake, [result], ORDER_STREAMS), seconds, fake.token,
                   {"waits": waits, "served": served, "other": other, "retry_after": retry_after})


def asked_seconds(retry_after: str, at: float) -> float:
    """What a Retry-After value asked for, as delta-seconds from the moment it was served."""
    try:
        return float(retry_after)
    except ValueError:
        return parsedate_to_datetime(retry_after).timestamp() - int(at)  # Date header has whole seconds


def throttling_bounded(make_fake) -> Outcome:
    """Centra's quota stays exhausted by others (Retry-After: a full 10 s window each time) and the wait is
    bounded (max_rate_limit_wait_seconds 12): the sync waits once, then fails with a transient error instead
    of hanging. When the quota is free again, a sync resumed from its state brings everything."""
    fake = make_fake(orders=100, seed=22, quota_requests=10, other_integration_requests_per_10s=10)
    watch(fake)
    config = cli.config_for(fake, rate_limit_share=1.0, max_rate_limit_wait_seconds=12)
    started = time.monotonic()
    failed = run("read", config, cli.catalog(ORDER_STREAMS), timeout=90)
    failed_seconds = time.monotonic() - started
    fake.configure(other_integration_requests_per_10s=0)
    fake.reset_rate_limits()
    resumed = _ok(run("read", config, cli.catalog(ORDER_STREAMS), state=failed.last_state_messages()))
    seconds = time.monotonic() - started
    return Outcome("throttling, bounded wait", fake, [failed, resumed], compare(fake, [failed, resumed], ORDER_STREAMS),
                   seconds, fake.token, {"failed_seconds": failed_seconds})


# ---------------------------------------------------------------- 2. faults

def faults(make_fake, rate: float = 0.10) -> Outcome:
    """10 % of requests faulted, every kind the fake injects, over Supermetrics' nine streams: exact result."""
    fake = make_fake(orders=200, seed=23, **FAST)
    watch(fake)
    spread_faults(fake, rate)
    started = time.monotonic()
    result = _ok(run("read", cli.config_for(fake, page_size=10), cli.catalog(cli.CORE_STREAMS)))
    return Outcome(f"faults ({rate:.0%} of requests)", fake, [result], compare(fake, [result], cli.CORE_STREAMS),
                   time.monotonic() - started, fake.token, {"stats": fake.stats()})


# ---------------------------------------------------------------- 3. writes while paging

def live_writes(make_fake) -> Outcome:
    """A shop taking orders while the sync pages (page_size 10, 20 ms latency): the fake's writer creates and
    updates orders, cancels lines, ships, creates and completes returns. After the writer stops, one
    incremental sync (lookback 0) with the state; the union equals the fake."""
    streams = STORE_STREAMS
    fake = make_fake(orders=200, seed=24, latency_ms=20, **FAST)
    watch(fake)
    config = cli.config_for(fake, page_size=10, lookback_window_days=0)
    started = time.monotonic()
    # start writing once the connector pages (its windows close at its start: every write is after it)
    when(lambda: fake.stats()["by_root_field"].get("orderConnection", 0) >= 1, lambda: fake.start_writer(interval_s=0.02))
    first = _ok(run("read", config, cli.catalog(streams)))
    events = fake.stop_writer()
    second = _ok(run("read", config, cli.catalog(streams), state=first.last_state_messages()))
    returns_since = datetime.now(timezone.utc) - timedelta(days=60) + timedelta(minutes=5)
    comparison = compare(fake, [first, second], streams, returns_since=returns_since)
    return Outcome("writes while paging", fake, [first, second], comparison, time.monotonic() - started, fake.token,
                   {"events": events, "returns_since": returns_since})


# ---------------------------------------------------------------- 4. ties

TIE_SECOND = datetime(2025, 6, 1, 12, 0, 0, tzinfo=timezone.utc)


def ties(make_fake, orders: int = 3000) -> Outcome:
    """3,000 orders share ONE updatedAt second, read with page_size 50 (tens of page boundaries inside the tie);
    one sync is killed mid-tie and resumed; then 1,000 of them plus new orders are written again at exactly the
    second the state's window closed, and an incremental sync (lookback 0) must bring all of them."""
    fake = make_fake(orders=orders, seed=25, **FAST)
    watch(fake)
    data = fake.data
    ids = [o["id"] for o in data.orders()]
    data.set_updated_at(ids, TIE_SECOND)
    config = cli.config_for(fake, page_size=50, lookback_window_days=0)
    catalog = cli.catalog(ORDER_STREAMS)
    started = time.monotonic()
    killed = run("read", config, catalog, kill_after_records=int(orders * 1.3))
    resumed = _ok(run("read", config, catalog, state=killed.last_state_messages()))
    cursor = state_of(resumed.last_state_messages(), "orders")["partitions"]
    closed_at = max(datetime.fromisoformat(p["cursor"]) for p in cursor.values())
    # writes landing in the very second the last window closed (committed after the sync read past them)
    again = ids[::3]
    data.set_updated_at(again, closed_at)
    for order_id in again[:50]:
        data.update_order(order_id, status="ARCHIVED", at=closed_at)
    new = [data.create_order(at=closed_at) for _ in range(5)]
    incremental = _ok(run("read", config, catalog, state=resumed.last_state_messages()))
    comparison = compare(fake, [killed, resumed, incremental], ORDER_STREAMS)
    return Outcome(f"ties ({orders:,} orders, one updatedAt second)", fake, [killed, resumed, incremental], comparison,
                   time.monotonic() - started, fake.token, {"again": set(again) | set(new), "closed_at": closed_at})


# ---------------------------------------------------------------- 5. crash

def crash(make_fake, kill_after: int | None = 300, page_size: int = 20, before_checkpoint_of: str | None = None) -> Outcome:
    """SIGKILL after `kill_after` records, restart with the last STATE the killed run emitted: the union
    equals the fake; `overhead` counts, per stream, the records the restart re-emitted that the killed run
    had already emitted. With `before_checkpoint_of`, the kill is the worst case for that stream: right
    after the record that precedes one of its mid-stream checkpoints (found by a rehearsal run)."""
    fake = make_fake(orders=200, seed=26, **FAST)
    watch(fake)
    config = cli.config_for(fake, page_size=page_size, lookback_window_days=0)
    if before_checkpoint_of:
        kill_after = _record_before_checkpoint(run("read", config, cli.catalog(cli.CORE_STREAMS)), before_checkpoint_of)
        fake.reset_stats()
    started = time.monotonic()
    killed = run("read", config, cli.catalog(cli.CORE_STREAMS), kill_after_records=kill_after)
    restarted = _ok(run("read", config, cli.catalog(cli.CORE_STREAMS), state=killed.last_state_messages()))
    overhead, bounds = {}, {}
    max_lines = max(len(o["lines"]) for o in fake.data.orders())
    final = restarted.last_state_messages()
    for stream in cli.CORE_STREAMS:
        before = set(record_keys(killed.records.get(stream, []), stream))
        overhead[stream] = sum(1 for key in record_keys(restarted.records.get(stream, []), stream) if key in before)
        state = state_of(final, stream)
        partitions = len((state or {}).get("partitions") or {"whole stream": None})
        bounds[stream] = page_size * partitions * (max_lines if stream == "order_items" else 1)
    last = [m["record"]["stream"] for m in killed.messages if m.get("type") == "RECORD"][-1:]
    killed_in = before_checkpoint_of or (last[0] if last else None)  # the stream of the last record before the kill
    # streams are read side by side (lanes.py): every stream started and not completed at the kill was in flight
    in_flight = {name for name, status in _statuses(killed) if status == "STARTED"} - \
        {name for name, status in _statuses(killed) if status == "COMPLETE"}
    name = (f"crash (SIGKILL just before a {before_checkpoint_of} checkpoint)" if before_checkpoint_of
            else f"crash (SIGKILL after {kill_after} records)")
    return Outcome(name, fake, [killed, restarted], compare(fake, [killed, restarted], cli.CORE_STREAMS),
                   time.monotonic() - started, fake.token,
                   {"overhead": overhead, "bounds": bounds, "killed_in": killed_in, "kill_after": kill_after,
                    "max_lines": max_lines, "in_flight": in_flight})


def _statuses(run_: cli.Run) -> list[tuple[str, str]]:
    return [(m["trace"]["stream_status"]["stream_descriptor"]["name"], m["trace"]["stream_status"]["status"])
            for m in run_.messages if m.get("type") == "TRACE" and m["trace"].get("type") == "STREAM_STATUS"]


def _record_before_checkpoint(rehearsal: cli.Run, stream: str) -> tuple[str, int]:
    """(stream, how many of its records precede its second mid-stream STATE): killing right after them
    loses that checkpoint, the worst moment to die. Counted in the stream's own records (streams are read
    side by side, lanes.py); its first STATE is at its start or after its first slice."""
    records, checkpoints = 0, []
    for message in rehearsal.messages:
        if message["type"] == "RECORD" and message["record"]["stream"] == stream:
            records += 1
        elif message["type"] == "STATE" and message["state"]["stream"]["stream_descriptor"]["name"] == stream \
                and records and (not checkpoints or checkpoints[-1] < records):
            checkpoints.append(records)
    assert len(checkpoints) >= 3, f"{stream} has too few checkpoints for the worst-case kill: {checkpoints}"
    return stream, checkpoints[1]


# ---------------------------------------------------------------- 6. config changes

START = "2025-01-01"
START_AT = datetime(2025, 1, 1, tzinfo=timezone.utc)


def config_changes(make_fake, streams: list[str] = STORE_STREAMS) -> Outcome:
    """store_ids [1] → [1, 3] → [3]: store 3 is backfilled from start_date when added, store 1 is read
    incrementally only, and store 1's state survives while it is not configured."""
    fake = make_fake(orders=300, seed=27, **FAST)
    watch(fake)
    catalog = cli.catalog(streams)
    base = dict(start_date=START, lookback_window_days=0)
    started = time.monotonic()
    one = _ok(run("read", cli.config_for(fake, store_ids=[1], **base), catalog))
    data = fake.data
    store1 = sorted((o for o in data.orders() if o["store_id"] == 1 and o["updated_at"] >= START_AT),
                    key=lambda o: o["number"])
    changed = store1[0]["id"]
    data.update_order(changed, status="ARCHIVED")
    both = _ok(run("read", cli.config_for(fake, store_ids=[1, 3], **base), catalog, state=one.last_state_messages()))
    three = _ok(run("read", cli.config_for(fake, store_ids=[3], **base), catalog, state=both.last_state_messages()))
    comparison = compare(fake, [one, both, three], streams, stores={1, 3}, since=START_AT)
    return Outcome("config change (store added)", fake, [one, both, three], comparison, time.monotonic() - started,
                   fake.token, {"changed": changed})


# ---------------------------------------------------------------- 7. token revoked / permission removed

def revoked(make_fake, how: str = "revoke") -> Outcome:
    """The token is revoked (or loses Order:read) while the sync pages: the run fails with a config error
    naming the problem; a new sync with a fresh token and the state emitted before brings the rest."""
    fake = make_fake(orders=200, seed=28, latency_ms=20, **FAST)
    log = watch(fake)
    token = fake.create_token(name="revoked mid-sync")
    streams = STORE_STREAMS
    config = cli.config_for(fake, api_token=token, page_size=10, lookback_window_days=0)

    def pull():
        if how == "revoke":
            fake.revoke_token(token)
        else:
            fake.set_permissions(token, [p for p in ALL_READ if p != "Order:read"])

    started = time.monotonic()
    when(lambda: sum(1 for s in log.statuses(token) if s == 200) >= 12, pull)
    failed = run("read", config, cli.catalog(streams))
    fresh = fake.create_token(name="fresh")
    resumed = _ok(run("read", {**config, "api_token": fresh}, cli.catalog(streams), state=failed.last_state_messages(),
                      secrets=[token]))
    return Outcome(f"token {'revoked' if how == 'revoke' else 'loses Order:read'} mid-sync", fake, [failed, resumed],
                   compare(fake, [failed, resumed], streams), time.monotonic() - started, token,
                   {"more_tokens": [fresh], "fresh": fresh})


# ---------------------------------------------------------------- 8. bad input

def _stream_state(content) -> list:
    return [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "orders"}, "stream_state": content}}]


# id -> (config overrides, or "html"/"json" for an endpoint that is not Centra; --state content: a list of
# state messages or raw file text; phrases the error must contain; whether `check` applies)
BAD_INPUT = {
    "state-not-json": ({}, "{'orders': not json at all", ["state", "JSON", "eset"], False),
    "state-foreign-object": ({}, json.dumps({"orders": {"created": 1700000000}}), ["state", "eset"], False),
    "state-foreign-stream-state": ({}, _stream_state({"created": 1700000000, "page_token": "x"}),
                                   ["state of stream 'orders' was not written by this Centra connector", "Reset"], False),
    "start-date-future": ({"start_date": "2099-01-01"}, None, ["Start date '2099-01-01' is in the future"], True),
    "start-date-unparsable": ({"start_date": "last tuesday"}, None,
                              ["Start date 'last tuesday' is not a date", "YYYY-MM-DD"], True),
    "page-size-0": ({"page_size": 0}, None, ["Page size must be between 1 and 200, got 0"], True),
    "page-size-500": ({"page_size": 500}, None, ["Page size must be between 1 and 200, got 500"], True),
    "endpoint-html": ("html", None, ["web page (HTML)", "System → API tokens"], True),
    "endpoint-not-graphql-json": ("json", None, ["not a GraphQL response", "System → API tokens"], True),
}


class OddServer:
    """An HTTP server that is not Centra: POST /html/... answers a shop's web page, POST /json/... JSON that is
    not a GraphQL response."""

    def __enter__(self) -> str:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if "/html/" in self.path:
                    body, kind = b"<!doctype html><html><body><h1>Welcome to our shop</h1></body></html>", "text/html"
                else:
                    body, kind = json.dumps({"status": "ok", "shop": "open"}).encode(), "application/json"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def bad_input_config(case: str, fake, odd_url: str) -> dict:
    overrides = BAD_INPUT[case][0]
    if isinstance(overrides, str):
        return {"endpoint_url": f"{odd_url}/{overrides}/graphql", "api_token": "bad-input-token-1234"}
    return cli.config_for(fake, **overrides)


def bad_input_read(case: str, fake, odd_url: str) -> cli.Run:
    state = BAD_INPUT[case][1]
    config = bad_input_config(case, fake, odd_url)
    if isinstance(state, str):
        return run("read", config, cli.catalog(["orders"]), state_text=state, timeout=60)
    return run("read", config, cli.catalog(["orders"]), state=state, timeout=60)


def bad_input(make_fake) -> Outcome:
    """Every bad-input case read once: each must fail cleanly and emit nothing."""
    fake = make_fake(orders=30, seed=32)
    watch(fake)
    started = time.monotonic()
    with OddServer() as odd_url:
        runs = [bad_input_read(case, fake, odd_url) for case in BAD_INPUT]
    return Outcome(f"bad input ({len(runs)} cases, read)", fake, runs, compare(fake, [], []),
                   time.monotonic() - started, fake.token,
                   {"clean": sum(1 for r in runs if r.exit_code != 0 and r.errors and not has_traceback(r))})


# ---------------------------------------------------------------- 9. secrets

SECRET_TOKEN = "s3cr3t-T0KEN-" + "a1b2c3d4e5f6a7b8c9d0"


def debug_with_faults(make_fake) -> Outcome:
    """A --debug sync of all streams with 20 % faults and a recognisable token: the token is never printed."""
    fake = make_fake(orders=60, seed=33, token=SECRET_TOKEN, **FAST)
    watch(fake)
    spread_faults(fake, rate=0.2, slow_seconds=0.1)
    started = time.monotonic()
    result = _ok(run("read", cli.config_for(fake, page_size=20), cli.catalog(cli.CORE_STREAMS), debug=True, secrets=[SECRET_TOKEN]))
    return Outcome("--debug sync with faults (secrets)", fake, [result], compare(fake, [result], cli.CORE_STREAMS),
                   time.monotonic() - started, fake.token)
