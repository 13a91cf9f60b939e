"""The core layers (domain, storage, capture, report) never import Qt; layers run one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ["domain", "storage", "capture", "report", "webhooks", "importers"]


@pytest.mark.parametrize("layer", CORE)
def test_core_layer_imports_without_qt(layer: str) -> None:
    """Importing every module of a core layer in a fresh interpreter loads no PySide6."""
    package = ROOT / "src" / "incident_recorder" / layer
    modules = [
        f"incident_recorder.{layer}." + p.stem
        if p.stem != "__init__"
        else f"incident_recorder.{layer}"
        for p in sorted(package.glob("*.py"))
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{layer} imports Qt: {result.stdout.strip()}"


def test_import_linter_contracts_hold() -> None:
    """The import-linter contracts in pyproject.toml (Qt-free core, one-way layers) are kept."""
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.skip("import-linter is not installed")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _circles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively): the
    groups of modules that each reach every other through imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(imports):
        if root in index:
            continue
        work = [(root, iter(sorted(imports[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(imports[target]))))
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def _cycle_through(component: list[str], imports: dict[str, set[str]]) -> list[str]:
    """A shortest import path from the component's first module back to itself: the modules in
    the order one imports the next."""
    members, start = set(component), component[0]
    paths = {start: [start]}
    queue = [start]
    for module in queue:
        for target in sorted(imports[module] & members):
            if target == start:
                return [*paths[module], start]
            if target not in paths:
                paths[target] = [*paths[module], target]
                queue.append(target)
    return component  # not reached: a component's members all reach one another


def test_cycles_are_found_and_named() -> None:
    """The check below can fail: a made-up graph with a circle of three is caught and named."""
    imports = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert _circles(imports) == [["a", "b", "c"]]
    assert _cycle_through(["a", "b", "c"], imports) == ["a", "b", "c", "a"]


def test_no_import_circles() -> None:
    """No module of the package imports, through any chain, one that imports it back; imports
    made only for the type checker (under TYPE_CHECKING) count too: a circle there is a part
    that knows the class of the whole (use a Protocol for what the part needs instead)."""
    import grimp

    graph = grimp.build_graph("incident_recorder", exclude_type_checking_imports=False)
    imports = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    circles = [
        " → ".join(_cycle_through(members, imports)) + f"  (all {len(members)}: {members})"
        for members in _circles(imports)
    ]
    assert not circles, "import circles:\n" + "\n".join(circles)


RENDER = ROOT / "src" / "incident_recorder" / "render"


def _widget_imports(source: str) -> list[str]:
    """Every import of PySide6.QtWidgets in `source` (module level or inside a function)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [name for name in names if name.startswith("PySide6.QtWidgets")]
    return found


def test_render_layer_never_imports_widgets() -> None:
    """render/ paints with QtGui and never imports QtWidgets, not even inside a function
    (import-linter sees external packages only whole, so this test holds the line), and
    importing all of it in a fresh interpreter loads no QtWidgets."""
    assert _widget_imports("from PySide6.QtWidgets import QLabel") == ["PySide6.QtWidgets"]
    files = sorted(RENDER.glob("*.py"))
    assert files, "render/ has no modules"
    offenders = {p.name: _widget_imports(p.read_text("utf-8")) for p in files}
    assert not any(offenders.values()), offenders
    modules = [
        "incident_recorder.render" + ("" if p.stem == "__init__" else f".{p.stem}") for p in files
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('PySide6.QtWidgets'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


MAX_MODULE_LINES = 500


def test_no_module_is_over_500_lines() -> None:
    """A module that grows past 500 lines is split by what it does before it lands (issue 14)."""
    package = ROOT / "src" / "incident_recorder"
    too_long = {
        str(path.relative_to(package)): count
        for path in sorted(package.rglob("*.py"))
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not too_long, f"over {MAX_MODULE_LINES} lines: {too_long}"


def test_test_files_have_unique_names() -> None:
    """pytest imports test files by their base name (the test folders are not packages): two
    files of one name in different folders stop the whole run at collection."""
    names: dict[str, list[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        names.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert not {name: paths for name, paths in names.items() if len(paths) > 1}
