"""The core layers (domain, storage, capture, report) never import Qt; layers run one way."""

from __future__ import annotations

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
