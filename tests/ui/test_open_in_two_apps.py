"""A file open in another Incident Recorder (a second app with its own instance socket): the
window says so once, naming that process, and never blames "another program" for our own
global keys.

The other app is a real process on the same X server; the window under test is built here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile
from incident_recorder.storage.holders import holders

pytestmark = pytest.mark.xvfb


@pytest.fixture
def other_app(tmp_path: Path, clock) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """`incident-recorder FILE` in a process of its own, its own instance socket, same user."""
    if not shutil.which("xdotool"):
        pytest.skip("xdotool is not installed")
    path = tmp_path / "shared.incident"
    IncidentFile.create(path, "Shared checkout outage", clock=clock).close()
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    env["INCIDENT_RECORDER_INSTANCE"] = str(tmp_path / "other-instance.sock")
    log = tmp_path / "other.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "incident_recorder", str(path)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Shared checkout outage"],
            capture_output=True,
            timeout=30,
            check=True,
        )
        registry = Path(os.environ["INCIDENT_RECORDER_STATE_DIR"]) / "hotkeys" / str(proc.pid)
        deadline = time.monotonic() + 20
        while not registry.exists() and time.monotonic() < deadline:  # its keys are grabbed
            time.sleep(0.05)
        assert registry.exists(), log.read_text(errors="replace")
        yield proc, path
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        assert "Traceback" not in log.read_text(errors="replace")


def test_the_window_says_once_where_the_file_is_open(other_app, make_window, qtbot) -> None:
    proc, path = other_app
    [holder] = holders(path)
    assert holder.pid == proc.pid and holder.ours
    window = make_window(path)
    assert window.notice.isVisible()
    notice = window.notice.text()
    assert "also open in another Incident Recorder window" in notice
    assert f"process {proc.pid}" in notice
    messages = " · ".join(window.hotkey_messages)
    assert "another program" not in messages, messages  # our own keys, held by our other app
    assert f"another Incident Recorder (process {proc.pid})" in messages
    assert len(window.hotkey_messages) == 1, "said once, not once per key"
    assert "another program" not in window.statusBar().currentMessage()


def test_a_file_open_nowhere_else_says_nothing(make_window, tmp_path, clock) -> None:
    window = make_window(tmp_path / "alone.incident")
    assert not window.notice.isVisible()
