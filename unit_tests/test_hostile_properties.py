"""Property-based tests over config, state and catalog values (issue 18): whatever a careless user or a
foreign tool hands the connector, the answer is a value that respects the invariants, or a ConfigError
in words that quotes no secret. Never another exception (a traceback), never a window beyond the sync's
start. The default run tries a few hundred values per property; `scripts/test.sh --heavy` many more."""
from __future__ import annotations

import json
import math
import os
import tempfile
from datetime import datetime, timedelta, timezone
from importlib.resources import files

import pytest
import yaml
from airbyte_cdk.models import ConnectorSpecification
from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets, update_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as s

from source_centra import inputs
from source_centra import state as st
from source_centra.config import _BOUNDS, Config
from source_centra.errors import ConfigError
from source_centra.run import CentraEntrypoint
from source_centra.source import SourceCentra
from source_centra.streams import STREAMS

SPEC = ConnectorSpecification(**yaml.safe_load(files("source_centra").joinpath("spec.yaml").read_text()))
KEYS = list(SPEC.connectionSpecification["properties"]) + ["extra_key"]
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
FAST = settings(max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
HEAVY = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# ---------------------------------------------------------------- strategies

scalars = s.one_of(s.none(), s.booleans(), s.integers(), s.integers(min_value=-10**30, max_value=10**30),
                   s.floats(allow_nan=True, allow_infinity=True), s.text(max_size=30),
                   s.sampled_from(["inf", "-Infinity", "NaN", "1e400", " 50 ", "0x10", "", " ", "\n", "100.0", "3.5",
                                   "https://shop.centra.com/graphql", "http://127.0.0.1:1/graphql", "2024-01-01",
                                   "2099-01-01", "0001-01-01T00:00:00+01:00", "keep", "HASH"]))
json_values = s.recursive(scalars, lambda inner: s.one_of(s.lists(inner, max_size=4),
                                                          s.dictionaries(s.text(max_size=8), inner, max_size=4)),
                          max_leaves=12)
tokens = s.one_of(s.text(min_size=0, max_size=40), s.from_regex(r"\s*tok[A-Za-z0-9_\-\.]{6,30}\s*", fullmatch=True),
                  s.builds(lambda a, sep, b: a + sep + b, s.from_regex(r"tok[a-z0-9]{6}", fullmatch=True),
                           s.sampled_from([" ", "\n", "€", "\x00", "\t", "é"]), s.from_regex(r"[a-z0-9]{6}", fullmatch=True)))
urls = s.one_of(s.text(max_size=40), s.sampled_from([
    "https://shop.centra.com/graphql", "https://shop.centra.com", " https://shop.centra.com/graphql ",
    "http://localhost:8080", "http://shop.centra.com", "https://u:p4ssw0rd-x@shop.centra.com/graphql",
    "https://[::1/graphql", "https://shop.centra.com:70000/", "ftp://shop.centra.com", "https://shop centra.com"]))
numbers = s.one_of(s.floats(allow_nan=True, allow_infinity=True), s.integers(min_value=-10**400, max_value=10**400),
                   s.integers(min_value=-5, max_value=100_000), s.floats(min_value=-1e6, max_value=1e6).map(str),
                   s.sampled_from(["inf", "-inf", "Infinity", "nan", "1e400", "1e-400", " 7 ", "7.0", "7.5", "", "0"]),
                   json_values)
store_lists = s.one_of(s.lists(s.one_of(numbers, s.integers(min_value=1, max_value=5)), max_size=4), json_values)
by_key = {**{key: numbers for key in _BOUNDS}, "store_ids": store_lists, "start_date": s.one_of(s.one_of(
    s.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(lambda t: t.isoformat()),
    s.dates().map(str)), json_values)}
configs = s.fixed_dictionaries({}, optional={key: by_key.get(key, json_values) for key in KEYS}).flatmap(
    lambda raw: s.builds(lambda url, token: {**raw, "endpoint_url": url, "api_token": token}, urls, tokens))


def _config_invariants(config: Config) -> None:
    assert config.endpoint_url.startswith(("https://", "http://")) and config.endpoint_url.endswith("/graphql")
    assert "@" not in config.endpoint_url.split("/")[2]
    assert config.api_token and all(0x21 <= ord(c) <= 0x7E for c in config.api_token)
    for key, (kind, low, high, _title) in _BOUNDS.items():
        value = getattr(config, key)
        assert isinstance(value, kind) and not isinstance(value, bool) and math.isfinite(value) and low <= value <= high
    assert all(isinstance(i, int) and 0 < i < 2**31 for i in config.store_ids)
    assert config.start_date is None or config.start_date.tzinfo is not None


def _quotes_no_secret(message: str, raw: dict) -> None:
    token = raw.get("api_token")
    if not isinstance(token, str) or len(token.strip()) < 8:
        return
    others = " ".join(f"{v} {v!r}" for k, v in raw.items() if k != "api_token")  # the same text given elsewhere
    for part in {token.strip(), *token.split()}:
        if len(part) >= 8 and part not in others:
            assert part not in message, "the token is quoted in a message"


# ---------------------------------------------------------------- config

def config_property(raw: dict) -> None:
    try:
        config = Config.from_mapping(raw)
    except ConfigError as error:
        assert error.message.startswith("The source configuration has problems") or "not a JSON object" in error.message
        _quotes_no_secret(error.message, raw)
        return
    _config_invariants(config)
    try:  # what the entrypoint runs before check/discover/read: only a config error may come out
        CentraEntrypoint.validate_connection(SPEC, raw)
    except AirbyteTracedException as error:
        assert error.failure_type.value == "config_error"
        _quotes_no_secret(error.message or "", raw)


@FAST
@given(configs)
def test_any_config_is_parsed_or_refused_in_words(raw):
    config_property(raw)


@pytest.mark.heavy
@HEAVY
@given(configs)
def test_any_config_is_parsed_or_refused_in_words_heavy(raw):
    config_property(raw)


@FAST
@given(s.from_regex(r"tok[A-Za-z0-9_\-\.~+/=]{6,40}", fullmatch=True), s.sampled_from(["", " ", "\n", "  \t", "\r\n"]),
       s.sampled_from(["", " ", "\n", "\t"]))
def test_any_token_with_whitespace_around_is_masked_in_every_sent_form(token, before, after):
    update_secrets([])
    raw = {"endpoint_url": "https://shop.centra.com/graphql", "api_token": before + token + after}
    CentraEntrypoint.set_up_secret_filter(raw, SPEC.connectionSpecification)
    assert Config.from_mapping(raw).api_token == token
    for echoed in (f"Authorization: Bearer {token}", f"said {token}.", f"{token}"):
        assert token not in filter_secrets(echoed)
    update_secrets([])


# ---------------------------------------------------------------- state

times = s.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                    timezones=s.sampled_from([timezone.utc, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))]))
stamps = s.one_of(times.map(lambda t: t.isoformat()), json_values)
resumes = s.one_of(s.none(), s.integers(), s.text(max_size=20), json_values,
                   s.fixed_dictionaries({"from": stamps}, optional={"page": json_values, "seen": json_values}))
