"""Power loss: the WAL is fsynced after the entry is written and before anyone is told it is saved.

The crash and snapshot tests copy the page cache, so they pass with `PRAGMA synchronous = OFF`:
they cannot see a missing fsync. These tests read the system calls with strace instead
(sync_trace.py) and fail when the sync is missing, for every way an entry comes in:

- the CLI `note`: an fdatasync of `FILE-wal` between the entry's write to it and "Saved entry"
  on stdout;
- the window's note and capture (this test process, strace attached to it): between the entry's
  write and the timeline's row, which writes a marker from the model's rowsInserted;
- `serve`: between the POSTed event's write and the HTTP response on the socket.

Each check is shown to fail without the sync, permanently: the CLI and `serve` under `eatmydata`
(fsync becomes a no-op, so no sync reaches the kernel), the window with its connections set to
`synchronous = OFF`. What strace cannot show: whether the disk honours the sync.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from reliability_support import env
from served import Served
from sync_trace import (
    Attached,
    missing_tools,
    parse,
    reply_starting,
    reply_to,
    strace_argv,
    sync_problems,
)

from incident_recorder.domain.times import system_clock
from incident_recorder.storage import IncidentFile, connection

MISSING_SYNC = "no fsync/fdatasync of"


def _need(*tools: str, attach: bool = False) -> None:
    reason = missing_tools(*tools, attach=attach)
    if reason:
        pytest.skip(reason)


def _incident(tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "sync.incident"
    IncidentFile.create(path, "Sync before reply").close()
    return path, Path(f"{path}-wal")


def _texts(path: Path) -> list[str]:
    with IncidentFile.open(path, readonly=True) as handle:
        return [entry.text for entry in handle.entries()]


# -- the CLI -------------------------------------------------------------------------------------


def cli_note_problems(tmp_path: Path, prefix: tuple[str, ...] = ()) -> list[str]:
    """`incident-recorder note` under strace (after `prefix`, e.g. eatmydata): what is wrong."""
    path, wal = _incident(tmp_path)
    text = f"cli sync probe {uuid.uuid4().hex}"
    out = tmp_path / "cli.strace"
    result = subprocess.run(
        [*strace_argv(out), *prefix, sys.executable, "-m", "incident_recorder", "note",
         str(path), text],
        capture_output=True, text=True, env=env(), timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Saved entry "), result.stdout
    assert text in _texts(path), "the note was not saved: the check below would mean nothing"
    return sync_problems(
        parse(out.read_text(errors="replace")), wal, reply_starting(b"Saved entry"),
        entry=text.encode(),
    )  # fmt: skip


def test_cli_note_syncs_the_wal_before_it_says_saved(tmp_path: Path, figures) -> None:
    _need("strace")
    problems = cli_note_problems(tmp_path)
    assert not problems, problems[0]
    figures.add("sync", "CLI `note`", reply='"Saved entry" on stdout', synced=True)


def test_the_cli_check_fails_when_fsync_is_a_no_op(tmp_path: Path, figures) -> None:
    """The meta-test: under eatmydata the note is saved, but never synced; the check must say so."""
    _need("strace", "eatmydata")
    problems = cli_note_problems(tmp_path, ("eatmydata",))
    assert len(problems) == 1 and MISSING_SYNC in problems[0], problems
    figures.add("sync", "CLI `note`", reply='"Saved entry" on stdout', caught="eatmydata")


# -- serve ---------------------------------------------------------------------------------------


def serve_problems(tmp_path: Path, prefix: tuple[str, ...] = ()) -> list[str]:
    """One event POSTed to `serve` (started after `prefix`), strace attached: what is wrong."""
    path, wal = _incident(tmp_path)
    text = f"webhook sync probe {uuid.uuid4().hex}"
    served = Served(path, prefix)
    try:
        with Attached(served.process.pid, tmp_path / "serve.strace") as trace:
            status, body = served.post({"text": text, "kind": "action"})
    finally:
        code, err = served.stop()
    assert code == 0 and "Traceback" not in err, err
    assert status == 200 and len(body["recorded"]) == 1, (status, body)
    assert text in _texts(path)
    return sync_problems(trace.calls(), wal, reply_starting(b"HTTP/1."), entry=text.encode())


def test_serve_answers_2xx_only_after_the_wal_is_synced(tmp_path: Path, figures) -> None:
    _need("strace", attach=True)
    problems = serve_problems(tmp_path)
    assert not problems, problems[0]
    figures.add("sync", "`serve` (webhook event)", reply="the HTTP 200 on the socket", synced=True)


def test_the_serve_check_fails_when_fsync_is_a_no_op(tmp_path: Path, figures) -> None:
    _need("strace", "eatmydata", attach=True)
    problems = serve_problems(tmp_path, ("eatmydata",))
    assert len(problems) == 1 and MISSING_SYNC in problems[0], problems
    figures.add("sync", "`serve` (webhook event)", reply="the HTTP 200 on the socket",
                caught="eatmydata")  # fmt: skip


# -- the window, in this process ---------------------------------------------------------------


def _spy_on_connections(monkeypatch: pytest.MonkeyPatch, force: str | None) -> list[int]:
    """The `synchronous` level of every connection opened for writing from here on (after
    `PRAGMA synchronous = force`, if given), as SQLite reports it: 2 FULL, 1 NORMAL, 0 OFF."""
    configure = connection._configure
    levels: list[int] = []

    def spied(conn, writable: bool) -> None:  # type: ignore[no-untyped-def]
        configure(conn, writable)
        if writable:
            if force is not None:
                conn.execute(f"PRAGMA synchronous = {force}")
            levels.append(conn.execute("PRAGMA synchronous").fetchone()[0])

    monkeypatch.setattr(connection, "_configure", spied)
    return levels


@pytest.fixture
def sync_levels(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The app's own setting, watched."""
    return _spy_on_connections(monkeypatch, None)


