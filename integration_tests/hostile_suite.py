"""The hostile-input suite (issue 18): the real CLI against careless inputs, the fake Centra and a small
hostile server (integration_tests/hostile.py), each case checked against four invariants:

- **no traceback**: no "Something went wrong" (an unclassified failure), no Python traceback in a log
  line or stderr, no stack trace on a config error (system and transient errors keep theirs in the
  TRACE for debugging, by design);
- **no secret** in any byte of stdout or stderr: the token raw, trimmed, as `Bearer …` and JSON-escaped,
  and a URL's password;
- **nothing skipped**: a run that ends with exit 0 emitted everything its state claims (checked against
  the fake's own data), and a failed run saved no state beyond what it read;
- **ends in budget**: every run ends within the budget its settings state (waits, timeouts, retries).

Each case also names the outcome it must have (config error, transient error, …). `run_suite()`
returns one row per case; `table()` prints cases by class × outcome. Run it from the repo root:

    .venv/bin/python -m integration_tests.hostile_suite [--fast] [--source DIR] [--cap SECONDS]

`--source DIR` runs another checkout's connector (e.g. main before the fix) with the same cases;
`--cap` kills each run after that many seconds (for code that hangs).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import psutil

from integration_tests import cli, scenarios
from integration_tests.hostile import Hostile

ROOT = Path(__file__).resolve().parents[1]
SECRET = "s3cr3t-H0STILE-" + "9f8e7d6c5b4a39281706"
URL_PASSWORD = "hunter2-p4ssw0rd"
FAST = dict(scenarios.FAST)


@dataclass
class Env:
    fake: Any
    hostile: Hostile
    restricted: str  # a token of the fake that sees store 1 only
    source: Path | None = None  # another checkout's connector (before/after comparisons)
    cap: float | None = None


@dataclass
class Plan:
    """What one case runs: the CLI command and its files; more runs may follow (`then`)."""
    command: str
    config: Any = None  # a dict, or raw text for --config
    catalog: Any = None
    state: Any = None
    debug: bool = False
    secrets: tuple = ()
    missing_config: bool = False


@dataclass
class Case:
    id: str
    klass: str
    title: str
    expect: str  # config_error | transient_error | system_error | ok | check_failed | check_ok
    budget: float  # seconds, from the case's settings (+ start-up)
    plan: Callable[[Env], Plan]
    verify: Callable[[Env, "Outcome"], list[str]] | None = None
    fast: bool = False  # also in the default test run
    says: str = ""  # words the first error (or check's message) must contain: the problem named in words


@dataclass
class Outcome:
    case: Case
    run: cli.Run | None
    outcome: str
    seconds: float
    problems: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.problems and self.outcome == self.case.expect


# ---------------------------------------------------------------- running the CLI

STARTUP = 25.0  # seconds to import the CDK and start, on 2 busy cores


def execute(env: Env, plan: Plan, timeout: float) -> tuple[cli.Run, float]:
    with tempfile.TemporaryDirectory() as tmp:
        args = [sys.executable, "-m", "source_centra.run", plan.command] + (["--debug"] if plan.debug else [])
        for flag, content in (("config", plan.config), ("catalog", plan.catalog), ("state", plan.state)):
            if content is None:
                continue
            path = Path(tmp) / f"{flag}.json"
            path.write_text(content if isinstance(content, str) else json.dumps(content))
            args += [f"--{flag}", str(path)]
        if plan.missing_config:
            args += ["--config", str(Path(tmp) / "no-such-config.json")]
        env_vars = dict(os.environ)
        cwd = str(ROOT)
        if env.source is not None:
            env_vars["PYTHONPATH"] = str(env.source)
            cwd = tmp  # so the checkout on PYTHONPATH, not this one, is imported
        started = time.monotonic()
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env_vars, cwd=cwd)
        peak = _Peak(process.pid)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
            code: Any = process.returncode
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            code = "killed"
        peak.stop()
        result = cli.Run(code, stdout, stderr, time.monotonic() - started)
        for line in stdout.splitlines():
            if line.strip().startswith("{"):
                try:
                    result.messages.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
        return result, peak.mb


class _Peak:
    """Peak resident memory of a process, sampled every 50 ms."""

    def __init__(self, pid: int):
        import threading

        self.mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(pid,), daemon=True)
        self._thread.start()

    def _watch(self, pid: int) -> None:
        try:
            process = psutil.Process(pid)
            while not self._done.wait(0.05):
                self.mb = max(self.mb, process.memory_info().rss / 1e6)
        except psutil.Error:
            pass

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=2)


def classify(result: cli.Run, command: str) -> str:
    if result.exit_code == "killed":
        return "hang (killed)"
    if _unclassified(result):
        return "crash (Something went wrong)"
    if command == "check" and result.of_type("CONNECTION_STATUS"):
        return "check_ok" if result.connection_status["status"] == "SUCCEEDED" else "check_failed"
    errors = [e for e in result.errors if e.get("stream_descriptor")] or result.errors
    if errors:
        return errors[0].get("failure_type") or "error"
    return "ok" if result.exit_code == 0 else f"exit {result.exit_code} without a message"


def _first_message(result: cli.Run) -> str:
    if result.of_type("CONNECTION_STATUS"):
        return result.connection_status.get("message") or ""
    return (result.errors[0].get("message") or "") if result.errors else ""


def _unclassified(result: cli.Run) -> bool:
    return any("Something went wrong" in (e.get("message") or "") for e in result.errors)


def invariants(env: Env, case: Case, plan: Plan, result: cli.Run) -> list[str]:
    problems = []
    logs = "\n".join(m["log"]["message"] for m in result.of_type("LOG"))
    if _unclassified(result) or "Traceback (most recent call last)" in logs + result.stderr:
        problems.append("a Python traceback")
    if any(e.get("stack_trace") for e in result.errors if e.get("failure_type") == "config_error"):
        problems.append("a stack trace on a config error")
    for secret in _secret_forms(plan):
        for text in (secret, json.dumps(secret)[1:-1]):
            if text in result.stdout or text in result.stderr:
                problems.append(f"a secret in the output ({secret[:4]}…)")
                break
    if result.exit_code == "killed" or result.seconds > case.budget:
        problems.append(f"ran {result.seconds:.0f}s, budget {case.budget:.0f}s")
    return problems


def _secret_forms(plan: Plan) -> list[str]:
    forms = list(plan.secrets)
    config = plan.config if isinstance(plan.config, dict) else {}
    token = config.get("api_token")
    if isinstance(token, str):
        forms += [token.strip(), f"Bearer {token.strip()}"] + [part for part in token.split() if len(part) >= 8]
    return [f for f in dict.fromkeys(forms) if len(f) >= 8]


def run_case(env: Env, case: Case) -> Outcome:
    plan = case.plan(env)
    timeout = min(env.cap or 1e9, case.budget * 1.5 + 30)
    env.hostile.reset()
    result, peak = execute(env, plan, timeout)
    outcome = Outcome(case, result, classify(result, plan.command), result.seconds, peak_rss_mb=peak)
    outcome.problems = invariants(env, case, plan, result)
    if case.says and case.says not in _first_message(result):
        outcome.problems.append(f"the message does not say '{case.says}': {_first_message(result)[:160]!r}")
    if case.verify is not None:  # also for a killed run: what it did until then (e.g. how many requests)
        outcome.problems += case.verify(env, outcome)
    return outcome


# ---------------------------------------------------------------- cases

def _config(env: Env, **overrides) -> dict:
    return {"endpoint_url": env.fake.url, "api_token": env.fake.token, **overrides}


def _at(env: Env, mode: str, token: str = SECRET, **overrides) -> dict:
    return {"endpoint_url": env.hostile.url(mode), "api_token": token, **overrides}


def _stream_state(stream: str, content: Any) -> list:
    return [{"type": "STREAM", "stream": {"stream_descriptor": {"name": stream}, "stream_state": content}}]


def _no_state_for(*partitions: str) -> Callable[[Env, Outcome], list[str]]:
    def verify(env: Env, outcome: Outcome) -> list[str]:
        saved = {p for s in outcome.run.states for p in (s["stream"]["stream_state"] or {}).get("partitions", {})}
        bad = saved & set(partitions)
        return [f"state saved for store {', '.join(sorted(bad))}, which was never read"] if bad else []
    return verify


def _no_cursor_for(partition: str) -> Callable[[Env, Outcome], list[str]]:
    """The partition's window was not read to its end: the state must not say it was (no `cursor`)."""
    def verify(env: Env, outcome: Outcome) -> list[str]:
        for state in outcome.run.states:
            entry = ((state["stream"]["stream_state"] or {}).get("partitions") or {}).get(partition) or {}
            if entry.get("cursor"):
                return [f"the state marks store {partition} read up to {entry['cursor']}"]
        return []
    return verify


