"""fake_centra's modules import one another without cycles, so each can be read (and loaded) after
the ones it uses. Every import of a sibling counts: top-level, inside a function, or under
``TYPE_CHECKING``; a cycle hidden in a function is still a cycle for the reader."""

from __future__ import annotations

import ast
from pathlib import Path

import fake_centra

PACKAGE = Path(fake_centra.__file__).parent


def imports(package: Path) -> dict[str, set[str]]:
    """module -> the sibling modules it imports."""
    modules = {p.stem for p in package.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in package.glob("*.py"):
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                deps.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(f"{package.name}."):
                deps.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                deps.update(a.name.split(".")[1] for a in node.names if a.name.startswith(f"{package.name}."))
        graph[path.stem] = deps & modules
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: each group of modules that reach one another (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while not group or group[-1] != v:
                group.append(stack.pop())
            if len(group) > 1 or v in graph[v]:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_fake_centra_has_no_import_cycles():
    graph = imports(PACKAGE)
    assert len(graph) > 20 and any(graph.values()), "the package was not read"
    found = cycles(graph)
    assert not found, "import cycles in fake_centra: " + "; ".join(
        " <-> ".join(group) + " (" + ", ".join(f"{a} -> {b}" for a in group for b in sorted(graph[a] & set(group))) + ")"
        for group in found)


def test_a_cycle_through_a_function_level_or_type_checking_import_is_found(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import x\n")
    (package / "b.py").write_text("def f():\n    from .c import y\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import z\n")
    (package / "d.py").write_text("from . import a, d\n")
    (package / "e.py").write_text("from . import a\n")
    assert cycles(imports(package)) == [["a", "b", "c"], ["d"]]
