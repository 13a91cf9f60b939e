"""Start-up imports only what the first window needs (issue 6: cold start ≤ 400 ms).

Checked in a fresh interpreter: what ``sys.modules`` holds after importing the modules on the
start path. Markdown, nh3, Pillow, the report package, webhooks, importers and sqlite-utils are
loaded when first used (export, preview, a capture, a webhook server), never before; so are the
recorder window's dialogs (capture viewer, details, entry editor and history, past entry,
shortcuts) and the export job.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
NOT_AT_START = (
    "markdown",
    "nh3",
    "PIL",
    "sqlite_utils",
    "Xlib",
    "http.server",
    # the system keyring (and its D-Bus client): only when a team connection is made
    "keyring",
    "secretstorage",
    "jeepney",
    "incident_recorder.report",
    "incident_recorder.webhooks",
    "incident_recorder.importers",
    # the recorder window's dialogs and jobs: imported when first opened
    "incident_recorder.ui.capture.capture_viewer",
    "incident_recorder.ui.dialogs.details_dialog",
    "incident_recorder.ui.recorder.entry_editor",
    "incident_recorder.ui.recorder.entry_history",
    "incident_recorder.ui.report.export_job",
    "incident_recorder.ui.recorder.past_entry",
    "incident_recorder.ui.dialogs.shortcuts_dialog",
)


def loaded_after(code: str, names: tuple[str, ...] = NOT_AT_START) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "QT_QPA_PLATFORM": "offscreen"}
    probe = (
        code
        + "\nimport json, os, sys\nprint(json.dumps(sorted(sys.modules)), flush=True)\nos._exit(0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    ).stdout
    modules = json.loads(out.splitlines()[-1])
    return sorted(m for m in modules if any(m == bad or m.startswith(bad + ".") for bad in names))


@pytest.mark.parametrize(
    "module",
    [
        "incident_recorder.ui.recorder.recorder_window",
        "incident_recorder.ui.start.start_window",
        "incident_recorder.app",
    ],
)
def test_importing_the_start_path_loads_nothing_heavy(module: str) -> None:
    assert loaded_after(f"import {module}") == []


def test_opening_an_incident_in_the_window_loads_nothing_heavy(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    code = f"""
import os
os.environ["INCIDENT_RECORDER_CONFIG_DIR"] = {str(tmp_path / "config")!r}
from incident_recorder.storage import IncidentFile
IncidentFile.create({str(path)!r}, "Checkout outage").close()
from incident_recorder.app import build
app = build(__import__("pathlib").Path({str(path)!r}))
window = app.windows[0]
app.qapp.processEvents()
assert window.isVisible()
"""
    assert loaded_after(code) == []


def test_opening_a_file_from_the_desktop_loads_no_id_makers(tmp_path: Path) -> None:
    """`incident-recorder FILE` (a double-click): no uuid (with platform) or secrets: only
    creating a file or serving webhooks needs them."""
    from incident_recorder.storage import IncidentFile

    path = tmp_path / "a.incident"
    IncidentFile.create(path, "Checkout outage").close()
    code = f"""
import os
os.environ["INCIDENT_RECORDER_CONFIG_DIR"] = {str(tmp_path / "config")!r}
from pathlib import Path
from incident_recorder import cli
args = cli._desktop_launch([{str(path)!r}])
assert args.command == "open"
from incident_recorder.app import build
app = build(Path(args.file))
app.qapp.processEvents()
"""
    assert loaded_after(code, ("uuid", "secrets")) == []


def test_the_probe_would_see_a_heavy_import() -> None:
    assert "PIL" in loaded_after("import PIL")
