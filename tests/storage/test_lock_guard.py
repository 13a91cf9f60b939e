"""The lock trap (storage/guard.py): nothing opens an open incident file behind the storage's
back, and if something does, the next write is refused before it can go into a deleted WAL.

"Another program" here is the real CLI in a child process; "something in this process" is a
plain open()+close() of the file through libc, as Qt's file dialog did (it bypasses Python).
"""

from __future__ import annotations

import ctypes
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile, guard
from incident_recorder.storage.guard import InUseError, LockLostError

pytestmark = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="the lock checks read /proc (Linux)"
)


def _open_and_close_behind_storage(path: Path) -> None:
    """What Qt's MIME sniffing did: open the file, read a little, close it (drops our locks)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.open(os.fsencode(path), os.O_RDONLY)
    assert fd >= 0, os.strerror(ctypes.get_errno())
    libc.read(fd, ctypes.create_string_buffer(16), 16)
    libc.close(fd)


def _cli_note(path: Path, text: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "note", str(path), text],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Saved entry" in done.stdout


def _texts(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [text for (text,) in conn.execute("SELECT text FROM entries ORDER BY id")]
    finally:
        conn.close()


def test_the_open_file_holds_its_locks_and_passes_the_check(tmp_path: Path) -> None:
    with IncidentFile.create(tmp_path / "t.incident", "Lock test") as incident:
        incident.add_note("first")
        assert incident._watch is not None and incident._watch.wal_fds
        assert incident._watch.problem() is None
        incident.add_note("second")
    assert _texts(tmp_path / "t.incident") == ["first", "second"]


def test_a_lost_lock_refuses_the_write_before_another_program_can_delete_the_wal(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.incident"
    with IncidentFile.create(path, "Lock test") as incident:
        incident.add_note("window 1")
        _open_and_close_behind_storage(path)
        with pytest.raises(LockLostError, match="no longer holds its lock on t.incident"):
            incident.add_note("window 2")
        _cli_note(path, "shell 1")
        with pytest.raises(LockLostError):  # never again through this connection
            incident.add_note("window 3")
    assert _texts(path) == ["window 1", "shell 1"]
    with IncidentFile.open(path) as reopened:  # reopening gives a connection with its locks
        reopened.add_note("window 2, again")
    assert _texts(path) == ["window 1", "shell 1", "window 2, again"]


def test_every_note_reported_saved_survives_the_lock_trap(tmp_path: Path) -> None:
    """The issue's five steps, without the window: rounds of CLI and in-process notes after the
    locks were broken; every note reported saved is in the file at the end."""
    path = tmp_path / "t.incident"
    saved: list[str] = []
    incident = IncidentFile.create(path, "Lock test")
    _open_and_close_behind_storage(path)
    for round_ in (1, 2, 3):
        _cli_note(path, f"shell round {round_}")
        saved.append(f"shell round {round_}")
        try:
            incident.add_note(f"window round {round_}")
            saved.append(f"window round {round_}")
        except LockLostError:
            incident.close()
            incident = IncidentFile.open(path)
            incident.add_note(f"window round {round_}")
            saved.append(f"window round {round_}")
    incident.close()
    assert sorted(_texts(path)) == sorted(saved)


def test_a_deleted_wal_is_seen_and_what_the_connection_held_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "t.incident"
    incident = IncidentFile.create(path, "Lock test")
    incident.add_note("before")
    _open_and_close_behind_storage(path)
    _cli_note(path, "shell")  # the CLI closes last: it checkpoints and deletes -wal and -shm
    assert not Path(f"{path}-wal").exists()
    problem = incident._watch.problem() if incident._watch else None
    assert problem is not None and problem.wal_gone
    with pytest.raises(LockLostError, match="was deleted") as refused:
        incident.add_note("into the deleted WAL?")
    kept = refused.value.salvage
    assert kept is not None and kept.exists() and kept.parent == tmp_path
    assert kept.stat().st_mode & 0o077 == 0
    assert "before" in _texts(kept)
    incident.close()
    assert _texts(path) == ["before", "shell"]


def test_a_write_that_raced_into_a_deleted_wal_is_kept_and_never_checkpointed_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check and the write are not one step: should a write slip into a deleted WAL, the
    next check keeps it in the salvage copy, and closing the stale connection copies none of
    its stale pages into the file (it would otherwise, as the last connection)."""
    path = tmp_path / "t.incident"
    incident = IncidentFile.create(path, "Lock test")
    incident.add_note("before")
    _open_and_close_behind_storage(path)
    _cli_note(path, "shell 1")
    assert incident._watch is not None
    real_problem = incident._watch.problem
    monkeypatch.setattr(incident._watch, "problem", lambda: None)
    incident.add_note("raced")  # slips past the check into the deleted WAL
    monkeypatch.setattr(incident._watch, "problem", real_problem)
    with pytest.raises(LockLostError) as refused:
        incident.add_note("after")
    assert refused.value.salvage is not None
    assert "raced" in _texts(refused.value.salvage)
    _cli_note(path, "shell 2")
    incident.close()  # the stale connection, now the only one: it must not checkpoint
    assert _texts(path) == ["before", "shell 1", "shell 2"]


def test_python_code_cannot_open_an_incident_file_that_is_open(tmp_path: Path) -> None:
    guard.install_open_guard()  # the app and the CLI install it at start (conftest does too)
    path = tmp_path / "t.incident"
    link = tmp_path / "link.incident"
    with IncidentFile.create(path, "Guarded") as incident:
        incident.add_note("a note")
        link.symlink_to(path)
        for target in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), link):
            with pytest.raises(InUseError, match="open in this program"):
                target.read_bytes()
        with pytest.raises(OSError):
            open(path, "rb")  # noqa: SIM115 - the refusal is the point
        assert incident._watch is not None and incident._watch.problem() is None
        incident.add_note("still holding its locks")
    assert path.read_bytes()[:15] == b"SQLite format 3"  # closed: a file like any other


def test_opening_one_file_never_waits_for_the_opening_of_another(tmp_path: Path) -> None:
    """A 2 GB migration on a worker holds its file's opening; another incident opened meanwhile
    (the window's) must not wait for it."""
    import threading
    import time

    slow, quick = tmp_path / "slow.incident", tmp_path / "quick.incident"
    for path in (slow, quick):
        IncidentFile.create(path, path.stem).close()
    held = threading.Event()
    release = threading.Event()

    def long_opening() -> None:
        with guard.watching(slow):
            held.set()
            release.wait(10)

    worker = threading.Thread(target=long_opening)
    worker.start()
    try:
        held.wait(10)
        started = time.monotonic()
        IncidentFile.open(quick).close()
        assert time.monotonic() - started < 1.0
    finally:
        release.set()
        worker.join()
