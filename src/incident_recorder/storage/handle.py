"""One open connection to an incident file, and everything every read and write goes through.

`FileHandle` owns the SQLite connection of an IncidentFile and the guards around it: every
write is one transaction (`_write`) that first checks the file is still the one opened
(`check_still_there`) and that this process still holds its SQLite locks (`check_locks`,
storage/guard.py); every read (`_read`, `_stream`, `_snapshot`) turns SQLite's errors into clear
IncidentFileErrors, and `consistent_read` gives a caller above storage several reads as of one
moment; a Checkpointer folds the WAL in after writes (checkpoints.py); an Interrupter
bounds and stops statements (limits.py). The repositories of the record (incident_file.py,
events.py, curated.py) build on it; none of them touches the connection any other way.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from incident_recorder.domain.times import Clock
from incident_recorder.storage import guard
from incident_recorder.storage.checkpoints import Checkpointer
from incident_recorder.storage.connection import connect_for_checkpoints
from incident_recorder.storage.errors import FileMissingError, IncidentFileError, translate
from incident_recorder.storage.limits import Interrupter

if TYPE_CHECKING:
    from sqlite_utils import Database


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


class FileHandle:
    """The connection of one open incident file (see the module docstring)."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        clock: Clock,
        watch: guard.LockWatch | None = None,
    ) -> None:
        self.path = path
        self._conn = conn
        self._watch = watch
        self._lost: str | None = None  # why this connection may never write again
        self._interrupter = Interrupter(conn)
        # Released on close, or when the object is collected unclosed (its connection closes
        # then, and the inode number may go to another file).
        self._release = weakref.finalize(self, guard.release, guard.register(path))
        self._checkpointer = (
            None if watch is None else Checkpointer(self._checkpoint_connection, self._foldable)
        )
        self._sqlite_utils: Database | None = None
        self._clock = clock
        self._identity = _identity(path)
        self._closed = False
        self.version = int(conn.execute("PRAGMA user_version").fetchone()[0])

    def check_still_there(self) -> None:
        """FileMissingError if the file was deleted, moved or replaced since it was opened.

        SQLite would go on writing into the unlinked file, and everything written after that
        would vanish when the connection closes; so every write checks first.
        """
        if _identity(self.path) != self._identity:
            raise FileMissingError(
                f"{self.path} was deleted, moved or replaced while it was open: nothing more is "
                "saved into it. Export what is shown, or reopen the file"
            )

    @property
    def _db(self) -> Database:
        """The connection as a ``sqlite_utils.Database`` (imported only when first asked for)."""
        if self._sqlite_utils is None:
            from sqlite_utils import Database

            self._sqlite_utils = Database(self._conn)
        return self._sqlite_utils

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.close()  # the last checkpoint, while this connection is open
        self._release()
        self._closed = True
        self._conn.close()

    def _checkpoint_connection(self) -> sqlite3.Connection:
        with guard.watching(self.path):  # its WAL descriptor is not taken for another's
            return connect_for_checkpoints(self.path)

    def _foldable(self) -> bool:
        """Whether the checkpointer may fold the WAL in: never from a connection whose locks
        were lost (its idea of the WAL may be stale, storage/guard.py)."""
        if self._closed or self._lost is not None:
            return False
        return self._watch is None or self._watch.problem() is None

    def check_locks(self) -> None:
        """LockLostError if this process lost what SQLite needs to write safely (storage/guard.py).

        Called before every write: the write is refused, never made into a deleted WAL. When
        the WAL is gone, what this connection can still read is first copied beside the file.
        """
        if self._lost is not None:
            raise guard.LockLostError(self._lost)
        if self._watch is None:
            return
        problem = self._watch.problem()
        if problem is None:
            return
        guard.pin(self.path)  # before anything else: this connection must never checkpoint
        kept = None
        if problem.wal_gone:
            kept = guard.salvage(self._conn, self.path, f"{self._clock():%Y%m%d-%H%M%S}")
        message = (
            f"nothing was saved: {problem.reason}, so {self.path.name} could lose what is written "
            "now (something in this program opened the file behind its storage connection). "
            "Close and reopen the incident to go on recording"
        )
        if kept is not None:
            message += f"; what this window held is kept in {kept.name}"
        self._lost = message
        raise guard.LockLostError(message, kept)

    def _connection(self) -> sqlite3.Connection:
        """The open connection; a clear IncidentFileError once `close` was called (a late
        timer or signal must get an error it can handle, not sqlite3.ProgrammingError)."""
        if self._closed:
            raise IncidentFileError(f"{self.path.name} is closed")
        self._interrupter.started()
        return self._conn

    def limit_statements(self, seconds: float | None) -> None:
        """Stop any statement that runs longer than `seconds` with StoppedError (a window sets
        this on its own connection: no file may freeze it)."""
        self._interrupter.limit_statements(seconds)

    def stop_when(self, should_stop: Callable[[], bool] | None) -> None:
        """Stop the running statement (StoppedError) as soon as `should_stop()` is true: a
        Cancel button, or a SIGTERM handler's flag (limits.py says why this works mid-query)."""
        self._interrupter.stop_when(should_stop)

    def interrupt(self) -> None:
        """Stop the running statement now; safe to call from any thread."""
        self._conn.interrupt()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self, action: str) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        self.check_still_there()
        self.check_locks()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise translate(error, self.path, action) from None
        if self._checkpointer is not None:
            self._checkpointer.written()

    def consistent_read(self) -> AbstractContextManager[None]:
        """A read transaction for a caller that reads several things and needs them to agree
        (the findings: entries, recognised text, dismissals and redactions as of one moment):
        every read inside sees the file as of its first read, whatever other processes write
        meanwhile. Nested inside another read or a write, it is that one."""
        return self._snapshot()

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """A read transaction: every read inside sees the file as of its first read."""
        conn = self._connection()
        if conn.in_transaction:
            yield
            return
        try:
            conn.execute("BEGIN")
        except sqlite3.Error as error:
            raise translate(error, self.path, "reading the incident") from None
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                with suppress(sqlite3.Error):  # the reader's own error is the one to report
                    conn.execute("ROLLBACK")
            raise
        if conn.in_transaction:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as error:
                raise translate(error, self.path, "reading the incident") from None

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        cursor = None
        try:
            cursor = self._connection().execute(sql, params)
            yield from cursor
        except sqlite3.Error as error:
            raise translate(error, self.path, "reading the incident") from None
        finally:
            if cursor is not None:
                cursor.close()

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        conn = self._connection()
        try:
            return list(conn.execute(sql, params).fetchall())
        except sqlite3.Error as error:
            raise translate(error, self.path, "reading the incident") from None

    def defer_checkpoints(self) -> None:
        """Never run SQLite's automatic WAL checkpoint on this connection's commits.

        A checkpoint fsyncs the main file: on a slow disk, hundreds of milliseconds inside an
        ordinary commit. A window defers them on its UI-thread connection and has another
        thread call `checkpoint` now and then instead. Durability is unchanged: every commit is
        still fsynced to the WAL.
        """
        self._read("PRAGMA wal_autocheckpoint = 0")

    def checkpoint(self) -> None:
        """Copy what the WAL holds into the main file (SQLite's PASSIVE checkpoint: it never
        blocks a writer), so a copy of the main file alone is nearly up to date."""
        self._read("PRAGMA wal_checkpoint(PASSIVE)")

    def backup_into(self, target: sqlite3.Connection) -> None:
        """Copy the file as it now reads, WAL included, into `target` (SQLite's backup API, in
        one step: one read transaction, so the copy is the incident as of one moment)."""
        conn = self._connection()
        try:
            conn.backup(target)
        except sqlite3.Error as error:
            raise translate(error, self.path, "copying the incident") from None

    def data_version(self) -> int:
        """Changes whenever another connection commits: cheap to poll."""
        return int(self._read("PRAGMA data_version")[0][0])
