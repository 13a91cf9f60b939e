"""Opening and creating incident files safely: nothing is written until the file is ours.

A path that is missing, not SQLite, another program's database or from a newer version is refused
with a clear message, and the file is left byte-for-byte as it was; so is a file opened for
writing whose record (every table but the captures' pixels) is damaged.

The connection is a plain ``sqlite3.Connection``, configured as sqlite-utils configures its own
(``recursive_triggers``); ``IncidentFile.db`` wraps it in a ``sqlite_utils.Database`` when asked
for, so ``import sqlite_utils`` (about 70 ms) is not paid before the window shows.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from incident_recorder.storage import guard, limits, schema, schema_check
from incident_recorder.storage.errors import (
    CorruptFileError,
    FileExistsError_,
    FileMissingError,
    IncidentFileError,
    NewerSchemaError,
    NotAnIncidentFileError,
    ReadOnlyFileError,
    translate,
)

BUSY_TIMEOUT_MS = 5000


def _uri(path: Path, mode: str, immutable: bool = False) -> str:
    suffix = "&immutable=1" if immutable else ""
    return f"file:{quote(str(path.resolve()))}?mode={mode}{suffix}"


def _connect(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(
        uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=True
    )
    limits.harden(conn)  # before anything of the file is read (limits.py)
    return conn


def _configure(conn: sqlite3.Connection, writable: bool) -> None:
    conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite_utils.Database(conn) sets it
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if writable:
        # FULL: every commit is fsynced to the WAL, so power loss cannot take a saved entry.
        conn.execute("PRAGMA synchronous = FULL")
        # Never a checkpoint inside a commit: a Checkpointer thread runs them (checkpoints.py).
        conn.execute("PRAGMA wal_autocheckpoint = 0")


def connect_for_checkpoints(path: Path) -> sqlite3.Connection:
    """A plain connection for a Checkpointer's thread (the file was checked when it was opened,
    and this connection only ever runs PRAGMA wal_checkpoint)."""
    conn = _connect(_uri(path, "rw"))
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    return conn


PRIVATE_MODE = 0o600
"""Incident files (and so their -wal and -shm) are created readable by their owner only."""


def shared_with_others(path: Path, *, check_header: bool = False) -> str | None:
    """A warning if other users of this computer may read the incident file `path` (its mode
    lets group or others read or write it), else None. `check_header`: only if its header says
    it is an incident file (read from the file: never while this process has it open)."""
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        return None
    if not mode & 0o066:
        return None
    if check_header and not _incident_header(path):
        return None
    return (
        f"{path.name} can be read by other users of this computer (mode {mode:04o}): its "
        f"internal notes and webhook token are exposed; `chmod 600 {path.name}` makes it private"
    )


def _incident_header(path: Path) -> bool:
    """Whether `path` starts as an SQLite file with our application id (offset 68)."""
    guard.refuse_open_here(path)
    try:
        with open(path, "rb") as source:
            header = source.read(72)
    except OSError:
        return False
    return header[:16] == b"SQLite format 3\x00" and header[
        68:72
    ] == schema.APPLICATION_ID.to_bytes(4, "big")


def check_header(path: Path) -> None:
    """Refuse a path that is missing, a folder, empty or too short to be an SQLite database.

    The file's bytes are never read here: closing any descriptor of a database file drops every
    POSIX lock this process holds on it (SQLite's "broken POSIX locks" caveat), so reading the
    header with open() while another connection of this process has the file open lets a third
    program checkpoint and delete the WAL under that connection, losing what it writes next.
    Whether it is SQLite at all is left to SQLite ("file is not a database").
    """
    if not path.exists():
        raise FileMissingError(f"no such incident file: {path}")
    if path.is_dir():
        raise NotAnIncidentFileError(f"{path} is a folder, not an incident file")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise IncidentFileError(f"cannot read {path}: {error.strerror or error}") from None
    if size == 0:
        raise NotAnIncidentFileError(f"{path} is empty, not an incident file")
    if size < 512:
        raise NotAnIncidentFileError(f"{path} is not an incident file (not an SQLite database)")


def open_database(path: Path, readonly: bool) -> sqlite3.Connection:
    """Open an existing incident file, checked and migrated; IncidentFileError if it cannot be."""
    check_header(path)
    writable = not readonly
    if writable and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise ReadOnlyFileError(
            f"{path} is read-only: it can be exported, but not recorded into "
            "(copy it somewhere writable, or fix its permissions)"
        )
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect(_uri(path, "rw")) if writable else _connect_readonly(path)
        version = _validate(conn, path)
        schema_check.verify(conn, path, version)  # before any table of the file is read
        _configure(conn, writable)
        if writable:
            check_record_pages(conn, path)  # before the first write, a migration included
        if writable and version < schema.SCHEMA_VERSION:
            schema.migrate(conn, version)
        conn.execute("SELECT count(*) FROM incident").fetchone()
        return conn
    except sqlite3.Error as error:
        if conn is not None:
            conn.close()
        if "not a database" in str(error):
            raise NotAnIncidentFileError(
                f"{path} is not an incident file (not an SQLite database)"
            ) from None
        raise translate(error, path, "opening the incident") from None
    except IncidentFileError:
        if conn is not None:
            conn.close()
        raise


UNCHECKED_TABLES = ("captures", "capture_pixels")
"""Tables `check_record_pages` leaves out: the captures' pixels are most of a big file (2 GB
for 2,000 screenshots, seconds to check), a note never touches them, and a damaged image is
refused when it is read (viewer, export). `capture_pixels` holds teammates' images that arrived
after their captures (storage/pixels.py)."""


def check_record_pages(conn: sqlite3.Connection, path: Path) -> None:
    """CorruptFileError if a page of the record is damaged: refuse to write into such a file.

    A note only appends, so it would succeed on a file with a damaged page among old entries,
    and every later write would go into a file that can no longer be read whole. This runs
    SQLite's `quick_check` on every table (and its indexes) but UNCHECKED_TABLES: tens of
    milliseconds for 100,000 entries. Before SQLite 3.33 (no per-table check) the whole file
    is checked.
    """
    if sqlite3.sqlite_version_info < (3, 33, 0):  # pragma: no cover - older SQLite
        checks = ["PRAGMA quick_check"]
    else:
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name not in UNCHECKED_TABLES
        ]
        checks = [f"PRAGMA quick_check({_quoted(name)})" for name in tables]
    for check in checks:
        cursor = conn.cursor()  # closed here: a statement left open would keep the -wal
        try:  # and -shm files after the connection is closed
            problems = [str(row[0]) for row in cursor.execute(check).fetchall()]
        except sqlite3.DatabaseError as error:  # a page so damaged the check itself stops
            if not any(word in str(error) for word in ("malformed", "corrupt", "not a database")):
                raise
            problems = [str(error)]
        finally:
            cursor.close()
        if problems != ["ok"]:
            detail = " ".join(" ".join(problems).replace("*** in database main ***", "").split())
            if len(detail) > 120:
                detail = detail[:117] + "..."
            raise CorruptFileError(
                f"{path.name} is damaged ({detail}): it is not opened for recording, and "
                "nothing was written to it"
            )


def _quoted(name: str) -> str:
    escaped = name.replace('"', '""')
    return f'"{escaped}"'


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that never writes the incident, and leaves no -wal/-shm files behind.

    Where the file and its folder are writable, a read-write connection with `query_only` (a
    mode=ro connection cannot remove the -wal/-shm files it creates when it closes). Elsewhere
    (a read-only mount, a file we may not write) mode=ro, and if SQLite cannot set up WAL
    reading there, the main file read as it stands (immutable) — but only when no WAL holds
    commits that reading the main file alone would silently miss.
    """
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        conn = _connect(_uri(path, "rw"))
        conn.execute("PRAGMA query_only = ON")
        return conn
    conn = _connect(_uri(path, "ro"))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as error:
        if "unable to open" not in str(error) and "readonly" not in str(error):
            conn.close()
            raise
        conn.close()
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise ReadOnlyFileError(
                f"{path} has recent entries in {wal.name} that cannot be read from this "
                f"read-only place: copy {path.name} and {wal.name} together somewhere writable"
            ) from None
        conn = _connect(_uri(path, "ro", immutable=True))
    return conn


