"""One pass per parent (source_centra/shared.py): orders + order_items (orderConnection) and returns +
return_items (returns) selected together read each page once, and every stream's records and STATE
messages equal reading that stream alone with the same state: byte for byte with one store at a time
(concurrency 1), as sets and per-store state progress with stores read concurrently.

The first test runs with scripts/test.sh; the others (about 4 minutes) are `heavy` (.ci/run).
Runs pin the sync start (bench/connector_fixed_clock.py) so that separate runs close their windows at
the same instant and their states are comparable. The digests are printed (`-s`) for the record.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from integration_tests import cli, scenarios

ROOT = Path(__file__).resolve().parents[1]
SHARED = ["orders", "order_items", "returns", "return_items"]
QUOTAS = {"quota_requests": 10**6, "quota_complexity": 10**9, "quota_requests_hour": 10**7, "quota_complexity_hour": 10**10}


def pinned(fake, streams, state=None, kill_after=None, catalog=None, **config) -> cli.Run:
    """`source-centra read` with the sync start pinned to 2026-01-01 (after all the fake's data)."""
    with tempfile.TemporaryDirectory() as tmp:
        files = {"config": cli.config_for(fake, **{"page_size": 25, **config}),
                 "catalog": catalog or cli.catalog(streams), "state": state}
        args = [sys.executable, str(ROOT / "bench" / "connector_fixed_clock.py"), "read"]
        for name, content in files.items():
            if content is not None:
                (Path(tmp) / f"{name}.json").write_text(json.dumps(content))
                args += [f"--{name}", str(Path(tmp) / f"{name}.json")]
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        if kill_after is None:
            stdout, stderr = process.communicate(timeout=300)
        else:
            stdout, stderr = cli._read_until_killed(process, kill_after, 300)
    run = cli.Run(process.returncode, stdout, stderr, 0.0)
    run.messages = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    scenarios.assert_no_secret(run, fake.token)
    return run


def states_of(run: cli.Run, stream: str) -> list[dict]:
    return [m["state"]["stream"]["stream_state"] for m in run.of_type("STATE")
            if m["state"]["stream"]["stream_descriptor"]["name"] == stream]


def digest(run: cli.Run, stream: str) -> dict:
    """SHA-256 (12 hex) over the stream's records and over its STATE messages, in emission order."""
    def sha(items) -> str:
        return hashlib.sha256("\n".join(json.dumps(i, sort_keys=True) for i in items).encode()).hexdigest()[:12]
    records, states = run.records.get(stream, []), states_of(run, stream)
    return {"records": len(records), "records_sha": sha(records), "states": len(states), "states_sha": sha(states)}


def unordered(run: cli.Run, stream: str) -> dict:
    """With stores read concurrently pages arrive in any order, and a checkpoint (every
    state_checkpoint_interval records) catches each store wherever it is: the records as a set and the
    final state are what must be equal."""
    records = sorted(json.dumps(r, sort_keys=True) for r in run.records.get(stream, []))
    states = states_of(run, stream)
    return {"records": hashlib.sha256("\n".join(records).encode()).hexdigest()[:12], "count": len(records),
            "final": states[-1] if states else None}


def state_file(run: cli.Run, streams) -> list[dict]:
    return [s for s in run.last_state_messages() if s["stream"]["stream_descriptor"]["name"] in streams]


def requests(fake, root: str) -> int:
    return fake.stats()["by_root_field"].get(root, 0)


@pytest.fixture(scope="module")
def fake(fake_centra_factory_module):
    return fake_centra_factory_module(orders=240, seed=61, **QUOTAS)


def alone(fake, stream, state=None, **config) -> tuple[cli.Run, int]:
    fake.reset_stats()
    run = pinned(fake, [stream], state=state, **config)
    assert run.exit_code == 0, run.stderr[-2000:]
    return run, fake.stats()["by_root_field"]


def test_given_the_parent_streams_together_then_each_equals_its_separate_read_with_half_the_pages(fake):
    fake.reset_stats()
    shared = pinned(fake, SHARED, concurrency=1)
    shared_roots = fake.stats()["by_root_field"]
    assert shared.exit_code == 0, shared.stderr[-2000:]
    separate_roots: dict[str, list[int]] = {}
    print("\nstream | records | records sha | states | states sha (shared pass = separate read)")
    for stream in SHARED:
        run, roots = alone(fake, stream, concurrency=1)
        for root in ("orderConnection", "returns"):
            if roots.get(root):
                separate_roots.setdefault(root, []).append(roots[root])
        got, want = digest(shared, stream), digest(run, stream)
        print(f"{stream} | {got['records']} | {got['records_sha']} | {got['states']} | {got['states_sha']}")
        assert got == want, stream
        assert got["records"] > 0 and got["states"] > 1
    # each page once: the pass sends what the dearer of the two separate reads sends (orders alone: its
    # pages and the follow-ups of sparse attributes, source_centra/sparse.py); the other's pages are saved
    for root in ("orderConnection", "returns"):
        assert len(separate_roots[root]) == 2 and shared_roots[root] == max(separate_roots[root]), separate_roots


@pytest.mark.heavy
def test_given_stores_read_concurrently_then_the_records_and_the_final_state_equal_separate_reads(fake):
    shared = pinned(fake, SHARED, concurrency=3)
    assert shared.exit_code == 0, shared.stderr[-2000:]
    for stream in SHARED:
        run, _ = alone(fake, stream, concurrency=3)
        assert unordered(shared, stream) == unordered(run, stream), stream


@pytest.mark.heavy
def test_given_a_crash_in_the_middle_of_a_shared_pass_then_the_resumed_pass_equals_separate_resumed_reads(fake):
    streams = ["orders", "order_items"]
    for kill_after in (333, 290, 375, 420, 250, 460, 210, 170):  # a kill between the two streams' checkpoints of a page
        crashed = pinned(fake, streams, kill_after=kill_after, concurrency=1)
        saved = state_file(crashed, streams)
        resumes = {s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"] for s in saved}
        if len(resumes) == 2 and resumes["orders"] != resumes["order_items"]:
            break
    # the two streams' last checkpoints fell on different pages: their windows resume at different points
    assert len(resumes) == 2 and resumes["orders"] != resumes["order_items"], resumes
    assert any("window" in entry for entry in resumes["orders"]["partitions"].values())  # mid-window

    fake.reset_stats()
    resumed = pinned(fake, streams, state=saved, concurrency=1)
    resumed_pages = requests(fake, "orderConnection")
    assert resumed.exit_code == 0, resumed.stderr[-2000:]
    separate_pages = 0
    for stream in streams:
        run, roots = alone(fake, stream, state=[s for s in saved if s["stream"]["stream_descriptor"]["name"] == stream],
                           concurrency=1)
        separate_pages += roots["orderConnection"]
        print(f"\n{stream} resumed: shared {digest(resumed, stream)} separate {digest(run, stream)}")
        assert digest(resumed, stream) == digest(run, stream), stream
    # the two resume points converge: the page between them is read for one stream, the rest once for both
    assert resumed_pages <= separate_pages // 2 + 3, (resumed_pages, separate_pages)
    outcome = scenarios.compare(fake, [crashed, resumed], streams)
    assert outcome.lost == 0 and not any(outcome.invented.values()), outcome.describe()


@pytest.mark.heavy
def test_given_an_incremental_sync_after_a_shared_one_then_the_windows_are_shared_again_and_equal(fake):
    first = pinned(fake, SHARED, concurrency=1)
    saved = state_file(first, SHARED)
    fake.reset_stats()
    second = pinned(fake, SHARED, state=saved, concurrency=1)
    shared_pages = requests(fake, "orderConnection")
    assert second.exit_code == 0
    separate = 0
    for stream in SHARED:
        run, roots = alone(fake, stream, state=[s for s in saved if s["stream"]["stream_descriptor"]["name"] == stream],
                           concurrency=1)
        separate += roots.get("orderConnection", 0)
        assert digest(second, stream) == digest(run, stream), stream
    assert shared_pages * 2 == separate


@pytest.mark.heavy
def test_given_one_stream_was_reset_then_the_windows_differ_and_each_still_equals_its_separate_read(fake):
    first = pinned(fake, ["orders"], concurrency=1)
    saved = state_file(first, ["orders"])  # order_items has no state: its window starts at the start date
    second = pinned(fake, ["orders", "order_items"], state=saved, concurrency=1)
    assert second.exit_code == 0
    for stream in ("orders", "order_items"):
        run, _ = alone(fake, stream, state=[s for s in saved if s["stream"]["stream_descriptor"]["name"] == stream],
                       concurrency=1)
        assert digest(second, stream) == digest(run, stream), stream


@pytest.mark.heavy
def test_given_a_token_without_what_one_member_needs_then_only_that_member_fails_and_the_other_equals_its_read(fake):
    # return_items needs Shipment:read (shipmentLine.id); returns only leaves shipment_id null without it
    token = fake.create_token(permissions=[p for p in scenarios.ALL_READ if p != "Shipment:read"] + ["Currency:read"])
    run = pinned(fake, ["returns", "return_items"], concurrency=1, api_token=token)
    assert run.exit_code != 0
    [error] = [e for e in run.errors if (e.get("stream_descriptor") or {}).get("name") == "return_items"]
    assert error["failure_type"] == "config_error" and "Shipment" in error["message"]
    statuses = [(m["trace"]["stream_status"]["stream_descriptor"]["name"], m["trace"]["stream_status"]["status"])
                for m in run.of_type("TRACE") if m["trace"]["type"] == "STREAM_STATUS"]
    assert ("returns", "COMPLETE") in statuses and ("return_items", "INCOMPLETE") in statuses
    separate = pinned(fake, ["returns"], concurrency=1, api_token=token)
    assert digest(run, "returns") == digest(separate, "returns") and digest(run, "returns")["records"] > 0


@pytest.mark.heavy
def test_given_a_shared_pass_then_each_stream_reports_started_running_complete_once_in_that_order(fake):
    run = pinned(fake, SHARED)
    assert run.exit_code == 0
    for stream in SHARED:
        statuses = [m["trace"]["stream_status"]["status"] for m in run.of_type("TRACE")
                    if m["trace"]["type"] == "STREAM_STATUS"
                    and m["trace"]["stream_status"]["stream_descriptor"]["name"] == stream
                    and not m["trace"]["stream_status"].get("reasons")]
        assert statuses == ["STARTED", "RUNNING", "COMPLETE"], (stream, statuses)
        positions = [i for i, m in enumerate(run.messages) if m.get("type") == "RECORD" and m["record"]["stream"] == stream]
        started = next(i for i, m in enumerate(run.messages) if m.get("type") == "TRACE"
                       and m["trace"]["type"] == "STREAM_STATUS" and m["trace"]["stream_status"]["status"] == "STARTED"
                       and m["trace"]["stream_status"]["stream_descriptor"]["name"] == stream)
        assert started < positions[0]


@pytest.mark.heavy
def test_given_a_token_without_order_attributes_then_the_sparse_list_is_dropped_and_reads_equal_separate_ones(fake):
    # orders ask attributes for presence only (source_centra/sparse.py); a token that may not read them gets
    # them null, with one warning, in the shared pass as alone
    token = fake.create_token(permissions=scenarios.ALL_READ + ["Currency:read"])
    run = pinned(fake, ["orders", "order_items"], concurrency=1, api_token=token)
    assert run.exit_code == 0, run.stderr[-2000:]
    assert all(record.get("attributes") is None for record in run.records["orders"])
    warnings = [m["log"]["message"] for m in run.of_type("LOG") if "Order.attributes" in m["log"]["message"]]
    assert len(warnings) == 1, warnings
    for stream in ("orders", "order_items"):
        separate = pinned(fake, [stream], concurrency=1, api_token=token)
        assert digest(run, stream) == digest(separate, stream), stream
