"""The layout rules a newcomer relies on: one package per domain, a blueprint.py per package
with pages, no package importing another's views, no import cycles, and dependencies that run
one way (responses is built on submissions, never the reverse). Read from the source, so a
new module is checked without being listed."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from engage import PAGES

ENGAGE = Path(__file__).resolve().parent.parent / "engage"
# (lower, higher): the lower package never imports the higher one.
ONE_WAY = [
    ("submissions", "responses"),
    # digests reads both; they announce events (engage.submissions.events) instead.
    ("submissions", "digests"),
    ("responses", "digests"),
    # The small-number rule (engage/small_numbers.py) sits below the three that hide counts;
    # metrics and digests use it without going through guardian, which is built on metrics.
    *(("small_numbers", higher) for higher in ("guardian", "digests", "metrics")),
    ("metrics", "guardian"),
    ("digests", "guardian"),
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ENGAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(ENGAGE.rglob("*.py"))}


def _imports(module: str) -> Iterator[str]:
    """Every engage module `module` imports, at the top or inside a function."""
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        yield from (name for name in names if name in MODULES and name != module)


GRAPH = {module: set(_imports(module)) for module in MODULES}


def _package(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def _is_views(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "views" or last.endswith("_views")


def test_no_package_imports_another_packages_views() -> None:
    found = [
        f"{module} imports {imported}"
        for module, imported_modules in GRAPH.items()
        for imported in imported_modules
        if _is_views(imported) and _package(imported) != _package(module)
    ]
    assert not found, "move what both need out of the views, below both:\n" + "\n".join(found)


@pytest.mark.parametrize(("lower", "higher"), ONE_WAY)
def test_dependencies_run_one_way(lower: str, higher: str) -> None:
    found = [
        f"{module} imports {imported}"
        for module, imported_modules in GRAPH.items()
        if _package(module) == lower
        for imported in imported_modules
        if _package(imported) == higher
    ]
    assert not found, f"{higher} is built on {lower}, not the reverse:\n" + "\n".join(found)


def test_there_are_no_import_cycles() -> None:
    cycles = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append(" -> ".join([*path[path.index(module) :], module]))
            return
        if module in done:
            return
        for imported in sorted(GRAPH[module]):
            visit(imported, [*path, module])
        done.add(module)

    for module in sorted(GRAPH):
        visit(module, [])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_every_views_module_is_registered_with_its_packages_blueprint() -> None:
    registered = {f"engage.{package}.{views}" for package, modules in PAGES for views in modules}
    assert {module for module in MODULES if _is_views(module)} == registered
    for package, _ in PAGES:
        assert f"engage.{package}.blueprint" in MODULES, f"engage/{package}/blueprint.py"
        blueprint = MODULES[f"engage.{package}.blueprint"].read_text(encoding="utf-8")
        assert "Blueprint(" in blueprint
