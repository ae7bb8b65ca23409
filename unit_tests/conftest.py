"""Shared unit-test fixtures: API nodes from fixtures/nodes/<stream>.json ({case: node})."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

NODES_DIR = Path(__file__).parent / "fixtures" / "nodes"


def _load_nodes(stream: str) -> dict[str, Any]:
    return json.loads((NODES_DIR / f"{stream}.json").read_text(encoding="utf-8"))


@pytest.fixture
def nodes() -> Callable[[str], dict[str, Any]]:
    """``nodes("order_items")["wholesale_winter"]``: a fresh copy of a fixture node per call."""
    return _load_nodes


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking ``fixture_node`` runs once per (stream, case, node) in fixtures/nodes/."""
    if "fixture_node" in metafunc.fixturenames:
        cases = [
            (path.stem, case, node)
            for path in sorted(NODES_DIR.glob("*.json"))
            for case, node in _load_nodes(path.stem).items()
        ]
        metafunc.parametrize("fixture_node", cases, ids=[f"{s}-{c}" for s, c, _ in cases])
