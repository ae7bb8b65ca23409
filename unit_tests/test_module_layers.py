"""The planner's modules are layers: each imports only the layers below it, so none can import its
importers back; and no module of the connector imports itself back through others at import time.

Checked twice: from the source (every module-level ``source_centra`` import) and by importing each
planner module alone in a fresh interpreter, without the package's ``__init__`` (which would load
everything first and hide a cycle)."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "source_centra"

# bottom first: generic AST helpers, a document before any schema, the per-selection editor,
# type-condition conflicts, the planner
PLANNER_LAYERS = ("source_centra.ast_edit", "source_centra.documents", "source_centra.fitting",
                  "source_centra.conflicts", "source_centra.plan")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Each module's module-level imports of other connector modules (imports inside functions are
    made late on purpose and do not run at import time)."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("source_centra"):
                submodules = {f"{node.module}.{alias.name}" for alias in node.names} & set(modules)
                # ``from source_centra import paging`` imports the submodule, not the package's __init__
                found |= submodules or {node.module}
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names if alias.name.startswith("source_centra")}
        graph[name] = (found & set(modules)) - {name}
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph.get(name, ()))
    return seen


def test_the_graph_reads_the_imports_it_should():
    graph = _import_graph()
    assert "source_centra.plan" in graph["source_centra.context"]
    assert "source_centra.documents" in graph["source_centra.stream"]
    assert "source_centra.paging" in graph["source_centra.stream"]  # ``from source_centra import … paging …``


def test_no_connector_module_imports_itself_back_at_import_time():
    graph = _import_graph()
    cycles = sorted(name for name in graph if name in _reachable(graph, name) and name != "source_centra")
    assert cycles == []


@pytest.mark.parametrize("index", range(len(PLANNER_LAYERS)), ids=PLANNER_LAYERS)
def test_each_planner_module_imports_only_the_layers_below_it(index):
    graph = _import_graph()
    below = set(PLANNER_LAYERS[:index])
    assert _reachable(graph, PLANNER_LAYERS[index]) <= below
    importers = {name for name, imports in graph.items() if imports & set(PLANNER_LAYERS)} - set(PLANNER_LAYERS)
    assert {"source_centra.stream", "source_centra.shared", "source_centra.sparse"} <= importers
    assert not _reachable(graph, PLANNER_LAYERS[index]) & importers


ALONE = """
import importlib, json, sys, types
package = types.ModuleType("source_centra")
package.__path__ = [sys.argv[1]]
sys.modules["source_centra"] = package
importlib.import_module(sys.argv[2])
print(json.dumps(sorted(name for name in sys.modules if name.startswith("source_centra."))))
"""


@pytest.mark.parametrize("index", range(len(PLANNER_LAYERS)), ids=PLANNER_LAYERS)
def test_each_planner_module_imports_alone_in_a_fresh_interpreter(index):
    name = PLANNER_LAYERS[index]
    done = subprocess.run([sys.executable, "-c", ALONE, str(PACKAGE), name],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout))
    assert name in loaded and loaded - {name} <= set(PLANNER_LAYERS[:index])


def test_plan_and_its_public_names_import_from_plan():
    from source_centra.plan import Plan, plan

    assert callable(plan) and Plan.__module__ == "source_centra.plan"
