"""Airbyte's standard source tests (spec, config vs spec, check, discover, read, bad catalog) against a fake
Centra on the port the acceptance-test-config.yml configs point at, at `test_strictness_level: high`;
plus the config's `incremental` entries, which the CDK's suite does not collect: a read with a future
state (abnormal_state.json) reads nothing old, as Airbyte's acceptance tests expect, and saves the cursors
at the sync's start, never in the future (issue 18: a future cursor kept would skip every row updated
until then, for good)."""
from __future__ import annotations

import json
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from airbyte_cdk.models import AirbyteStateMessageSerializer, ConfiguredAirbyteCatalogSerializer, SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase

from fake_centra import FakeCentra
from source_centra import SourceCentra
from source_centra.state import normalise, parse_time
from source_centra.streams import STREAMS_BY_NAME

TOKEN = "standard-suite-token"
ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "acceptance-test-config.yml").read_text())
FAKE_STORES = {"1", "2", "3"}
WRITTEN_ENDPOINT = "http://127.0.0.1:18741/graphql"  # what the config files say; the fake's port replaces it


def _free_port() -> int:
    """A port free now, picked when this module is imported (the scenarios are collected before any
    fixture runs), so parallel workers and other checkouts on the machine do not collide on one port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()


def on_this_port(config: dict) -> dict:
    if config.get("endpoint_url") == WRITTEN_ENDPOINT:
        return {**config, "endpoint_url": f"http://127.0.0.1:{PORT}/graphql"}
    return config


@pytest.fixture(scope="module", autouse=True)
def fake_centra_on_the_configs_port():
    # quotas high enough that pacing does not stretch the many small pages of small_pages_config: per 10 s,
    # and per hour (at Growth's 5,000 an hour the pacer spreads all but a tenth of its share over the hour:
    # ~310 requests took 95 s)
    fake = FakeCentra(orders=120, seed=21, port=PORT, token=TOKEN, quota_requests=1000, quota_complexity=10_000_000,
                      quota_requests_hour=100_000, quota_complexity_hour=1_000_000_000)
    fake.start()
    yield fake
    fake.stop()


class TestAirbyteStandards(SourceTestSuiteBase):
    connector = SourceCentra

    @classmethod
    def get_scenarios(cls):
        """The suite's scenarios, each config pointed at this module's fake."""
        return [scenario.model_copy(update={"config_dict": on_this_port(
            scenario.get_config_dict(connector_root=ROOT, empty_if_missing=True))}) if scenario.config_path else scenario
            for scenario in super().get_scenarios()]


def test_config_is_at_the_suites_highest_strictness_with_every_section():
    assert CONFIG["test_strictness_level"] == "high"
    sections = CONFIG["acceptance_tests"]
    assert set(sections) == {"spec", "connection", "discovery", "basic_read", "full_refresh", "incremental"}
    assert not [t for s in sections.values() for t in s["tests"] if t.get("validate_schema") is False]


INCREMENTAL = [pytest.param(t, id=Path(t["config_path"]).stem) for t in CONFIG["acceptance_tests"]["incremental"]["tests"]]


def _future_state(entry: dict) -> list[dict]:
    return json.loads((ROOT / entry["future_state"]["future_state_path"]).read_text())


def _incremental_streams(entry: dict) -> list[str]:
    catalog = json.loads((ROOT / entry["configured_catalog_path"]).read_text())
    return [s["stream"]["name"] for s in catalog["streams"] if s["sync_mode"] == "incremental"]


@pytest.mark.parametrize("entry", INCREMENTAL)
def test_future_state_file_covers_every_incremental_stream_in_the_connectors_state_shape(entry):
    states = {s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"] for s in _future_state(entry)}
    missing = {m["name"]: m.get("bypass_reason") for m in entry["future_state"].get("missing_streams", [])}
    assert all(missing.values()), "every stream without a future state needs a bypass_reason"
    assert set(_incremental_streams(entry)) == set(states) | set(missing)
    now = datetime.now(timezone.utc)
    for name, stream_state in states.items():
        spec = STREAMS_BY_NAME[name]
        assert normalise(stream_state, name, spec.cursor_field) == stream_state, f"{name}: not state_version 1 as written"
        assert set(stream_state["partitions"]) == (FAKE_STORES if spec.by_store else {"all"}), name
        for partition in stream_state["partitions"].values():
            assert set(partition) == {"cursor"} and parse_time(partition["cursor"]) > now, name


@pytest.mark.parametrize("entry", INCREMENTAL)
def test_read_with_future_state_emits_no_old_records_and_clamps_the_cursors_to_the_sync_start(entry):
    config = on_this_port(json.loads((ROOT / entry["config_path"]).read_text()))
    catalog = ConfiguredAirbyteCatalogSerializer.load(json.loads((ROOT / entry["configured_catalog_path"]).read_text()))
    future = _future_state(entry)

    output = read(SourceCentra(), config, catalog, state=[AirbyteStateMessageSerializer.load(s) for s in future])

    assert not output.errors, [e.trace.error.message for e in output.errors]
    incremental = set(_incremental_streams(entry))
    assert not [r for r in output.records if r.record.stream in incremental]
    full_refresh = {s.stream.name for s in catalog.streams if s.sync_mode == SyncMode.full_refresh}
    assert {r.record.stream for r in output.records} == full_refresh  # markets, stores: read as always
    last = {}
    for message in output.state_messages:
        last[message.state.stream.stream_descriptor.name] = message.state.stream.stream_state.__dict__
    now = datetime.now(timezone.utc)
    for given in future:
        name = given["stream"]["stream_descriptor"]["name"]
        saved = last[name]["partitions"]
        assert set(saved) == set(given["stream"]["stream_state"]["partitions"]), name
        for partition, entry in saved.items():
            cursor = datetime.fromisoformat(entry["cursor"])
            assert now - timedelta(minutes=10) < cursor <= now, (name, partition, entry)
    warnings = [m.log.message for m in output.logs if "later than this sync's start" in m.log.message]
    assert len(warnings) >= len(future), "each clamped cursor is named in a warning"
