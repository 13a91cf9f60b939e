"""This process's hold on its open incident files: nothing else opens them, and a lost lock is seen.

SQLite's locks are POSIX advisory locks, and those belong to the *process*: closing any
descriptor of a database file (or of its -shm) in a process drops every lock the process holds on
it, including the ones SQLite took through its own descriptors. Another program then takes
itself for the last connection, checkpoints, and deletes the -wal and -shm files while this
process goes on writing into the deleted WAL: entries reported saved vanish.

Three defences, from the cause outwards:

- `register`/`release` keep the identities (device, inode) of the incident files open in this
  process, and `install_open_guard` adds a Python audit hook that refuses any `open()` of such a
  file or of its -wal/-shm by other code (an image import of a dropped file, a hash, a header
  check): the read fails with `InUseError`'s message instead of silently breaking the locks.
  Code outside Python (Qt's file dialogs) cannot be seen this way: ui/dialogs/file_dialogs.py keeps
  it
  from reading files at all.
- `LockWatch.problem` checks, before every write, that the process still holds its read lock on
  the database file and on the -shm, and that the WAL this connection writes into is still the
  one on disk. If not, the write is refused (storage/incident_file.py) before anything goes into
  a deleted WAL.
- What the connection can still read is saved beside the file (`salvage`), so nothing it held
  is lost with it.

The registry is process-wide on purpose: it mirrors the kernel's own bookkeeping, which is per
process too. Linux only where it reads /proc; elsewhere the checks that need it are skipped.
"""

from __future__ import annotations

import os
import sqlite3
import struct
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from incident_recorder.storage.errors import IncidentFileError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SHARED_FIRST = 0x40000002
"""First byte of the range on which SQLite's unix VFS takes a connection's SHARED lock; in WAL
mode every open connection holds it for as long as it is open."""
SHARED_SIZE = 510
SHM_DMS = 128
"""The -shm byte every connection holds a read lock on while it is connected (SQLite's
"dead man switch": its loss lets a newcomer rebuild the shared index under us)."""

_SIDE_FILES = ("-wal", "-shm", "-journal")

Identity = tuple[int, int]

_open: dict[Identity, int] = {}
"""(device, inode) of each incident file open in this process → how many connections."""


class InUseError(IncidentFileError, PermissionError):
    """Code other than the storage connection tried to open an incident file open here."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.strerror = message  # what callers that report OSErrors show


class LockLostError(IncidentFileError):
    """This process lost its SQLite locks on the file: the write was refused, nothing saved."""

    def __init__(self, message: str, salvage: Path | None = None) -> None:
        super().__init__(message)
        self.salvage = salvage


def identity(path: str | os.PathLike[str]) -> Identity | None:
    """(device, inode) of the file at `path` (links followed), or None if there is none."""
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    return (stat.st_dev, stat.st_ino)


def register(path: Path) -> Identity | None:
    """Note that a connection of this process has `path` open (call `release` when it closes)."""
    ident = identity(path)
    if ident is not None:
        _open[ident] = _open.get(ident, 0) + 1
    return ident


def release(ident: Identity | None) -> None:
    if ident is None or ident not in _open:
        return
    _open[ident] -= 1
    if _open[ident] <= 0:
        del _open[ident]


def open_here(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is an incident file open in this process, or its -wal, -shm or -journal."""
    if not _open:
        return False
    if identity(path) in _open:
        return True
    name = os.fspath(path)
    for suffix in _SIDE_FILES:
        if name.endswith(suffix) and identity(name[: -len(suffix)]) in _open:
            return True
    return False


def refuse_open_here(path: str | os.PathLike[str]) -> None:
    """InUseError if `path` is an incident file open in this process (see `open_here`)."""
    if open_here(path):
        raise InUseError(
            f"{os.path.basename(os.fspath(path))} is an incident file open in this program: "
            "it is read only through its own connection, never as a plain file "
            "(that would break its locks and lose what is recorded next)"
        )


_guard_installed = False


def install_open_guard() -> None:
    """Refuse Python-level opens of the incident files open in this process (once per process)."""
    global _guard_installed
    if _guard_installed:
        return
    _guard_installed = True
    sys.addaudithook(_audit)


_bypass = False
"""True while `pin` opens a file on purpose."""


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event != "open" or not _open or not args or _bypass:
        return
    target = args[0]
    if isinstance(target, str | bytes | os.PathLike) and not isinstance(target, bytes):
        refuse_open_here(target)


_openings: dict[str, threading.Lock] = {}
_openings_lock = threading.Lock()


def _opening(path: Path) -> threading.Lock:
    """One lock per file: openings of the same file in this process take turns (so each knows
    its own WAL descriptor); openings of other files never wait for it (a 2 GB migration on a
    worker must not hold up the window opening another incident)."""
    key = os.path.realpath(path)
    with _openings_lock:
        return _openings.setdefault(key, threading.Lock())


@contextmanager
def watching(path: Path) -> Iterator[LockWatch]:
    """Around opening a connection to `path`: the watch of that connection's WAL descriptors
    (those that appear while it opens; openings of one file are one at a time, so no other's
    are taken)."""
    with _opening(path):
        before = wal_descriptors(path)
        watch = LockWatch(path, set())
        yield watch
        watch.wal_fds = wal_descriptors(path) - before


