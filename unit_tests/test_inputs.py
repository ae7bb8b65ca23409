"""The files a run is given, each wrong in every way we could think of: an error in words naming the
problem and the fix, never the CDK's "Something went wrong" (issue 18 cases 9 and 11)."""
from __future__ import annotations

import json

import pytest

from source_centra import inputs
from source_centra.errors import ConfigError
from source_centra.source import SourceCentra


def entry(name="orders", mode="incremental", destination="append_dedup"):
    return {"stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
            "sync_mode": mode, "destination_sync_mode": destination}


@pytest.mark.parametrize("streams, words", [
    ([entry("nosuch")], "asks for stream 'nosuch', which this connector does not have"),
    ([entry(mode="bogus")], "sync mode 'bogus'"),
    ([entry(mode=None)], "sync mode None"),
    ([entry(destination="merge")], "destination sync mode 'merge'"),
    ([entry(), entry()], "listed twice"),
    ([{"sync_mode": "full_refresh"}], "names no stream"),
    ([entry(name=7)], "names no stream"),
], ids=["unknown", "bad-mode", "no-mode", "bad-destination",
        "twice", "no-stream", "name-not-text"])
def test_given_bad_catalog_then_config_error_naming_it_in_words(streams, words):
    with pytest.raises(ConfigError) as error:
        inputs.check_catalog({"streams": streams})
    assert words in error.value.message


@pytest.mark.parametrize("name", ["markets", "stores", "warehouses"])
def test_given_incremental_asked_of_a_stream_without_cursor_then_a_warning_naming_it_not_an_error(name):
    # PyAirbyte asks every stream for incremental; the stream is read whole, as always, and the log says so
    [warning] = inputs.check_catalog({"streams": [entry(name, "incremental", "overwrite")]})
    assert f"stream '{name}' for incremental" in warning and "read whole" in warning


@pytest.mark.parametrize("content", [[], None, "x", {"streams": {}}, {"stream": []}])
def test_given_catalog_that_is_not_a_catalog_then_config_error(content):
    with pytest.raises(ConfigError, match="not an Airbyte configured catalog"):
        inputs.check_catalog(content)


@pytest.mark.parametrize("text, words", [("{not json", "not valid JSON at line 1"), ("[1, 2]", "not an Airbyte configured catalog"),
                                         ('{"streams": [' + "[" * 50_000 + "]" * 50_000 + "]}", "not valid JSON")],
                         ids=["not-json", "list", "deep"])
def test_given_catalog_file_that_is_wrong_then_source_says_so(tmp_path, text, words):
    path = tmp_path / "catalog.json"
    path.write_text(text)
    with pytest.raises(ConfigError, match=words):
        SourceCentra.read_catalog(str(path))


def test_given_valid_catalog_file_then_read():
    path = "integration_tests/configured_catalog.json"
    assert SourceCentra.read_catalog(path).streams


@pytest.mark.parametrize("text, words", [(None, "does not exist"), ("[1]", "holds a list"), ("null", "holds nothing"),
                                         ('"x"', "holds a string"), ("{", "not valid JSON"), (b"\xff\xfe\x00", "could not be read|not valid JSON")],
                         ids=["missing", "list", "null", "string", "broken", "binary"])
def test_given_config_file_that_is_wrong_then_config_error(tmp_path, text, words):
    path = tmp_path / "config.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text)
    with pytest.raises(ConfigError, match=words):
        SourceCentra.read_config(str(path))


def test_given_config_path_is_a_directory_then_config_error(tmp_path):
    with pytest.raises(ConfigError, match="is a directory"):
        SourceCentra.read_config(str(tmp_path))


@pytest.mark.parametrize("content, words", [
    ([{"type": "GLOBAL", "global": {"shared_state": {}, "stream_states": []}}], "GLOBAL state"),
    ([{"type": "LEGACY", "data": {}}], "type 'LEGACY'"),
    ([{"stream": {}}], "type None"),
    ({"orders": {"cursor": 1}}, "not a list of Airbyte state messages"),
], ids=["global", "legacy", "untyped", "object"])
def test_given_state_that_is_not_per_stream_then_config_error_saying_how_to_reset(tmp_path, content, words):
    path = tmp_path / "state.json"
    path.write_text(json.dumps(content))
    with pytest.raises(ConfigError) as error:
        SourceCentra.read_state(str(path))
    assert words in error.value.message and "Clear data" in error.value.message
