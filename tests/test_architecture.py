"""The import graph keeps the wings apart (docs/architecture.md).

Read from the source with ``ast`` (nothing is imported), every ``import``
counts, those under ``if TYPE_CHECKING:`` too: a report type that names a
solver's class would still tie ``exports/`` to ``solvers/``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.paths import REPO as ROOT

PACKAGES = ("scheduler", "solvers", "exports", "whatif", "tracking", "visits")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {
        _module_name(p): p
        for package in PACKAGES
        for p in sorted((ROOT / package).rglob("*.py"))
    }


def _resolve(name: str) -> str | None:
    """The project module an import names (a submodule, else its package)."""
    if name.split(".")[0] not in PACKAGES:
        return None
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".")
            if modules()[module].name != "__init__.py":
                package = package[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        names = [
            f"{base}.{alias.name}"
            if f"{base}.{alias.name}" in modules()
            else base
            for alias in node.names
        ]
    found = {_resolve(n) for n in names}
    return {t for t in found if t and t != module}


@cache
def imports() -> dict[str, set[str]]:
    """Module -> the project modules it imports anywhere in its file."""
    graph = {}
    for module, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[module] = {
            target
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for target in _targets(module, node)
        }
    return graph


def reach(module: str) -> dict[str, str]:
    """Every module ``module`` reaches, with the path that reaches it."""
    paths = {module: module}
    todo = [module]
    while todo:
        current = todo.pop()
        for target in sorted(imports()[current]):
            if target not in paths:
                paths[target] = f"{paths[current]} -> {target}"
                todo.append(target)
    return paths


def wing(module: str) -> str:
    if module.startswith("scheduler.problem"):
        return "contract"
    if module.startswith(("scheduler.check", "scheduler.kpis")):
        return "judge"
    return module.split(".")[0]


def arrows_out(of: str, into: set[str]) -> list[str]:
    """Paths from any module of wing ``of`` into a module of ``into``."""
    return sorted(
        path
        for module in modules()
        if wing(module) == of
        for target, path in reach(module).items()
        if wing(target) in into
    )


def test_the_graph_is_read() -> None:
    """The reader finds the wings and known arrows (else all tests pass)."""
    graph = imports()
    assert "visits.cli" in graph
    assert "solvers" in graph["visits.planning"]
    assert "scheduler.problem.data" in graph["solvers.greedy"] or any(
        t.startswith("scheduler.problem") for t in graph["solvers.greedy"]
    )
    assert {wing(m) for m in graph} == {
        "contract",
        "judge",
        "scheduler",
        "solvers",
        "exports",
        "whatif",
        "tracking",
        "visits",
    }


def test_no_import_cycle() -> None:
    cycles = [
        reach(target)[module] + f" -> {target}"
        for module, targets in imports().items()
        for target in targets
        if module in reach(target)
    ]
    assert cycles == []


def test_the_contract_imports_only_itself() -> None:
    outside = {
        "judge",
        "scheduler",
        "solvers",
        "exports",
        "whatif",
        "tracking",
        "visits",
    }
    assert arrows_out("contract", outside) == []


def test_solvers_read_only_the_contract() -> None:
    assert arrows_out("solvers", {"judge", "scheduler", "exports"}) == []
    assert arrows_out("solvers", {"whatif", "tracking", "visits"}) == []


@pytest.mark.parametrize("ground", ["contract", "scheduler", "judge"])
def test_no_arrow_from_the_ground_up(ground: str) -> None:
    above = {"solvers", "exports", "whatif", "tracking", "visits"}
    assert arrows_out(ground, above) == []


def test_the_judge_shares_no_feasibility_code_with_the_solvers() -> None:
    """``visits check`` is independent: it may format a clock from the
    contract, but never reuse the timeline or the reasons solvers use."""
    shared = sorted(
        path
        for module in modules()
        if wing(module) == "judge"
        for target, path in reach(module).items()
        if target.startswith(
            ("scheduler.problem.timeline", "scheduler.problem.reasons")
        )
    )
    assert shared == []


def test_exports_and_whatif_never_reach_solvers() -> None:
    assert arrows_out("exports", {"solvers", "tracking", "visits"}) == []
    assert (
        arrows_out("whatif", {"solvers", "tracking", "visits", "exports"})
        == []
    )


def test_the_tracking_database_stands_on_the_ground_alone() -> None:
    """It records files the front door wrote; it plans and renders nothing."""
    assert (
        arrows_out("tracking", {"solvers", "exports", "whatif", "visits"})
        == []
    )


def test_only_the_front_door_imports_the_front_door() -> None:
    below = [
        f"{module} -> {target}"
        for module, targets in imports().items()
        if wing(module) != "visits"
        for target in targets
        if wing(target) == "visits"
    ]
    assert below == []


def _in_function_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                if node_is_project(node, names):
                    found.append(f"{path.name}:{node.lineno}")
    return found


def node_is_project(
    node: ast.Import | ast.ImportFrom, names: list[str]
) -> bool:
    if isinstance(node, ast.ImportFrom) and node.level:
        return True
    return any(n.split(".")[0] in PACKAGES for n in names)


def test_no_import_inside_a_function() -> None:
    """A project import inside a function hides a cycle or a layer break."""
    found = [
        hit
        for path in modules().values()
        for hit in _in_function_imports(path)
    ]
    assert found == []


@pytest.mark.parametrize(
    "entry", ["scheduler.check", "scheduler.kpis", "exports", "whatif.report"]
)
def test_importing_stays_solver_free(entry: str) -> None:
    """The same rule at run time, in a fresh interpreter."""
    code = (
        f"import sys, {entry}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'solvers', 'visits', 'ortools', 'pyvrp'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"
