"""A consistent copy of a live incident file, taken with SQLite's backup API.

A plain copy of `checkout.incident` holds only what has been folded into the main file; the
rest is in `-wal` (every writer folds it in within seconds, storage/checkpoints.py, but a copy
taken right after a note may still miss it). `snapshot` reads the file as SQLite sees it, WAL
included, in one read transaction, so the copy is the incident as of one moment, complete.
The copy is written under a temporary name beside the destination and renamed when it is
whole and synced: a copy cut short never carries the destination's name. It is created 0600,
like every incident file: its notes are nobody else's to read. A copy of a team replica is not
linked to the team database and has a recorder id of its own (`_unlink_from_team`).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from incident_recorder.storage.errors import FileExistsError_, FileMissingError, IncidentFileError
from incident_recorder.storage.incident_file import IncidentFile
from incident_recorder.storage.origins import UUID_SQL


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What `snapshot` wrote."""

    path: Path
    entries: int
    size: int
    unlinked: bool = False
    """The source was a replica of a team incident; the copy is not linked to the team."""


def snapshot(source: Path, dest: Path) -> Snapshot:
    """Copy the incident file `source` (live or not) to `dest` (a new file, or a folder to put
    a file of the same name in); IncidentFileError with a clear message if it cannot be."""
    if dest.is_dir():
        dest = dest / source.name
    if dest.exists():
        raise FileExistsError_(f"{dest} already exists: choose another name")
    if not dest.parent.is_dir():
        raise FileMissingError(f"cannot copy to {dest}: folder {dest.parent} does not exist")
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    try:
        with IncidentFile.open(source, readonly=True) as live:
            # unlinked, the copy could never fetch them: its captures would stay half-there
            live.check_pixels_here(doing="copied")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
            target = sqlite3.connect(partial)
            try:
                live.backup_into(target)
                entries = int(target.execute("SELECT count(*) FROM entries").fetchone()[0])
                unlinked = _unlink_from_team(target)
            finally:
                target.close()  # the last connection: folds its WAL in and removes it
        _fsync(partial)
        os.replace(partial, dest)
        _fsync(dest.parent)
    except OSError as error:
        raise IncidentFileError(f"cannot copy to {dest}: {error.strerror or error}") from None
    except sqlite3.Error as error:
        raise IncidentFileError(f"copying {source.name} failed: {error}") from None
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
    return Snapshot(dest, entries, dest.stat().st_size, unlinked)


def _unlink_from_team(copy: sqlite3.Connection) -> bool:
    """A copy of a team replica is a snapshot, not a second live replica: syncing under the
    original's recorder id, it pushed rows the original then never pulled (a pull skips its
    own recorder's rows), and the two stayed apart for good. The copy gets a recorder id of
    its own and no link to the team database (`join` makes a live replica); whether it was one.
    Local state only: the record, its global ids and authors are the original's."""
    tables = {name for (name,) in copy.execute("SELECT name FROM sqlite_master")}
    if not {"team_sync", "replica"} <= tables:
        return False  # a file from before team recording
    if copy.execute("SELECT 1 FROM team_sync WHERE key = 'incident'").fetchone() is None:
        return False  # never shared: a copy of a file is the file (its rows still to push)
    with copy:
        copy.execute("DELETE FROM team_sync")
        copy.execute(f"UPDATE replica SET recorder = {UUID_SQL} WHERE id = 1")
    return True


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