def _requests_at_most(mode: str, limit: int) -> Callable[[Env, Outcome], list[str]]:
    def verify(env: Env, outcome: Outcome) -> list[str]:
        count = env.hostile.count(mode)
        outcome.extra["requests"] = count
        return [f"{count} requests to the hostile server (a hot loop; at most {limit} expected)"] if count > limit else []
    return verify


def _duplicates_at_most(stream: str, key: tuple, pages: int, page_size: int) -> Callable[[Env, Outcome], list[str]]:
    def verify(env: Env, outcome: Outcome) -> list[str]:
        rows = outcome.run.records.get(stream, [])
        unique = {tuple(r[k] for k in key) for r in rows}
        outcome.extra["records"] = f"{len(rows)} for {len(unique)} unique"
        extra = len(rows) - len(unique)
        limit = pages * page_size * (10 if stream == "order_items" else 1)
        return [f"{extra} duplicate records (at most {limit}: {pages} pages)"] if extra > limit else []
    return verify


def _nothing_stolen(env: Env, outcome: Outcome) -> list[str]:
    return [f"the redirect target received the Authorization header {len(env.hostile.stolen_headers)} times"] \
        if any(env.hostile.stolen_headers) else []


def _logged(words: str) -> Callable[[Env, Outcome], list[str]]:
    def verify(env: Env, outcome: Outcome) -> list[str]:
        return [] if any(words in line for line in scenarios.logs(outcome.run)) else [f"no log line says '{words}'"]
    return verify