@pytest.fixture
def synchronous_off(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every connection opened for writing from here on runs with `PRAGMA synchronous = OFF`."""
    return _spy_on_connections(monkeypatch, "OFF")


@dataclass
class TracedWindow:
    """A recorder window whose timeline writes "shown" to `marker` (one os.write, a system call
    strace sees) from rowsInserted, when a row appears; `mark(data)` writes there too."""

    window: Any
    wal: Path
    marker: Path
    mark: Callable[[bytes], int]


@pytest.fixture
def traced_window(qtbot, tmp_path: Path) -> Iterator[TracedWindow]:
    from incident_recorder.ui.recorder.recorder_window import RecorderWindow

    path, wal = _incident(tmp_path)
    window = RecorderWindow(IncidentFile.open(path), clock=system_clock, local_zone=UTC)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(window)
    window.show()
    marker = tmp_path / "timeline.marker"
    fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    window.model.rowsInserted.connect(lambda *_: os.write(fd, b"shown\n"))
    try:
        yield TracedWindow(window, wal, marker, lambda data: os.write(fd, data))
    finally:
        window.close()
        os.close(fd)


def window_note_problems(qtbot, traced_window: TracedWindow, tmp_path: Path) -> list[str]:
    """A note typed and Enter, strace attached to this process: what is wrong."""
    window, wal, marker = traced_window.window, traced_window.wal, traced_window.marker
    text = f"window sync probe {uuid.uuid4().hex}"
    with Attached(os.getpid(), tmp_path / "window.strace") as trace:
        qtbot.keyClicks(window.note_bar.edit, text)
        qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.last_error is None, window.last_error
    assert window.model.entry_at(0).text == text
    problems = sync_problems(trace.calls(), wal, reply_to(marker, b"shown"), entry=text.encode())
    return problems


def test_window_note_is_synced_before_the_timeline_shows_it(
    sync_levels, qtbot, traced_window, tmp_path: Path, figures
) -> None:
    _need("strace", attach=True)
    problems = window_note_problems(qtbot, traced_window, tmp_path)
    assert not problems, problems[0]
    assert sync_levels and set(sync_levels) == {2}, sync_levels  # FULL, as the app sets it
    figures.add("sync", "window note (Enter)", reply="the timeline's row", synced=True)


def test_the_window_note_check_fails_with_synchronous_off(
    synchronous_off, qtbot, traced_window, tmp_path: Path, figures
) -> None:
    _need("strace", attach=True)
    problems = window_note_problems(qtbot, traced_window, tmp_path)
    assert synchronous_off and set(synchronous_off) == {0}, synchronous_off
    assert len(problems) == 1 and MISSING_SYNC in problems[0], problems
    figures.add("sync", "window note (Enter)", reply="the timeline's row",
                caught="synchronous = OFF")  # fmt: skip


def window_capture_problems(qtbot, traced_window: TracedWindow, tmp_path: Path) -> list[str]:
    """Capture Screen (a real grab of the X display) under strace: what is wrong."""
    window, wal, marker = traced_window.window, traced_window.wal, traced_window.marker
    with Attached(os.getpid(), tmp_path / "capture.strace") as trace:
        traced_window.mark(b"pressed\n")
        with qtbot.waitSignal(window.captures.captured, timeout=20_000):
            window.actions_by_id["capture_screen"].trigger()
        qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    assert window.last_error is None, window.last_error
    assert window.model.entry_at(0).capture is not None
    calls = trace.calls()
    pressed = next(c for c in calls if reply_to(marker, b"pressed")(c))
    # the entry's first write to the WAL after the key: its PNG (or thumbnail) bytes
    return sync_problems(calls, wal, reply_to(marker, b"shown"), entry=b"\x89PNG\r\n\x1a\n",
                         after=pressed.end)  # fmt: skip


@pytest.mark.xvfb
def test_window_capture_is_synced_before_the_timeline_shows_it(
    sync_levels, qtbot, traced_window, tmp_path: Path, figures
) -> None:
    _need("strace", attach=True)
    problems = window_capture_problems(qtbot, traced_window, tmp_path)
    assert not problems, problems[0]
    assert len(sync_levels) >= 2 and set(sync_levels) == {2}, sync_levels  # window and worker
    figures.add("sync", "window capture (Capture Screen, off the UI thread)",
                reply="the timeline's row", synced=True)  # fmt: skip


@pytest.mark.xvfb
def test_the_window_capture_check_fails_with_synchronous_off(
    synchronous_off, qtbot, traced_window, tmp_path: Path, figures
) -> None:
    _need("strace", attach=True)
    problems = window_capture_problems(qtbot, traced_window, tmp_path)
    assert len(synchronous_off) >= 2 and set(synchronous_off) == {0}, synchronous_off
    assert len(problems) == 1 and MISSING_SYNC in problems[0], problems
    figures.add("sync", "window capture (Capture Screen, off the UI thread)",
                reply="the timeline's row", caught="synchronous = OFF")  # fmt: skip
