"""The app's log: a rotating file in the state folder with uncaught exceptions, faults and Qt's
messages, and never what was recorded. Each check runs in a fresh interpreter (the hooks are
process-wide)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SECRET_NOTE = "customer 4471 card declined"


def _run(code: str, state: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, INCIDENT_RECORDER_STATE_DIR=str(state), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )


def test_uncaught_exceptions_of_any_thread_go_to_the_log(tmp_path: Path) -> None:
    done = _run(
        "import threading\n"
        "from incident_recorder import logs\n"
        "print(logs.start('test'))\n"
        "t = threading.Thread(target=lambda: 1 / 0, name='worker'); t.start(); t.join()\n"
        "raise KeyError('main thread')\n",
        tmp_path,
    )
    assert done.returncode == 1 and "KeyError" in done.stderr  # the usual handling goes on
    log = (tmp_path / "incident-recorder.log").read_text()
    assert " test " in log and " started (Python " in log
    assert "uncaught ZeroDivisionError in thread worker" in log
    assert "uncaught KeyError" in log and "Traceback" in log


def test_a_crash_leaves_the_stacks_in_faults_log(tmp_path: Path) -> None:
    done = _run(
        "import ctypes\nfrom incident_recorder import logs\nlogs.start('test')\n"
        "ctypes.string_at(0)\n",
        tmp_path,
    )
    assert done.returncode != 0
    faults = (tmp_path / "faults.log").read_text()
    assert "Fatal Python error: Segmentation fault" in faults
    assert 'File "<string>", line 4' in faults  # the stack of the thread that crashed


def test_qt_messages_reach_the_log_and_a_note_never_does(tmp_path: Path) -> None:
    incident = tmp_path / "checkout.incident"
    done = _run(
        "from PySide6.QtCore import qWarning\n"
        "from incident_recorder import logs\n"
        "from incident_recorder.app import make_qapp\n"
        "from incident_recorder.ui.common import qt_log\n"
        "from incident_recorder.storage import IncidentFile\n"
        "from incident_recorder.ui.recorder.recorder_window import RecorderWindow\n"
        "from incident_recorder.domain import EntryKind\n"
        "from incident_recorder.domain.times import system_clock\n"
        "logs.start('test'); app = make_qapp(); qt_log.install()\n"
        "qWarning('a warning from Qt')\n"
        f"f = IncidentFile.create({str(incident)!r}, 'Checkout outage')\n"
        "w = RecorderWindow(f, clock=system_clock)\n"
        f"w.save_note({SECRET_NOTE!r}, EntryKind.OBSERVATION, None)\n"
        "w.show_error('The note was not saved', 'disk full')\n"
        "w.close()\n",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "incident-recorder.log").read_text()
    assert "a warning from Qt" in log
    assert "checkout.incident: The note was not saved" in log
    assert SECRET_NOTE not in log and "Checkout outage" not in log
