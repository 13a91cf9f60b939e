"""End to end: the real app on Xvfb, driven with real X key events from xdotool.

Types notes, changes kinds, captures with Ctrl+Alt+S, then kills the app with SIGKILL and
checks that everything it showed is in the file.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from incident_recorder.domain import EntryKind
from incident_recorder.storage import IncidentFile

pytestmark = pytest.mark.xvfb


def xdotool(*args: str) -> str:
    return subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=20, check=True
    ).stdout.strip()


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def entries(path: Path) -> list:
    with IncidentFile.open(path, readonly=True) as handle:
        return handle.entries()


@pytest.fixture
def running_app(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path, str]]:
    if not shutil.which("xdotool"):
        pytest.skip("xdotool is not installed")
    path = tmp_path / "e2e.incident"
    IncidentFile.create(path, "E2E checkout outage").close()
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    log = tmp_path / "app.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "incident_recorder", str(path)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        window = xdotool("search", "--sync", "--onlyvisible", "--name", "E2E checkout outage")
        window = window.splitlines()[0]
        xdotool("mousemove", "--window", window, "300", "300")
        subprocess.run(["xdotool", "windowactivate", "--sync", window], capture_output=True)
        xdotool("windowfocus", "--sync", window)
        wait_for(lambda: xdotool("getwindowfocus") == window)
        time.sleep(1.0)  # let Qt take the focus-in before the first key
        yield proc, path, window
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        output = log.read_text(errors="replace")
        assert "Traceback" not in output, output


def test_real_keys_record_notes_and_captures_that_survive_sigkill(running_app) -> None:
    proc, path, _window = running_app
    xdotool("type", "--delay", "15", "Error rate on checkout-api climbing")
    xdotool("key", "Return")
    wait_for(lambda: len(entries(path)) == 1)

    xdotool("key", "ctrl+2")
    xdotool("type", "--delay", "15", "PagerDuty alert fired")
    xdotool("key", "shift+Return")
    xdotool("type", "--delay", "15", "5xx above 5%")
    xdotool("key", "Return")
    wait_for(lambda: len(entries(path)) == 2)

    xdotool("type", "--delay", "15", "draft stays")
    xdotool("key", "ctrl+alt+s")
    wait_for(lambda: any(e.capture for e in entries(path)))

    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    saved = entries(path)
    texts = [e.text for e in saved if not e.capture]
    assert texts == ["Error rate on checkout-api climbing", "PagerDuty alert fired\n5xx above 5%"]
    assert [e.kind for e in saved if not e.capture] == [EntryKind.OBSERVATION, EntryKind.DETECTION]
    capture = next(e.capture for e in saved if e.capture)
    assert (capture.width, capture.height) == (1920, 1080)
    with IncidentFile.open(path) as handle:
        assert handle._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_escape_discards_and_ctrl_z_restores_with_real_keys(running_app) -> None:
    _proc, path, _window = running_app
    xdotool("type", "--delay", "15", "not yet")
    xdotool("key", "Escape")
    xdotool("key", "Return")  # the field is empty: nothing is saved
    time.sleep(0.3)
    assert entries(path) == []
    xdotool("key", "ctrl+z")
    xdotool("key", "Return")
    wait_for(lambda: len(entries(path)) == 1)
    assert entries(path)[0].text == "not yet"


def test_sigterm_closes_cleanly_keeping_entries_and_folding_the_wal(running_app) -> None:
    proc, path, _window = running_app
    xdotool("type", "--delay", "15", "typed in the window")
    xdotool("key", "Return")
    wait_for(lambda: len(entries(path)) == 1)
    subprocess.run(
        [sys.executable, "-m", "incident_recorder", "note", str(path), "from a script"],
        check=True,
        capture_output=True,
    )
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0
    assert not Path(f"{path}-wal").exists(), "the last connection folded the WAL in"
    assert sorted(e.text for e in entries(path)) == ["from a script", "typed in the window"]