def _validate(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, after making sure it is an incident file we can read."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if app_id != schema.APPLICATION_ID:
        raise NotAnIncidentFileError(
            f"{path} is an SQLite database of another program, not an incident file"
        )
    if version > schema.SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path} was written by a newer Incident Recorder (file format {version}, this "
            f"version reads up to {schema.SCHEMA_VERSION}): update the app; the file is untouched"
        )
    return int(version)


def create_database(path: Path) -> sqlite3.Connection:
    """Create a new, empty incident file at `path` (which must not exist yet)."""
    if path.exists():
        raise FileExistsError_(f"{path} already exists: open it, or choose another name")
    if not path.parent.is_dir():
        raise FileMissingError(f"cannot create {path}: folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise ReadOnlyFileError(f"cannot create {path}: folder {path.parent} is read-only")
    conn: sqlite3.Connection | None = None
    try:
        # Readable by its owner only, created before SQLite sees it: SQLite gives the -wal and
        # -shm files the mode of the database file. Internal notes are nobody else's to read.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE))
        conn = _connect(_uri(path, "rwc"))
        conn.execute("PRAGMA journal_mode = WAL")
        _configure(conn, writable=True)
        schema.migrate(conn, 0)
        return conn
    except (sqlite3.Error, OSError) as error:
        if conn is not None:
            conn.close()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        if isinstance(error, sqlite3.Error):
            raise translate(error, path, "creating the incident") from None
        raise IncidentFileError(f"cannot create {path}: {error}") from None
