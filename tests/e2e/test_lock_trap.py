"""The lock trap as a user meets it: the real app on Xvfb, its dialogs opened and cancelled with
real keys, while the CLI, `serve` and a second app (another process) write the same file.

Afterwards every entry that anything reported saved is in the file, and after each dialog the
window's process still holds its SQLite locks (read from /proc/locks by this test process).
Before the fix, Ctrl+O then Esc dropped the locks and the shell's later notes were lost.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile
from tests.cli.serve_support import Served
from tests.e2e.test_real_keys import entries, wait_for, xdotool
from tests.storage.lock_probe import pids_holding

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads /proc/locks (Linux)"),
]

TITLE = "Lock trap outage"
DIALOGS = [  # (key, a word of the dialog's title)
    ("ctrl+o", "Open incident"),
    ("ctrl+n", "New Incident"),
    ("ctrl+e", "Export Report"),
    ("ctrl+comma", "Settings"),
]


def _start_app(path: Path, tmp_path: Path, name: str) -> tuple[subprocess.Popen[bytes], str]:
    """A recorder process of its own (its own single-instance socket) and its window id."""
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    env["INCIDENT_RECORDER_INSTANCE"] = str(tmp_path / f"{name}.sock")
    sink = (tmp_path / f"{name}.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "incident_recorder", str(path)],
        env=env,
        stdout=sink,
        stderr=subprocess.STDOUT,
    )
    sink.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = subprocess.run(
            [
                "xdotool",
                "search",
                "--all",
                "--onlyvisible",
                "--pid",
                str(proc.pid),
                "--name",
                TITLE,
            ],
            capture_output=True,
            text=True,
        ).stdout.split()
        if found:
            return proc, found[0]
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"{name}: no window")


def _focus(window: str) -> None:
    subprocess.run(["xdotool", "windowactivate", "--sync", window], capture_output=True)
    xdotool("windowfocus", "--sync", window)
    wait_for(lambda: xdotool("getwindowfocus") == window)
    time.sleep(0.3)  # let Qt take the focus-in before the first key


def _type_note(window: str, text: str) -> None:
    _focus(window)
    xdotool("type", "--delay", "10", text)
    xdotool("key", "Return")


def _dialog(word: str) -> str:
    """The id of the visible window whose title holds `word`, or ""."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", word], capture_output=True, text=True
    ).stdout.split()
    return found[0] if found else ""


def _dialog_shown(word: str) -> bool:
    return bool(_dialog(word))


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[tuple[Path, list[subprocess.Popen[bytes]], list[str]]]:
    if not shutil.which("xdotool"):
        pytest.skip("xdotool is not installed")
    path = tmp_path / "trap.incident"
    IncidentFile.create(path, TITLE).close()
    procs: list[subprocess.Popen[bytes]] = []
    windows: list[str] = []
    try:
        for name in ("first", "second"):
            proc, window = _start_app(path, tmp_path, name)
            procs.append(proc)
            windows.append(window)
        yield path, procs, windows
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
        for name in ("first", "second"):
            log = (tmp_path / f"{name}.log").read_text(errors="replace")
            assert "Traceback" not in log, log


def test_every_dialog_cancelled_while_others_write_keeps_every_saved_entry(
    apps, tmp_path: Path
) -> None:
    path, procs, windows = apps
    first, second = windows
    server = Served(str(path), "--port", "0")
    saved: list[str] = []
    try:
        for round_, (key, word) in enumerate(DIALOGS, start=1):
            _focus(first)
            xdotool("key", key)
            wait_for(lambda word=word: _dialog_shown(word), timeout=15)
            time.sleep(0.8)  # on screen long enough for a file dialog to list its folder
            _focus(_dialog(word))  # no window manager here to give a new dialog the focus
            xdotool("key", "Escape")
            wait_for(lambda word=word: not _dialog_shown(word), timeout=15)
            assert procs[0].pid in pids_holding(path), f"{key} dropped the window's locks"

            note = subprocess.run(
                [sys.executable, "-m", "incident_recorder", "note", str(path), f"shell {round_}"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert note.returncode == 0 and "Saved entry" in note.stdout, note.stderr
            saved.append(f"shell {round_}")
            body = json.dumps({"text": f"webhook {round_}"}).encode()
            assert server.post("/events", body)[0] == 200
            saved.append(f"webhook {round_}")
            for window, who in ((first, "first"), (second, "second")):
                _type_note(window, f"{who} window {round_}")
                saved.append(f"{who} window {round_}")
                wait_for(lambda: len(entries(path)) >= len(saved), timeout=15)
            assert {procs[0].pid, procs[1].pid, server.process.pid} <= pids_holding(path)
        for window in windows:
            _focus(window)
            xdotool("key", "ctrl+w")
        for proc in procs:
            proc.wait(timeout=30)
        assert server.stop()[0] == 0
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.communicate(timeout=30)
    recorded = [entry.text for entry in entries(path)]
    missing = [text for text in saved if text not in recorded]
    assert not missing, f"reported saved, not in the file: {missing}"
    assert len(recorded) == len(saved)  # nothing doubled either
    with IncidentFile.open(path) as handle:
        assert handle._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