def _both(*checks) -> Callable[[Env, Outcome], list[str]]:
    return lambda env, outcome: [p for check in checks for p in check(env, outcome)]


def _store_switch(env: Env, outcome: Outcome) -> list[str]:
    """After the failed run with a token that sees store 1 only, the user switches to a full token and
    syncs with the state saved so far: every order line of stores 1 and 2 must arrive."""
    failed = outcome.run
    state = failed.last_state_messages()
    second, _ = execute(env, Plan("read", _config(env, store_ids=[1, 2]), cli.catalog(["order_items"]), state or None), 300)
    comparison = scenarios.compare(env.fake, [failed, second], ["order_items"], stores={1, 2})
    missing = len(comparison.missing.get("order_items", []))
    outcome.extra["after switch"] = f"{comparison.expected - missing} of {comparison.expected} order lines"
    return [f"after switching to a full token {missing} of {comparison.expected} order lines never arrive"] if missing else []


def _future_cursor(env: Env, outcome: Outcome) -> list[str]:
    """A cursor in 2099: this sync reads nothing new for it (Airbyte's abnormal-state convention) but warns
    and saves the cursor at the sync's start, never in 2099; the next sync then reads the lookback window."""
    problems = _logged("later than this sync's start")(env, outcome)
    now = datetime.now(timezone.utc) + timedelta(minutes=5)
    for state in outcome.run.states:
        for key, entry in ((state["stream"]["stream_state"] or {}).get("partitions") or {}).items():
            if entry.get("cursor") and datetime.fromisoformat(entry["cursor"]) > now:
                problems.append(f"the state keeps store {key}'s cursor at {entry['cursor']}")
                return problems
    state = outcome.run.last_state_messages()
    if not state:
        return problems + ["no state was saved"]
    # orders of store 1 updated a day ago: inside the lookback the next sync reads again
    recent = [o["id"] for o in env.fake.data.orders() if o["store_id"] == 1][:5]
    env.fake.data.set_updated_at(recent, datetime.now(timezone.utc) - timedelta(days=1))
    following, _ = execute(env, Plan("read", _config(env, store_ids=[1]), ORDERS, state), 120)
    window_start = datetime.now(timezone.utc) - timedelta(days=3, minutes=-10)
    truth = {o["id"] for o in env.fake.data.orders() if o["store_id"] == 1 and o["updated_at"] >= window_start}
    got = {r["id"] for r in following.records.get("orders", []) if r["store_id"] == 1}
    outcome.extra["next sync"] = f"{len(got)} orders re-read, {len(truth)} updated in the last 3 days"
    if truth - got:
        problems.append(f"the next sync missed {len(truth - got)} orders of store 1 updated in the lookback window")
    return problems


