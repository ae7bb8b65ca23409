"""The files a run is given (--config, --catalog, --state), read with an error in words for every way
they can be wrong, instead of the CDK's "Something went wrong" and a Python traceback.

- config: missing, unreadable, not JSON, not an object (the values themselves: config.py);
- catalog: not JSON, not ``{"streams": [...]}``, a stream this connector does not have, a sync mode
  that does not exist, a stream listed twice. Incremental asked of a stream without a cursor
  (``markets``) is a warning, not an error: PyAirbyte asks every stream for incremental, and the stream
  is then read whole, as it always is, with one log line saying so;
- state: only per-stream state (``STREAM``); ``GLOBAL`` and legacy shapes were never written by this
  connector. The content of each stream's state is checked by state.py.
Every message says what to do: fix the file, refresh the schema, or reset the stream.
"""
from __future__ import annotations

import json
from typing import Any

from source_centra.errors import ConfigError
from source_centra.streams import STREAMS

SYNC_MODES = ("full_refresh", "incremental")
DESTINATION_SYNC_MODES = ("append", "overwrite", "append_dedup", "update", "soft_delete")
RESET = ("Reset (clear) the stream's data in Airbyte (Connection → Settings → Clear data) so the next sync "
         "starts from the start date, or restore the state the connector last emitted.")


STATE_HINT = ("Reset (clear) the connection's state in Airbyte so the next sync starts from the start date, or pass the "
              "state messages the connector last emitted.")


def read_json(path: Any, what: str) -> Any:
    """A JSON file's content; ConfigError naming the file and what is wrong with it."""
    fix = STATE_HINT if what == "state" else f"Check the file given to --{what}."
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise ConfigError(f"The {what} file '{path}' does not exist. Check the path given to --{what}.") from None
    except IsADirectoryError:
        raise ConfigError(f"The {what} file '{path}' is a directory, not a file. Check the path given to --{what}.") from None
    except (OSError, UnicodeDecodeError, TypeError, ValueError) as error:
        raise ConfigError(f"The {what} file '{path}' could not be read ({type(error).__name__}). Check the file "
                          f"given to --{what} is a readable UTF-8 JSON file.") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        where = f" at line {error.lineno}, column {error.colno}" if isinstance(error, json.JSONDecodeError) else ""
        raise ConfigError(f"The {what} file '{path}' is not valid JSON{where}. {fix}") from None


def read_config(path: Any) -> dict:
    content = read_json(path, "config")
    if not isinstance(content, dict):
        raise ConfigError(f"The config file '{path}' holds {_kind(content)}, not a JSON object of settings. Pass e.g. "
                          '{"endpoint_url": "https://your-shop.centra.com/graphql", "api_token": "..."}.')
    return content


def check_catalog(content: Any, path: Any = "catalog") -> list[str]:
    """Raise ConfigError naming every problem of a configured catalog's content, in words; return the
    warnings (sync modes a stream does not support, which it is read without)."""
    if not isinstance(content, dict) or not isinstance(content.get("streams"), list):
        raise ConfigError(f"The catalog file '{path}' is not an Airbyte configured catalog ({{\"streams\": [...]}}); it "
                          f"holds {_kind(content)}. Pass the catalog Airbyte writes, or one built from this connector's "
                          "discover output.")
    known = {spec.name: spec for spec in STREAMS}
    problems: list[str] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for index, entry in enumerate(content["streams"]):
        stream = entry.get("stream") if isinstance(entry, dict) else None
        name = stream.get("name") if isinstance(stream, dict) else None
        if not isinstance(name, str):
            problems.append(f"entry {index + 1} of the catalog names no stream (it needs stream.name)")
            continue
        if name not in known:
            problems.append(f"the catalog asks for stream '{_clip(name)}', which this connector does not have (it has "
                            f"{', '.join(sorted(known))}); refresh the source schema in Airbyte, or run discover, and "
                            "pick streams from it")
            continue
        if name in seen:
            problems.append(f"stream '{name}' is listed twice in the catalog; keep one entry")
        seen.add(name)
        mode = entry.get("sync_mode")
        if mode not in SYNC_MODES:
            problems.append(f"stream '{name}' has sync mode {_clip(mode)!r}; use full_refresh or incremental")
        elif mode == "incremental" and not known[name].cursor_field:
            warnings.append(f"The catalog asks stream '{name}' for incremental sync, which it does not support (Centra "
                            "gives it no update time): it is read whole (full refresh) in every sync. Set its sync mode "
                            "to Full refresh (Overwrite) to match.")
        destination = entry.get("destination_sync_mode")
        if destination not in DESTINATION_SYNC_MODES:
            problems.append(f"stream '{name}' has destination sync mode {_clip(destination)!r}; use one of "
                            f"{', '.join(DESTINATION_SYNC_MODES)}")
    if problems:
        raise ConfigError("The catalog given to this sync has problems: " + "; ".join(problems) + ".")
    return warnings


def check_state_messages(content: Any) -> None:
    """Only per-stream (STREAM) state messages: name any other kind, and say how to reset."""
    if not content:
        return
    if not isinstance(content, list):
        raise ConfigError(f"The state given to this sync is {_kind(content)}, not a list of Airbyte state messages "
                          "(this connector writes per-stream state). " + RESET)
    for message in content:
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "STREAM":
            continue
        if kind == "GLOBAL":
            raise ConfigError("The state given to this sync is GLOBAL state (one state shared by all streams), which "
                              "this connector never writes: it keeps one state per stream. " + RESET)
        raise ConfigError(f"The state given to this sync has a message of type {_clip(kind)!r}; this connector reads "
                          "only per-stream (STREAM) state messages. " + RESET)


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "nothing (null)", bool: "true/false", int: "a number",
            float: "a number", dict: "an object"}.get(type(value), type(value).__name__)


def _clip(value: Any) -> Any:
    return value[:60] if isinstance(value, str) else value if isinstance(value, (int, float, type(None))) else _kind(value)
