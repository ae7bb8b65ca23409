"""The runtime wheel ships the connector and nothing else: no fake Centra, no tests, no dev script.

Built offline through poetry-core's PEP 517 hook, with the build backend version the Dockerfile uses
(requirements-build.txt, which scripts/bootstrap.sh installs into the dev venv).
"""
from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    locked = re.search(r"(?m)^poetry-core==(\S+)", (ROOT / "requirements-build.txt").read_text()).group(1)
    try:
        installed = importlib.metadata.version("poetry-core")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    assert installed == locked, f"poetry-core {installed} in this venv, {locked} locked: run scripts/bootstrap.sh"
    out = tmp_path_factory.mktemp("dist")
    build = "import sys, poetry.core.masonry.api as backend; print(backend.build_wheel(sys.argv[1]))"
    done = subprocess.run([sys.executable, "-c", build, str(out)], cwd=ROOT, check=True, capture_output=True,
                          text=True, timeout=120)
    [name] = [line for line in done.stdout.split() if line.endswith(".whl")]
    with zipfile.ZipFile(out / name) as archive:
        yield archive


def test_wheel_holds_only_source_centra_and_its_dist_info(wheel):
    names = wheel.namelist()
    dist_info = [n for n in names if n.split("/")[0].endswith(".dist-info")]
    assert {n.split("/")[0] for n in dist_info} == {"source_centra-" + _version() + ".dist-info"}
    assert sorted(set(names) - set(dist_info)) == sorted(n for n in names if n.startswith("source_centra/"))
    test_like = [n for n in names if any(part.startswith(("test", "conftest")) or part.endswith("_tests")
                                         or part in ("fake_centra", "__pycache__") for part in n.split("/"))]
    assert not test_like


def test_wheel_carries_the_connector_resources(wheel):
    names = set(wheel.namelist())
    assert {"source_centra/spec.yaml", "source_centra/run.py", "source_centra/queries/orders.graphql",
            "source_centra/schemas/order_items.json"} <= names


def test_wheel_console_scripts_are_the_connector_only(wheel):
    [entry_points] = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "source-centra=source_centra.run:run" in text.replace(" ", "")
    assert "fake" not in text


def _version() -> str:
    import source_centra

    return source_centra.__version__