def _exact(streams: list[str]) -> Callable[[Env, Outcome], list[str]]:
    def verify(env: Env, outcome: Outcome) -> list[str]:
        comparison = scenarios.compare(env.fake, [outcome.run], streams)
        return [] if not comparison.lost and not any(comparison.invented.values()) else [comparison.describe()]
    return verify


def _memory_below(mb: float) -> Callable[[Env, Outcome], list[str]]:
    def verify(env: Env, outcome: Outcome) -> list[str]:
        outcome.extra["peak RSS"] = f"{outcome.peak_rss_mb:.0f} MB"
        return [f"peak memory {outcome.peak_rss_mb:.0f} MB (limit {mb:.0f} MB)"] if outcome.peak_rss_mb > mb else []
    return verify


ORDERS = cli.catalog(["orders"])
CORE_STATE = {"state_version": 1, "partitions": {}}


def _cases() -> list[Case]:
    c: list[Case] = []
    add = c.append
    S, L, P, B, K, H = ("secrets", "nothing lost", "always ends", "bad config", "bad catalog/state", "hostile server")

    # -- secrets (issue cases 1, 10)
    add(Case("token-spaces-echo-400-check", S, "token '  T\\n', gateway echoes headers (HTTP 400)", "check_failed", 60,
             lambda e: Plan("check", _at(e, "echo/400", f"  {SECRET}\n")), fast=True))
    add(Case("token-spaces-echo-400-read", S, "token '  T\\n', gateway echoes headers (HTTP 400), read --debug",
             "system_error", 60, lambda e: Plan("read", _at(e, "echo/400", f"  {SECRET}\n"), ORDERS, debug=True)))
    add(Case("token-spaces-echo-graphql", S, "token '  T\\n', GraphQL error echoes headers", "system_error", 60,
             lambda e: Plan("read", _at(e, "echo/200", f"\t{SECRET}  "), ORDERS)))
    add(Case("token-spaces-debug-sync", S, "token with spaces around, --debug sync of the fake", "ok", 120,
             lambda e: Plan("read", _config(e, api_token=f"  {e.fake.token}\n"), cli.catalog(["orders", "stores"]), debug=True),
             _exact(["orders", "stores"])))
    add(Case("token-newline-inside-check", S, "token with a line break inside (check)", "check_failed", 40,
             lambda e: Plan("check", _at(e, "echo/200", SECRET[:10] + "\n" + SECRET[10:])),
             says='API token has a space or line break inside it'))
    add(Case("token-newline-inside-read", S, "token with a line break inside (read)", "config_error", 40,
             lambda e: Plan("read", _at(e, "echo/200", SECRET[:10] + "\n" + SECRET[10:]), ORDERS),
             says='API token has a space or line break inside it'))
    add(Case("token-euro", S, "token with '€'", "check_failed", 40, lambda e: Plan("check", _at(e, "echo/200", SECRET + "€")),
         says='not plain ASCII'))
    add(Case("url-credentials-debug", S, "user:password@ in the URL, check --debug", "check_failed", 40,
             lambda e: Plan("check", _config(e, endpoint_url=e.fake.url.replace("http://", f"http://shop:{URL_PASSWORD}@")),
                            debug=True, secrets=(URL_PASSWORD,)), says='contains a user name or password'))
    add(Case("redirect-other-host", S, "307 redirect to another host", "config_error", 60,
             lambda e: Plan("read", _at(e, "redirect/307"), ORDERS), _nothing_stolen, fast=True,
             says='redirect (HTTP 307)'))
    add(Case("redirect-302-check", S, "302 redirect to another host (check)", "check_failed", 60,
             lambda e: Plan("check", _at(e, "redirect/302")), _nothing_stolen))

    # -- nothing lost (issue cases 2, 6, 9)
    add(Case("store-not-visible", L, "store_ids [1, 2], token sees store 1; then a full token", "config_error", 120,
             lambda e: Plan("read", _config(e, api_token=e.restricted, store_ids=[1, 2]), cli.catalog(["order_items"])),
             _both(_no_state_for("2"), _store_switch), says='Store ID 2 is not visible to this API token'))
    add(Case("store-999", L, "store_ids [999]", "config_error", 60,
             lambda e: Plan("read", _config(e, store_ids=[999]), cli.catalog(["order_items", "payment_history"])),
             _no_state_for("999"), fast=True, says='Store ID 999 is not visible'))
    add(Case("cursor-2099", L, "saved cursor in 2099", "ok", 90,
             lambda e: Plan("read", _config(e, store_ids=[1]), ORDERS,
                            _stream_state("orders", {"state_version": 1, "partitions": {"1": {"cursor": "2099-01-01T00:00:00+00:00"}}})),
             _future_cursor, fast=True))
    add(Case("state-version-99", L, "state_version 99", "config_error", 60,
             lambda e: Plan("read", _config(e), ORDERS, _stream_state("orders", {"state_version": 99, "partitions": {}})),
             says='state_version'))
    add(Case("state-global", L, "GLOBAL state", "config_error", 60,
             lambda e: Plan("read", _config(e), ORDERS, [{"type": "GLOBAL", "global": {"shared_state": {}, "stream_states": [
                 {"stream_descriptor": {"name": "orders"}, "stream_state": CORE_STATE}]}}]), says='GLOBAL state'))
    add(Case("state-bad-resume", L, "garbage resume cursor in state", "config_error", 60,
             lambda e: Plan("read", _config(e, store_ids=[1]), ORDERS, _stream_state("orders", {"state_version": 1, "partitions": {
                 "1": {"cursor": "2024-01-01T00:00:00+00:00", "window": {"from": "2024-01-01T00:00:00+00:00",
                                                                         "to": "2025-01-01T00:00:00+00:00", "resume": "garbage!!"}}}})),
                                                                         says='resume point'))

    # -- always progress, always end (issue cases 3, 4, 5, 7, 11)
    for label, value in (("0", "0"), ("negative", "-5"), ("past-date", "Wed, 21 Oct 2015 07:28:00 GMT"), ("garbage", "soon")):
        add(Case(f"retry-after-{label}", P, f"429 with Retry-After: {value} (max wait 10 s)", "transient_error", 10 + STARTUP,
                 lambda e, v=value: Plan("read", _at(e, "retry-after/" + quote(v, safe=""), max_rate_limit_wait_seconds=10), ORDERS),
                 _requests_at_most("retry-after", 6), fast=(label == "0"), says="rate limit stayed exhausted"))
    add(Case("trickle-check", P, "answer trickles 1 byte / 2 s (check, timeout 5 s)", "check_failed", 2 * 5 + 2 + STARTUP,
             lambda e: Plan("check", _at(e, "trickle/2", request_timeout_seconds=5)), says='request timeout of 5s'))
    add(Case("tarpit-check", P, "no answer at all (check, timeout 5 s)", "check_failed", 2 * 5 + 2 + STARTUP,
             lambda e: Plan("check", _at(e, "tarpit", request_timeout_seconds=5)), says='timed out'))
    add(Case("trickle-read", P, "answer trickles 1 byte / 2 s (read, timeout 5 s, 9 attempts)", "transient_error",
             9 * 7 + 230 + STARTUP, lambda e: Plan("read", _at(e, "trickle/2", request_timeout_seconds=5), cli.catalog(["orders", "returns"]))))
    add(Case("stuck-cursor", P, "endCursor = the request's own after", "system_error", 60,
             lambda e: Plan("read", _at(e, "stuck-cursor", e.fake.token, page_size=10, store_ids=[1]), cli.catalog(["order_items"])),
             _duplicates_at_most("order_items", ("order_id", "line_id"), 1, 10), fast=True,
             says='Stream order_items stopped (store 1'))
    add(Case("null-cursor", P, "hasNextPage with a null endCursor", "system_error", 60,
             lambda e: Plan("read", _at(e, "null-cursor", e.fake.token, page_size=10, store_ids=[1]), ORDERS),
             _no_cursor_for("1"), says='no cursor to continue from'))
    add(Case("ignore-page", P, "server ignores `page`", "system_error", 60,
             lambda e: Plan("read", _at(e, "ignore-page", e.fake.token, page_size=5, store_ids=[1]), cli.catalog(["returns"])),
             _duplicates_at_most("returns", ("id",), 3, 5), says='Stream returns stopped (store 1'))
    add(Case("centra-down", P, "Centra unreachable, 3 streams (one budget per sync)", "transient_error", 230 + STARTUP,
             lambda e: Plan("read", {"endpoint_url": _closed_port_url(), "api_token": SECRET},
                            cli.catalog(["orders", "returns", "stores"])),
             lambda e, o: [f"{n} streams failed one by one" for n in [len([x for x in o.run.errors if x.get("stream_descriptor")])] if n != 1],
             says='The sync stopped here'))
    add(Case("deep-nesting", P, "an answer nested 100,000 levels deep", "system_error", 60,
             lambda e: Plan("read", _at(e, "deep/100000"), ORDERS), says='nested deeper'))
    add(Case("huge-body", P, "a 300 MB answer", "config_error", 90,
             lambda e: Plan("read", _at(e, "huge/300"), ORDERS), _memory_below(400), says='larger than 64 MB'))

    # -- every bad input is a config error (issue cases 9, 11)
    for key in ("page_size", "lookback_window_days", "max_rate_limit_wait_seconds"):
        add(Case(f"{key}-Infinity", B, f"{key} = JSON Infinity", "check_failed", 40,
                 lambda e, k=key: Plan("check", json.dumps(_config(e))[:-1] + f', "{k}": Infinity}}'),
                 says="must be a whole number between"))
        add(Case(f"{key}-inf-text", B, f"{key} = \"inf\"", "check_failed", 40, lambda e, k=key: Plan("check", _config(e, **{k: "inf"})),
                 says="must be a whole number between"))
    add(Case("url-trailing-spaces", B, "endpoint URL with trailing spaces", "check_ok", 60,
             lambda e: Plan("check", _config(e, endpoint_url=e.fake.url + "   "))))
    add(Case("config-missing", B, "config file missing", "config_error", 40, lambda e: Plan("check", missing_config=True),
         says='does not exist'))
    add(Case("config-not-object", B, "config file holds a list", "config_error", 40, lambda e: Plan("check", "[1, 2]"),
         says='not a JSON object'))
    add(Case("config-not-json", B, "config file is not JSON", "config_error", 40, lambda e: Plan("read", "{oops", ORDERS),
         says='not valid JSON'))
    add(Case("catalog-bad-json", K, "catalog is not JSON", "config_error", 40, lambda e: Plan("read", _config(e), "{not json"),
         says='not valid JSON'))
    add(Case("catalog-markets-incremental", K, "markets asked for incremental (as PyAirbyte does)", "ok", 60,
             lambda e: Plan("read", _config(e), _with_mode(cli.catalog(["markets"]), "incremental")),
             _both(_logged("for incremental sync, which it does not support"), _exact(["markets"]))))
    add(Case("catalog-bad-sync-mode", K, "sync mode 'bogus'", "config_error", 40,
             lambda e: Plan("read", _config(e), _with_mode(cli.catalog(["orders"]), "bogus")),
             says="sync mode 'bogus'"))
    add(Case("catalog-unknown-stream", K, "a stream this connector does not have", "config_error", 40,
             lambda e: Plan("read", _config(e), _renamed(cli.catalog(["orders"]), "nosuch")),
             says="'nosuch', which this connector does not have"))
    return c


