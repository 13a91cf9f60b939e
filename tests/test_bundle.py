"""The PyInstaller bundle: its spec keeps the Qt modules the app imports, and the built bundle
passes the smoke test of packaging/smoke_test.py (marker `bundle`: skipped unless
dist/incident-recorder/incident-recorder exists, so the normal suite stays fast; .ci/run builds
the bundle and runs `packaging/smoke-test.sh`)."""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "incident-recorder.spec"
BUNDLE = ROOT / "dist" / "incident-recorder"


def smoke_test_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("smoke_test", ROOT / "packaging/smoke_test.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def spec_list(name: str) -> list[str]:
    """The string list literal assigned to `name` in the spec."""
    for node in ast.walk(ast.parse(SPEC.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return [ast.literal_eval(element) for element in node.value.elts]  # type: ignore[attr-defined]
    raise AssertionError(f"{name} not found in {SPEC}")


def test_spec_excludes_no_qt_module_the_app_imports() -> None:
    used = set()
    for source in (ROOT / "src" / "incident_recorder").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", source.read_text(encoding="utf-8")))
    assert {"QtCore", "QtGui", "QtWidgets"} <= used
    excluded = set(spec_list("UNUSED_QT"))
    assert not used & excluded, f"the spec excludes Qt modules the app imports: {used & excluded}"
    assert {"QtWebEngineCore", "Qt3DCore", "QtQuick", "QtQml"} <= excluded


def test_smoke_test_reads_the_note_back_from_a_real_report(tmp_path: Path) -> None:
    """The smoke test's check is not vacuous: it finds a note in a report the app exported."""
    from incident_recorder.cli import main

    smoke = smoke_test_module()
    path = tmp_path / "x.incident"
    assert main(["new", str(path), "--title", "Parse outage"]) == 0
    assert main(["note", str(path), "checkout | 5xx *above* 5%"]) == 0
    assert main(["note", str(path), "rolled back"]) == 0
    assert main(["export", str(path), "--out", str(tmp_path / "out")]) == 0
    texts = smoke.timeline_texts(tmp_path / "out" / "report.md")
    assert texts[-2:] == ["checkout | 5xx *above* 5%", "rolled back"]


@pytest.mark.bundle
@pytest.mark.xvfb
def test_built_bundle_passes_the_smoke_test(tmp_path: Path) -> None:
    smoke = smoke_test_module()
    if not smoke.binary(BUNDLE).is_file():
        pytest.skip("no bundle: build it with packaging/build.sh")
    if not shutil.which("xdotool"):
        pytest.skip("xdotool is not installed")
    figures = smoke.smoke(BUNDLE, workdir=tmp_path)
    print(
        f"bundle: {figures.size_mb:.0f} MiB in {figures.files} files; "
        f"start to window mapped {figures.start_ms:.0f} ms"
    )
    assert figures.files > 50 and figures.size_mb > 20
