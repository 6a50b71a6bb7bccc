"""The core's floors: ``nemo.utils`` builds on nothing of ``nemo.core``, and no module of a
distribution imports, even for type checking or inside a function, a module that imports it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGES = Path(__file__).resolve().parents[2] / "packages"
SOURCES = {
    name: PACKAGES / name / "src" for name in ("nemo-core", "nemo-optim", "nemo-asr", "nemo-nlp")
}


def _modules(src: Path) -> dict[str, Path]:
    found = {}
    for path in src.rglob("*.py"):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The known modules that ``module`` imports anywhere in its file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            found = name
            while found and found not in known:
                found = found.rpartition(".")[0]
            if found and found != module:
                targets.add(found)
    return targets


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return components


@pytest.mark.parametrize("distribution", sorted(SOURCES))
def test_no_module_cycles(distribution):
    """Package ``__init__`` files (lazy re-exports) are left out: importing a submodule always
    runs its parents' ``__init__``, which is not a dependency of the submodule's code."""
    modules = _modules(SOURCES[distribution])
    inits = {name for name, path in modules.items() if path.name == "__init__.py"}
    graph = {
        name: _imports(name, path, modules) - inits
        for name, path in modules.items()
        if name not in inits
    }
    assert _cycles(graph) == []


def test_nemo_utils_imports_nothing_of_nemo_core():
    modules = _modules(SOURCES["nemo-core"])
    upward = {
        name: sorted(t for t in _imports(name, path, modules) if t.startswith("nemo.core"))
        for name, path in modules.items()
        if name.startswith("nemo.utils")
    }
    assert {name: found for name, found in upward.items() if found} == {}
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, nemo.utils.exp_manager, nemo.utils.model_utils\n"
            "print(sorted(m for m in sys.modules if m.startswith('nemo.core')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
