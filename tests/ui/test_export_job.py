"""ExportJob's command line: the CLI in a child process, frozen or not, with the GUI's zone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from incident_recorder.domain.zones import parse_zone
from incident_recorder.ui.report.export_job import ExportJob, child_environment, export_command


def test_the_command_runs_this_python_or_the_frozen_bundle(monkeypatch) -> None:
    assert export_command(["export", "f"]) == (
        sys.executable,
        ["-m", "incident_recorder"] + ["export", "f"],
    )
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/Incident Recorder/incident-recorder")
    # packaging/launcher.py runs cli.main(): the bundle's executable takes the command itself
    assert export_command(["export", "f"]) == (
        "/opt/Incident Recorder/incident-recorder",
        ["export", "f"],
    )


def test_arguments_carry_format_template_public_and_zone(tmp_path: Path) -> None:
    cet = timezone(timedelta(hours=1), "CET")
    job = ExportJob(
        tmp_path / "a.incident", tmp_path / "out", "pdf", template="short", public=True, tz=cet
    )
    args = job.arguments()
    assert args[:6] == [
        "export",
        str(tmp_path / "a.incident"),
        "--format",
        "pdf",
        "--out",
        str(tmp_path / "out"),
    ]
    assert args[args.index("--template") + 1] == "short"
    assert "--progress" in args and "--public" in args
    zone = parse_zone(args[args.index("--tz") + 1])
    assert zone.utcoffset(None) == timedelta(hours=1) and zone.tzname(None) == "CET"
    paris = ExportJob(
        tmp_path / "a.incident", tmp_path / "out", "markdown", tz=ZoneInfo("Europe/Paris")
    )
    assert paris.arguments()[-2:] == ["--tz", "Europe/Paris"]
    assert "--public" not in paris.arguments()
    assert "--tz" not in ExportJob(tmp_path / "a", tmp_path / "o", "json").arguments()


def test_the_child_paints_offscreen_and_runs_this_copy_of_the_package() -> None:
    import incident_recorder

    env = child_environment()
    assert env.value("QT_QPA_PLATFORM") == "offscreen"
    root = str(Path(incident_recorder.__file__).resolve().parent.parent)
    assert env.value("PYTHONPATH").split(os.pathsep)[0] == root


def test_the_export_process_runs_below_the_windows_priority(qtbot, tmp_path: Path) -> None:
    import pytest

    if not hasattr(os, "getpriority"):
        pytest.skip("no POSIX priorities here")
    job = ExportJob(tmp_path / "missing.incident", tmp_path / "out", "markdown")
    job.start()
    assert job.process is not None
    pid = job.process.processId()
    try:
        niceness = os.getpriority(os.PRIO_PROCESS, pid)
    except OSError:  # it already ended (the file is missing): nothing left to look at
        niceness = None
    with qtbot.waitSignal(job.signals.failed, timeout=60_000) as failed:
        pass
    assert "missing.incident" in failed.args[0]  # the CLI's one line about the missing file
    if niceness is not None:
        assert niceness == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)


PARSER_IMPORT = r"""
import sys, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.report.export_job import ExportJob

app = QCoreApplication([])
path = Path(sys.argv[1])
IncidentFile.create(path, "Parser import").close()
assert "incident_recorder.report" not in sys.modules
job = ExportJob(path, path.parent / "out", "json")
job.start()
# No Qt event is processed in this loop, so no line of the child is read on this thread: the
# report package can only arrive through the thread ExportJob.start began.
deadline = time.monotonic() + 20
while "incident_recorder.report.export_protocol" not in sys.modules:
    assert time.monotonic() < deadline, "the line parser was not imported in the background"
    time.sleep(0.01)
job.process.waitForFinished(30_000)
print("imported off the UI thread")
"""


def test_the_line_parser_is_imported_off_the_ui_thread_when_the_export_starts(
    tmp_path: Path,
) -> None:
    """Importing the report package took ~80 ms: on the UI thread at the first progress line
    it was the longest stall of a window export."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", PARSER_IMPORT, str(tmp_path / "p.incident")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "imported off the UI thread"