entries = s.fixed_dictionaries({}, optional={
    "cursor": stamps, "stores": json_values,
    "window": s.fixed_dictionaries({"from": stamps, "to": stamps}, optional={"resume": resumes})})
states = s.one_of(
    json_values,
    s.fixed_dictionaries({"partitions": s.dictionaries(s.one_of(s.sampled_from(["1", "2", "all", "*", "0", "-1"]),
                                                                s.text(max_size=4)), entries, max_size=3)},
                         optional={"state_version": s.one_of(s.just(1), json_values)}),
    s.fixed_dictionaries({"stores": s.dictionaries(s.text(max_size=3), s.one_of(stamps, s.dictionaries(
        s.just("updated_at"), stamps)), max_size=3)}),
    s.fixed_dictionaries({"updated_at": stamps}))


def state_property(raw) -> None:
    try:
        state = st.normalise(raw, "orders", "updated_at")
    except ConfigError as error:
        assert "'orders'" in error.message and ("Clear data" in error.message or "upgrade" in error.message)
        return
    state = st.expand_legacy(state, ["1", "2"])
    state, _warnings = st.clamp_future(state, NOW)
    for entry in state["partitions"].values():
        assert not entry.get("cursor") or st.parse_time(entry["cursor"]) <= NOW
    windows = st.plan(state, ["1", "2"], None, timedelta(days=90), NOW)
    for window in windows:
        assert st.EPOCH <= window.start <= window.end <= NOW
        state = st.advance(state, window, done=True)
    for entry in state["partitions"].values():  # nothing is ever saved beyond what was read
        assert not entry.get("cursor") or st.parse_time(entry["cursor"]) <= NOW


@FAST
@given(states)
def test_any_stream_state_is_read_or_refused_with_a_reset_hint_and_never_points_past_the_sync(raw):
    state_property(raw)


@pytest.mark.heavy
@HEAVY
@given(states)
def test_any_stream_state_is_read_or_refused_heavy(raw):
    state_property(raw)


@FAST
@given(json_values)
def test_any_snapshot_position_is_read_or_refused(raw):
    try:
        position = st.normalise_snapshot(raw, "stock")
    except ConfigError as error:
        assert "Clear data" in error.message
        return
    assert position == {} or (int(position["page"]) >= 1 and st.parse_time(position["synced_at"]))


# ---------------------------------------------------------------- catalog and state files

names = s.one_of(s.sampled_from([spec.name for spec in STREAMS] + ["nosuch", ""]), json_values)
catalog_entries = s.one_of(json_values, s.fixed_dictionaries(
    {"stream": s.one_of(s.fixed_dictionaries({"name": names, "json_schema": s.just({}),
                                              "supported_sync_modes": s.just(["full_refresh", "incremental"])}), json_values)},
    optional={"sync_mode": s.one_of(s.sampled_from(["full_refresh", "incremental", "bogus"]), json_values),
              "destination_sync_mode": s.one_of(s.sampled_from(["append", "overwrite", "append_dedup", "merge"]), json_values),
              "cursor_field": json_values, "primary_key": json_values}))
catalogs = s.one_of(json_values, s.fixed_dictionaries({"streams": s.lists(catalog_entries, max_size=4)}))


def file_property(reader, content) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "file.json")
        with open(path, "w") as handle:
            handle.write(content if isinstance(content, str) else json.dumps(content))
        try:
            reader(path)
        except ConfigError as error:
            assert error.message and "Traceback" not in error.message


@FAST
@given(s.one_of(catalogs, s.text(max_size=30)))
def test_any_catalog_file_is_read_or_refused_in_words(content):
    file_property(SourceCentra.read_catalog, content)


@FAST
@given(s.one_of(s.lists(s.one_of(json_values, s.fixed_dictionaries({"type": s.sampled_from(["STREAM", "GLOBAL", "LEGACY"])},
                                                                   optional={"stream": json_values, "global": json_values})),
                        max_size=3), json_values, s.text(max_size=20)))
def test_any_state_file_is_read_or_refused_in_words(content):
    file_property(SourceCentra.read_state, content)


@FAST
@given(s.one_of(json_values, s.text(max_size=30)))
def test_any_config_file_is_read_or_refused_in_words(content):
    file_property(inputs.read_config, content)
