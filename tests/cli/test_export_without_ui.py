"""The CLI and the export child (`incident-recorder export --progress`, which the window runs)
never load incident_recorder.ui: the PDF writer lives in render/, which needs QtGui only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

_CHILD = """
import sys
from incident_recorder.cli import main
folder = sys.argv[1]
assert main(["new", folder + "/t.incident", "--title", "No widgets"]) == 0
assert main(["note", folder + "/t.incident", "a note -> <b>x</b>"]) == 0
for fmt in ("markdown", "html", "pdf", "json"):
    assert main(["export", folder + "/t.incident", "--format", fmt, "--out",
                 folder + "/out-" + fmt, "--progress"]) == 0
print("LOADED", ",".join(sorted(m for m in sys.modules if m.startswith(
    ("incident_recorder.ui", "incident_recorder.app", "PySide6.QtWidgets")))))
"""


@pytest.mark.parametrize("entry", ["cli-main", "import-only"])
def test_cli_and_export_child_load_no_ui(tmp_path: Path, entry: str) -> None:
    """Every export format, run as the window's export child runs it, loads nothing of ui/,
    app or QtWidgets (importing the CLI alone neither)."""
    code = (
        _CHILD
        if entry == "cli-main"
        else _CHILD.split("folder = ")[0]
        + (
            'print("LOADED", ",".join(sorted(m for m in sys.modules if m.startswith('
            '("incident_recorder.ui", "incident_recorder.app", "PySide6")))))\n'
        )
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = [line for line in result.stdout.splitlines() if line.startswith("LOADED")]
    assert loaded == ["LOADED "], loaded
    if entry == "cli-main":
        assert (tmp_path / "out-pdf" / "report.pdf").read_bytes().startswith(b"%PDF")