def wal_descriptors(path: Path) -> set[int]:
    """This process's descriptors open on `path`'s WAL (empty where /proc is not there)."""
    wal = f"{os.path.realpath(path)}-wal"
    found: set[int] = set()
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return found
    for name in names:
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target == wal or target == f"{wal} (deleted)":
            found.add(int(name))
    return found


@dataclass(frozen=True, slots=True)
class LockProblem:
    """Why a write must not go ahead; `wal_gone`: the connection's WAL is no longer on disk."""

    reason: str
    wal_gone: bool = False


@dataclass
class LockWatch:
    """Checks, before a write, that this process still holds what SQLite needs (module doc)."""

    path: Path
    wal_fds: set[int]

    def problem(self) -> LockProblem | None:
        """Why writing now would lose data, or None when all is in place."""
        wal = self._wal_problem()
        if wal is not None:
            return wal
        locks = _held_locks()
        if locks is None:
            return None
        db = identity(self.path)
        shm = identity(f"{self.path}-shm")
        if shm is None:
            return LockProblem(f"its shared-memory file {self.path.name}-shm was deleted", True)
        if db is not None and not _covers(locks, db, SHARED_FIRST):
            return LockProblem(f"this program no longer holds its lock on {self.path.name}")
        if not _covers(locks, shm, SHM_DMS):
            return LockProblem(f"this program no longer holds its lock on {self.path.name}-shm")
        return None

    def _wal_problem(self) -> LockProblem | None:
        on_disk = identity(f"{self.path}-wal")
        for fd in sorted(self.wal_fds):
            try:
                stat = os.fstat(fd)
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                self.wal_fds.discard(fd)  # closed by SQLite: nothing to check any more
                continue
            if not target.startswith(f"{os.path.realpath(self.path)}-wal"):
                self.wal_fds.discard(fd)  # the number was reused for another file
                continue
            if stat.st_nlink == 0 or on_disk != (stat.st_dev, stat.st_ino):
                return LockProblem(f"its write-ahead log {self.path.name}-wal was deleted", True)
        return None


def _held_locks() -> list[tuple[Identity, int, int]] | None:
    """This process's POSIX locks as (identity, first byte, last byte); None without /proc."""
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as source:
            lines = source.read().splitlines()
    except OSError:
        return None
    pid = str(os.getpid())
    held: list[tuple[Identity, int, int]] = []
    for line in lines:
        fields = line.split()
        if len(fields) < 8 or fields[1] != "POSIX" or fields[4] != pid or "->" in line:
            continue
        try:
            major, minor, inode = fields[5].split(":")
            device = os.makedev(int(major, 16), int(minor, 16))
            first = int(fields[6])
            last = sys.maxsize if fields[7] == "EOF" else int(fields[7])
            held.append(((device, int(inode)), first, last))
        except ValueError:
            continue
    return held


def _covers(locks: list[tuple[Identity, int, int]], ident: Identity, byte: int) -> bool:
    return any(held == ident and first <= byte <= last for held, first, last in locks)


_pins: list[int] = []
"""Descriptors holding `pin` locks; kept open until the process ends (closing one would drop
this process's other locks on the file)."""


def pin(path: Path) -> None:
    """Keep any connection of this process from checkpointing or deleting `path`'s WAL on close.

    A connection whose WAL was deleted under it still believes in that WAL: closed as the last
    connection, it would copy its stale pages into the file and delete the *new* -wal and -shm
    by name. An open-file-description lock (Linux) on SQLite's SHARED range conflicts with this
    process's own POSIX locks, so SQLite's close-time attempt at an EXCLUSIVE lock fails and it
    leaves the files alone. Where such locks do not exist this does nothing.
    """
    ofd_setlk = getattr(fcntl, "F_OFD_SETLK", None) if fcntl is not None else None
    if ofd_setlk is None:
        return
    global _bypass
    _bypass = True
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return
    finally:
        _bypass = False
    lock = struct.pack("hhqqi4x", fcntl.F_RDLCK, os.SEEK_SET, SHARED_FIRST, SHARED_SIZE, 0)
    try:
        fcntl.fcntl(fd, ofd_setlk, lock)
    except OSError:
        os.close(fd)  # nothing was locked through it: closing it is as if it was never opened
        return
    _pins.append(fd)


def salvage(conn: sqlite3.Connection, path: Path, stamp: str) -> Path | None:
    """Copy what `conn` can still read into a new file beside `path` (SQLite's backup API).

    Used when the WAL was deleted under the connection: its commits since then exist nowhere
    else. The copy is a complete incident file (0600); None if nothing could be copied.
    """
    target = path.with_name(f"{path.stem}.recovered-{stamp}{path.suffix}")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        copy = sqlite3.connect(target)
        try:
            conn.backup(copy)
        finally:
            copy.close()
    except (OSError, sqlite3.Error):
        target.unlink(missing_ok=True)
        return None
    return target
