"""The import graph of ``src/flashpoint`` runs one way (docs/design.md): scenario < engine <
models < analysis < report, store < cli, web; a front (cli, web) uses only the public API (the
package root), the report and store packages, and the command line the web app (to serve it);
and no modules import each other in a circle. Imports inside functions
count too. The checker is tested on copies of the source with a wrong import planted."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "flashpoint"

# A layer may import only its own and lower layers; "" is the package root (the public API).
LAYERS = {
    "_version": 0,
    "extras": 0,
    "scenario": 1,
    "engine": 2,
    "models": 3,
    "analysis": 4,
    "report": 5,
    "store": 5,
    "cli": 6,
    "web": 6,
    "": 7,
    "__main__": 8,
}
FRONTS = {"cli", "web"}
FRONTS_MAY_USE = {"", "report", "store", "extras", "_version"}
FRONT_TO_FRONT = {("cli", "web")}  # `flashpoint serve` starts the web app; never the other way


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Each module of the package at ``root`` and the package modules it imports, anywhere in
    its body (``from package import name`` imports the module ``package.name`` if there is one,
    else ``package``)."""
    files = {module_name(path, root): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [
                    f"{module}.{alias.name}" if f"{module}.{alias.name}" in files else module
                    for alias in node.names
                ]
            else:
                continue
            for target in targets:
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan 1972), leaving out a
    package's ``__init__`` that only gathers its own modules' names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
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
            modules = [m for m in component if not _gathers(m, component)]
            if len(modules) > 1:
                found.append(sorted(modules))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def _gathers(module: str, component: list[str]) -> bool:
    """A package in a circle only with its own modules (it imports them to re-export)."""
    return any(other.startswith(module + ".") for other in component if other != module)


def import_problems(root: Path) -> list[str]:
    """Every upward import, every import of a front past the public API, every circle."""
    graph = import_graph(root)
    problems = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            here, there = layer(module), layer(target)
            if here == there and here != "":
                continue
            if here in FRONTS:
                if there not in FRONTS_MAY_USE and (here, there) not in FRONT_TO_FRONT:
                    problems.append(f"front past the public API: {module} -> {target}")
            elif LAYERS.get(there, 99) > LAYERS.get(here, 99):
                problems.append(f"upward: {module} -> {target}")
    problems.extend("circle: " + ", ".join(circle) for circle in circles(graph))
    return problems


def test_imports_run_downhill_with_no_circles():
    assert import_problems(SOURCE) == []


def test_every_module_is_in_a_layer():
    assert {layer(module) for module in import_graph(SOURCE)} <= set(LAYERS)


@pytest.fixture
def planted(tmp_path):
    """A copy of the package to plant a wrong import in: ``plant(module, line)`` adds the line
    inside a function of that module (imports in functions count)."""
    copy = tmp_path / "flashpoint"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__"))

    def plant(relative: str, line: str) -> Path:
        path = copy / relative
        path.write_text(
            path.read_text(encoding="utf-8") + f"\n\ndef _planted():\n    {line}\n",
            encoding="utf-8",
        )
        return copy

    return plant


def test_the_checker_finds_an_upward_import(planted):
    root = planted("models/median.py", "from flashpoint.report.progress import SHOW_AFTER")
    assert import_problems(root) == [
        "upward: flashpoint.models.median -> flashpoint.report.progress"
    ]


def test_the_checker_finds_a_front_past_the_public_api(planted):
    root = planted("cli/models.py", "from flashpoint.models.registry import MODELS")
    assert import_problems(root) == [
        "front past the public API: flashpoint.cli.models -> flashpoint.models.registry"
    ]


def test_the_checker_finds_the_web_app_using_the_command_line(planted):
    root = planted("web/app.py", "from flashpoint.cli.common import app")
    assert import_problems(root) == [
        "front past the public API: flashpoint.web.app -> flashpoint.cli.common"
    ]


def test_the_checker_finds_a_circle_within_a_layer(planted):
    root = planted("scenario/errors.py", "from flashpoint.scenario.load import load_scenario")
    problems = import_problems(root)
    assert len(problems) == 1 and problems[0].startswith("circle: ")
    assert "flashpoint.scenario.errors" in problems[0]
    assert "flashpoint.scenario.load" in problems[0]


def test_the_checker_finds_an_import_of_the_package_root_from_below(planted):
    root = planted("report/scenario_tables.py", "import flashpoint")
    assert "upward: flashpoint.report.scenario_tables -> flashpoint" in import_problems(root)
