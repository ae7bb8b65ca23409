"""poetry.lock and its hashed exports are in step with pyproject.toml (offline: no poetry needed).

The Docker image installs requirements.txt with `pip --require-hashes` and then the connector with
`--no-deps`, so a stale lock would ship versions nobody tested, or fail the build. After changing a
dependency, run scripts/lock.sh; these tests say which file is behind.
"""
from __future__ import annotations

import json
import re
from hashlib import sha256
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
RELOCK = "pyproject.toml changed without re-locking: run scripts/lock.sh and commit poetry.lock, requirements*.txt"


def _load(name: str) -> dict:
    return tomllib.loads((ROOT / name).read_text())


PYPROJECT = _load("pyproject.toml")
LOCK = _load("poetry.lock")


def poetry_content_hash(pyproject: dict) -> str:
    """Poetry's own freshness hash (poetry/packages/locker.py `_get_content_hash`, Poetry 2.x):
    sha256 of the dependency-relevant parts of pyproject.toml, as sorted JSON."""
    project = {k: pyproject["project"][k] for k in ("requires-python", "dependencies", "optional-dependencies")
               if k in pyproject.get("project", {})}
    groups = pyproject.get("dependency-groups", {})
    tool_poetry = pyproject.get("tool", {}).get("poetry", {})
    poetry_part = {k: tool_poetry[k] for k in ("dependencies", "source", "extras", "dev-dependencies", "group")
                   if k in tool_poetry}
    content: dict = {"project": project}
    if groups:
        content["dependency-groups"] = groups
    content["tool"] = {"poetry": poetry_part}
    return sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def locked_versions() -> dict[str, set[str]]:
    versions: dict[str, set[str]] = {}
    for package in LOCK["package"]:
        versions.setdefault(canonicalize_name(package["name"]), set()).add(package["version"])
    return versions


def exported(name: str) -> dict[tuple[str, str], set[str]]:
    """(name, version) -> hashes of a `poetry export` requirements file."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / name).read_text())
    entries: dict[tuple[str, str], set[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        assert match, f"{name}: not an exact pin: {line[:80]}"
        hashes = set(re.findall(r"--hash=(sha256:[0-9a-f]{64})", line))
        assert hashes, f"{name}: {match[1]} has no --hash"
        entries[(canonicalize_name(match[1]), match[2])] = hashes
    return entries


def locked_files(group: str) -> dict[tuple[str, str], set[str]]:
    """(name, version) -> file hashes of the lock's non-optional packages in `group`."""
    return {(canonicalize_name(p["name"]), p["version"]): {f["hash"] for f in p["files"]}
            for p in LOCK["package"] if group in p.get("groups", []) and not p.get("optional", False)}


def test_lock_content_hash_matches_pyproject():
    assert LOCK["metadata"]["content-hash"] == poetry_content_hash(PYPROJECT), RELOCK
    assert LOCK["metadata"]["python-versions"].replace(" ", "") == PYPROJECT["project"]["requires-python"].replace(" ", "")


def test_every_declared_dependency_is_locked_at_an_allowed_version():
    project = PYPROJECT["project"]
    declared = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        declared += extra
    for group in PYPROJECT.get("dependency-groups", {}).values():
        declared += [r for r in group if isinstance(r, str)]
    versions = locked_versions()
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in versions, f"{requirement.name} is not in poetry.lock. {RELOCK}"
        assert any(requirement.specifier.contains(v, prereleases=True) for v in versions[name]), (
            f"poetry.lock has {requirement.name} {sorted(versions[name])}, pyproject wants {requirement.specifier}. {RELOCK}")


@pytest.mark.parametrize("export, group", [("requirements.txt", "main"), ("requirements-build.txt", "build")],
                         ids=["runtime", "build-backend"])
def test_hashed_export_equals_the_lock(export, group):
    assert exported(export) == locked_files(group), f"{export} differs from poetry.lock. {RELOCK}"


def test_runtime_export_has_no_dev_or_demo_packages():
    names = {name for name, _ in exported("requirements.txt")}
    for extra in ("pytest", "requests-mock", "airbyte", "poetry-core", "pytest-timeout"):
        assert extra not in names


def test_locked_build_backend_satisfies_build_system():
    [(name, version)] = exported("requirements-build.txt")
    [requirement] = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    assert name == canonicalize_name(requirement.name) and requirement.specifier.contains(version)


def test_dockerfile_installs_the_exports_with_hashes_then_the_connector_without_resolving():
    dockerfile = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    assert re.search(r"pip install [^\n]*--require-hashes [^\n]*-r requirements\.txt", dockerfile)
    assert re.search(r"pip install [^\n]*--require-hashes [^\n]*-r requirements-build\.txt", dockerfile)
    assert re.search(r"pip install [^\n]*--no-deps [^\n]*--no-build-isolation [^\n]*\.", dockerfile)
    assert "pip check" in dockerfile