def _with_mode(catalog: dict, mode: str) -> dict:
    catalog["streams"][0]["sync_mode"] = mode
    return catalog


def _renamed(catalog: dict, name: str) -> dict:
    catalog["streams"][0]["stream"]["name"] = name
    return catalog


def _closed_port_url() -> str:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/graphql"


CASES = _cases()


# ---------------------------------------------------------------- the suite and its table

def start_env(source: Path | None = None, cap: float | None = None):
    """(env, stop): a fake Centra (120 orders) and the hostile server in front of it."""
    from fake_centra import FakeCentra

    fake = FakeCentra(orders=120, seed=18, **FAST)
    fake.start()
    hostile = Hostile(upstream=fake.url).__enter__()
    env = Env(fake, hostile, fake.create_token(store_ids=[1], name="store 1 only"), source, cap)

    def stop() -> None:
        hostile.__exit__(None, None, None)
        fake.stop()

    return env, stop


def run_suite(env: Env, cases: list[Case] | None = None, progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    outcomes = []
    for case in cases or CASES:
        outcome = run_case(env, case)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    """Cases by class × outcome (counts), then one line per case."""
    classes = list(dict.fromkeys(o.case.klass for o in outcomes))
    kinds = sorted({o.outcome for o in outcomes})
    counts = Counter((o.case.klass, o.outcome) for o in outcomes)
    broken = Counter(o.case.klass for o in outcomes if not o.passed)
    width = max(len(k) for k in classes + ["class"])
    head = f"{'class':<{width}} | " + " | ".join(kinds) + " | failing"
    lines = [head, "-" * len(head)]
    for klass in classes:
        cells = [f"{counts.get((klass, kind), 0) or '':>{len(kind)}}" for kind in kinds]
        lines.append(f"{klass:<{width}} | " + " | ".join(cells) + f" | {broken.get(klass, 0):>7}")
    lines.append("")
    for o in outcomes:
        mark = "ok  " if o.passed else "FAIL"
        notes = "; ".join(o.problems + [f"{k}: {v}" for k, v in o.extra.items()])
        expected = "" if o.outcome == o.case.expect else f" (expected {o.case.expect})"
        lines.append(f"{mark} {o.case.id:<36} {o.outcome}{expected}, {o.seconds:.0f}s{' — ' + notes if notes else ''}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="only the cases of the default test run")
    parser.add_argument("--source", type=Path, help="run this checkout's connector instead (PYTHONPATH)")
    parser.add_argument("--cap", type=float, help="kill each run after this many seconds")
    parser.add_argument("--only", nargs="*", help="case ids")
    args = parser.parse_args(argv)
    cases = [c for c in CASES if (not args.fast or c.fast) and (not args.only or c.id in args.only)]
    env, stop = start_env(args.source, args.cap)
    try:
        outcomes = run_suite(env, cases, progress=lambda o: print(f"  {o.case.id}: {o.outcome} in {o.seconds:.0f}s"
                                                                   f"{' — ' + '; '.join(o.problems) if o.problems else ''}",
                                                                   file=sys.stderr, flush=True))
    finally:
        stop()
    print(table(outcomes))
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
