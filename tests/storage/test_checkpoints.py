"""One file you can copy: every writer folds the WAL into the main file within seconds
(storage/checkpoints.py), off its own thread, never inside a commit; `snapshot` copies a live
file completely at any moment.

"A plain copy" is `cp` of the main file alone, by another process, as a user mails it.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.storage.checkpoints import DELAY_S
from incident_recorder.storage.snapshot import snapshot

COPY_WITHIN_S = 5.0
"""The promise: a plain copy holds everything saved this long before it."""


def plain_copy_entries(path: Path, folder: Path) -> int:
    """Entries in a `cp` of the main file alone (no -wal beside it), by another process."""
    folder.mkdir(exist_ok=True)
    copy = folder / f"copy-{time.monotonic_ns()}.incident"
    subprocess.run(["cp", str(path), str(copy)], check=True)
    conn = sqlite3.connect(f"file:{copy}?immutable=1", uri=True)  # the main file as it is
    try:
        return int(conn.execute("SELECT count(*) FROM entries").fetchone()[0])
    except sqlite3.OperationalError as error:  # not even the tables are in the main file yet
        assert "no such table" in str(error)
        return 0
    finally:
        conn.close()


def wait_for_plain_copy(path: Path, folder: Path, entries: int) -> float:
    """Seconds until a plain copy holds `entries` entries; fails after COPY_WITHIN_S."""
    start = time.monotonic()
    while plain_copy_entries(path, folder) < entries:
        elapsed = time.monotonic() - start
        assert elapsed < COPY_WITHIN_S, f"a plain copy still lacks entries after {elapsed:.1f} s"
        time.sleep(0.1)
    return time.monotonic() - start


def test_a_plain_copy_holds_the_notes_within_seconds_while_the_file_stays_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "live.incident"
    with IncidentFile.create(path, "Live") as live:
        for number in range(20):
            live.add_note(f"note {number}")
        assert plain_copy_entries(path, tmp_path / "copies") < 20  # still only in the WAL
        waited = wait_for_plain_copy(path, tmp_path / "copies", 20)
        assert waited <= DELAY_S + 2
        live.add_note("one more, a while later")
        wait_for_plain_copy(path, tmp_path / "copies", 21)


def test_no_checkpoint_runs_inside_a_commit(tmp_path: Path) -> None:
    """SQLite's automatic checkpoint (after 1,000 pages) would fsync the main file inside a
    note's commit: it is off on every writable connection; the checkpointer thread does it."""
    path = tmp_path / "big.incident"
    with IncidentFile.create(path, "Big") as live:
        assert live._conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
        with IncidentFile.open(path) as other:  # every writable connection, not just the first
            assert other._conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)


def test_closing_folds_the_wal_in_even_while_another_process_holds_the_file(
    tmp_path: Path,
) -> None:
    """A short-lived writer (the CLI) does not leave its note in the WAL of a file a window
    keeps open: closing runs the last checkpoint (the window's connection stays open here)."""
    path = tmp_path / "shared.incident"
    window = IncidentFile.create(path, "Shared")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "incident_recorder", "note", str(path), "from the shell"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert plain_copy_entries(path, tmp_path / "copies") == 1  # at once, no waiting
    finally:
        window.close()


def test_a_file_that_lost_its_locks_is_never_checkpointed(tmp_path: Path) -> None:
    path = tmp_path / "lost.incident"
    live = IncidentFile.create(path, "Lost")
    live._lost = "as if the locks were lost"
    assert not live._foldable()
    live.close()


def test_snapshot_copies_a_live_file_completely_at_once(tmp_path: Path) -> None:
    path = tmp_path / "live.incident"
    with IncidentFile.create(path, "Live") as live:
        for number in range(50):
            live.add_note(f"note {number}")
        copied = snapshot(path, tmp_path / "mailed.incident")
        assert copied.entries == 50
        assert copied.path.stat().st_mode & 0o777 == 0o600
        assert not Path(f"{copied.path}-wal").exists()
        with IncidentFile.open(copied.path, readonly=True) as mailed:
            assert [e.text for e in mailed.entries()] == [f"note {n}" for n in range(50)]
        folder = tmp_path / "archive"
        folder.mkdir()
        assert snapshot(path, folder).path == folder / "live.incident"
        with pytest.raises(IncidentFileError, match="already exists"):
            snapshot(path, tmp_path / "mailed.incident")
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []
