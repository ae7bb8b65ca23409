"""Run the real `source-centra` CLI as a user (or Airbyte) would, and read its messages."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from source_centra.streams import STREAMS as STREAM_SPECS

BIN = Path(sys.executable).parent / "source-centra"
HERE = Path(__file__).parent
STREAMS = [spec.name for spec in STREAM_SPECS]  # declared once, in the stream table
INCREMENTAL = [spec.name for spec in STREAM_SPECS if spec.cursor_field]
# Supermetrics' streams: the no-data-lost scenarios run on these (test_new_streams.py covers the others)
CORE_STREAMS = [spec.name for spec in STREAM_SPECS if not spec.optional]


def catalog(streams=None, mode="incremental") -> dict:
    base = json.loads((HERE / "configured_catalog.json").read_text())
    chosen = []
    for entry in base["streams"]:
        name = entry["stream"]["name"]
        if streams is not None and name not in streams:
            continue
        entry = dict(entry)
        if mode == "full_refresh" or name not in INCREMENTAL:
            entry.update(sync_mode="full_refresh", destination_sync_mode="overwrite")
        chosen.append(entry)
    return {"streams": chosen}


def discovered(config: dict) -> list[str]:
    """The streams ``discover`` offers for this config (what the Airbyte UI would list)."""
    result = run("discover", config, timeout=120)
    assert result.exit_code == 0, result.stderr[-2000:]
    [found] = [m["catalog"] for m in result.of_type("CATALOG")]
    return [stream["name"] for stream in found["streams"]]


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    messages: list = field(default_factory=list)

    def of_type(self, kind: str) -> list:
        return [m for m in self.messages if m.get("type") == kind]

    @property
    def records(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for m in self.of_type("RECORD"):
            out[m["record"]["stream"]].append(m["record"]["data"])
        return out

    @property
    def states(self) -> list[dict]:
        return [m["state"] for m in self.of_type("STATE")]

    def last_state_messages(self) -> list[dict]:
        """The latest STATE per stream, as a --state file's content."""
        latest: dict[str, dict] = {}
        for state in self.states:
            latest[state["stream"]["stream_descriptor"]["name"]] = state
        return list(latest.values())

    @property
    def traces(self) -> list[dict]:
        return [m["trace"] for m in self.of_type("TRACE")]

    @property
    def errors(self) -> list[dict]:
        return [t["error"] for t in self.traces if t.get("type") == "ERROR"]

    @property
    def connection_status(self) -> dict:
        [status] = [m["connectionStatus"] for m in self.of_type("CONNECTION_STATUS")]
        return status


def run(command: str, config: dict | None = None, catalog_: dict | None = None, state: list | None = None,
        timeout: float = 300, env: dict | None = None, kill_after_records: int | tuple | None = None) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        args = [str(BIN), command]
        for flag, content in (("--config", config), ("--catalog", catalog_), ("--state", state)):
            if content is not None:
                path = Path(tmp) / f"{flag[2:]}.json"
                path.write_text(json.dumps(content))
                args += [flag, str(path)]
        started = time.monotonic()
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, **(env or {})})
        if kill_after_records is None:
            stdout, stderr = process.communicate(timeout=timeout)
        else:
            stdout, stderr = _read_until_killed(process, kill_after_records, timeout)
        result = Run(process.returncode, stdout, stderr, time.monotonic() - started)
        for line in stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    result.messages.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
        return result


def _read_until_killed(process: subprocess.Popen, records, timeout: float) -> tuple[str, str]:
    """SIGKILL the process after it has emitted `records` RECORD messages (a crash mid-sync); `records` may
    be (stream, n): after n RECORD messages of that stream (streams are read side by side, lanes.py, so a
    count over all streams does not say where one of them is)."""
    stream, records = records if isinstance(records, tuple) else (None, records)
    lines, seen, deadline = [], 0, time.monotonic() + timeout
    for line in process.stdout:
        lines.append(line)
        if '"type":"RECORD"' in line.replace(" ", "") and (stream is None or json.loads(line)["record"]["stream"] == stream):
            seen += 1
            if seen >= records:
                process.send_signal(signal.SIGKILL)
                break
        if time.monotonic() > deadline:
            process.kill()
            break
    process.wait(timeout=30)
    return "".join(lines), process.stderr.read()


def config_for(fake, **overrides) -> dict:
    return {"endpoint_url": fake.url, "api_token": fake.token, **overrides}
