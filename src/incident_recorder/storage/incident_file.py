"""One incident file: append notes and captures, add revisions, read the timeline.

Every write is one transaction committed with synchronous=FULL before the method returns, so an
entry a caller has been handed back is on disk. Nothing is ever updated in place: an edit adds a
revision, a delete hides. One IncidentFile belongs to the thread that opened it (as its SQLite
connection does); other threads open their own.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from incident_recorder import __version__
from incident_recorder.domain import CaptureInfo, Entry, EntryKind, Incident, NewCapture
from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.text import clean_note_text
from incident_recorder.domain.times import Clock, from_iso, system_clock, to_iso
from incident_recorder.storage import annotations as annotation_store
from incident_recorder.storage import guard, value_check
from incident_recorder.storage.annotations import AnnotationSummary
from incident_recorder.storage.checkpoints import Checkpointer
from incident_recorder.storage.connection import (
    connect_for_checkpoints,
    create_database,
    open_database,
)
from incident_recorder.storage.curated import CuratedFile
from incident_recorder.storage.limits import Interrupter
from incident_recorder.storage.schema import CAPTURES_META

if TYPE_CHECKING:
    from sqlite_utils import Database

from incident_recorder.storage.errors import (
    CorruptFileError,
    FileMissingError,
    IncidentFileError,
    translate,
)
from incident_recorder.storage.events import EventsFile
from incident_recorder.storage.rows import (
    _entry,
    _Queries,
    _revised,
    record_key,
)


def _uuid4() -> object:
    import uuid  # with platform: ~4 ms, only when a file is created

    return uuid.uuid4()


_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Changes:
    """What other connections added since the last look (see IncidentFile.changes_since)."""

    entries: list[Entry]
    entry_mark: int
    revision_mark: int


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


@dataclass(frozen=True, slots=True)
class _Extra:
    """What a new entry may carry besides kind, text and time (schema version 3)."""

    public: bool = False
    author: str | None = None
    occurred_offset: str | None = None


class IncidentFile(EventsFile, CuratedFile):
    """An open incident file. Use `create` or `open`; close it (or use `with`) when done."""

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
        has_index = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (CAPTURES_META,)
        ).fetchone()
        self._sql = _Queries.for_version(self.version, captures_meta=has_index is not None)

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

    @classmethod
    def create(cls, path: Path | str, title: str, *, clock: Clock = system_clock) -> IncidentFile:
        """Create a new incident file titled `title`; IncidentFileError if it cannot be."""
        title = " ".join(title.split())
        if not title:
            raise IncidentFileError("an incident needs a title")
        path = Path(path)
        with guard.watching(path) as watch:
            conn = create_database(path)
        incident = cls(path, conn, clock, watch)
        try:
            with incident._write("creating the incident") as conn:
                conn.execute(
                    "INSERT INTO incident (id, uuid, title, created_at, app_version) "
                    "VALUES (1, ?, ?, ?, ?)",
                    (str(_uuid4()), title, to_iso(clock()), __version__),
                )
        except IncidentFileError:
            incident.close()  # a file without its incident row is no incident file: remove it
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            raise
        return incident

    @classmethod
    def open(
        cls, path: Path | str, *, readonly: bool = False, clock: Clock = system_clock
    ) -> IncidentFile:
        """Open an existing incident file; IncidentFileError (clear message) if it cannot be."""
        path = Path(path)
        with guard.watching(path) as watch:
            conn = open_database(path, readonly)
        return cls(path, conn, clock, None if readonly else watch)

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

    def __enter__(self) -> IncidentFile:
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

    # -- the incident ------------------------------------------------------------------------

    def incident(self) -> Incident:
        rows = self._read("SELECT uuid, title, created_at, app_version FROM incident WHERE id = 1")
        if not rows:
            raise IncidentFileError(f"{self.path.name} holds no incident (damaged file?)")
        uid, title, created_at, app_version = rows[0]
        return Incident(uid, title, from_iso(created_at), app_version)

    # -- writing -----------------------------------------------------------------------------

    def add_note(
        self,
        text: str,
        kind: EntryKind = EntryKind.OBSERVATION,
        occurred_at: Any = None,
        *,
        source: str = "gui",
        public: bool = False,
        author: str | None = None,
        occurred_offset: str | None = None,
    ) -> Entry:
        """Append a note; it is on disk when this returns. ValueError for unusable text.

        `occurred_offset` is the UTC offset a person typed the time in ('+01:00'), kept beside
        the UTC time; `author` who recorded it, when known (imports, merges).
        """
        text = clean_note_text(text)
        extra = _Extra(public, author, occurred_offset)
        return self._append(text, kind, occurred_at, source, capture=None, extra=extra)

    def add_capture(
        self,
        capture: NewCapture,
        occurred_at: Any = None,
        *,
        text: str = "",
        kind: EntryKind = EntryKind.OBSERVATION,
        source: str = "gui",
    ) -> Entry:
        """Append a capture entry (image and entry in one transaction), durable on return."""
        text = clean_note_text(text) if text.strip() else ""
        return self._append(text, kind, occurred_at, source, capture=capture, extra=_Extra())

    def _append(
        self,
        text: str,
        kind: EntryKind,
        occurred_at: Any,
        source: str,
        capture: NewCapture | None,
        extra: _Extra,
    ) -> Entry:
        recorded = self._clock()
        occurred = recorded if occurred_at is None else occurred_at
        capture_id = None
        with self._write("saving the entry") as conn:
            same = self._unchanged_capture(capture) if capture is not None else None
            if same is not None:
                # The monitor shows exactly what its last capture holds: record the moment,
                # point at that image, and say so, instead of storing the pixels again.
                capture_id, captured_at, capture = same
                unchanged = (
                    "The screen had not changed since the capture at "
                    f"{from_iso(captured_at):%H:%M:%S} UTC"
                )
                text = f"{text}\n{unchanged}" if text else unchanged
            elif capture is not None:
                capture_id = conn.execute(
                    "INSERT INTO captures (png, thumbnail, width, height, monitor, sha256, "
                    "window_title, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        capture.png,
                        capture.thumbnail_png,
                        capture.width,
                        capture.height,
                        capture.monitor,
                        capture.sha256,
                        capture.window_title,
                        to_iso(occurred),
                    ),
                ).lastrowid
            values = (str(kind), text, to_iso(occurred), to_iso(recorded), source, capture_id)
            if extra.public or extra.author or extra.occurred_offset:
                self._require_version(3, "public entries, authors and entered offsets")
                entry_id = conn.execute(
                    "INSERT INTO entries (kind, text, occurred_at, recorded_at, source, "
                    "capture_id, public, author, occurred_offset) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, int(extra.public), extra.author, extra.occurred_offset),
                ).lastrowid
            else:
                entry_id = conn.execute(
                    "INSERT INTO entries (kind, text, occurred_at, recorded_at, source, "
                    "capture_id) VALUES (?, ?, ?, ?, ?, ?)",
                    values,
                ).lastrowid
        info = None
        if capture is not None and capture_id is not None:
            info = CaptureInfo(
                capture_id,
                capture.width,
                capture.height,
                capture.sha256,
                capture.monitor,
                capture.window_title,
            )
        assert entry_id is not None
        return Entry(
            id=entry_id,
            kind=EntryKind(kind),
            text=text,
            occurred_at=from_iso(to_iso(occurred)),
            recorded_at=from_iso(to_iso(recorded)),
            source=source,
            capture=info,
            public=extra.public,
            author=extra.author,
            occurred_offset=extra.occurred_offset,
        )

    def _unchanged_capture(self, capture: NewCapture) -> tuple[int, str, NewCapture] | None:
        """The previous capture of the same monitor if its pixels — and the active window's
        title recorded with them — are identical, else None (a new title is new information,
        so that capture is stored in full)."""
        if capture.monitor is None:
            return None
        row = (
            self._connection()
            .execute(self._sql.last_capture_of_monitor, (capture.monitor,))
            .fetchone()
        )
        if row is None or row[1] != capture.sha256 or row[3] != capture.window_title:
            return None
        # The stored hash is the file's word, not proof: a received file could plant a row that
        # claims this screen's hash over other pixels. The bytes must hash to it too.
        stored = self._read("SELECT png FROM captures WHERE id = ?", (row[0],))
        if not stored or hashlib.sha256(bytes(stored[0][0])).hexdigest() != capture.sha256:
            return None
        return int(row[0]), str(row[2]), capture

    def revise(
        self,
        entry_id: int,
        *,
        kind: EntryKind | None = None,
        text: str | None = None,
        occurred_at: Any = None,
        hidden: bool | None = None,
        public: bool | None = None,
        starred: bool | None = None,
        occurred_offset: str | None = None,
    ) -> Entry:
        """Record a new revision of an entry; the earlier ones stay in the file.

        Each argument left None keeps the current value. A new `occurred_at` without an
        `occurred_offset` was not typed by a person in a zone: the offset is cleared.
        """
        cleaned = None if text is None else clean_note_text(text)
        with self._write("saving the revision") as conn:
            # Read the current revision inside the write transaction: another connection revising
            # the same entry at the same moment would otherwise make this one fail on
            # UNIQUE (entry_id, revision).
            current = self.entry(entry_id)
            if occurred_at is not None:
                offset = occurred_offset
            else:
                offset = occurred_offset or current.occurred_offset
            values = (
                entry_id,
                current.revision + 1,
                str(kind or current.kind),
                current.text if cleaned is None else cleaned,
                to_iso(occurred_at or current.occurred_at),
                int(current.hidden if hidden is None else hidden),
                to_iso(self._clock()),
            )
            if self.version >= 3:
                conn.execute(
                    "INSERT INTO revisions (entry_id, revision, kind, text, occurred_at, hidden, "
                    "revised_at, public, starred, occurred_offset) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        *values,
                        int(current.public if public is None else public),
                        int(current.starred if starred is None else starred),
                        offset,
                    ),
                )
            else:  # a file of an older format (tests write them to check the migrations)
                conn.execute(
                    "INSERT INTO revisions (entry_id, revision, kind, text, occurred_at, hidden, "
                    "revised_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    values,
                )
        return self.entry(entry_id)

    # -- reading -----------------------------------------------------------------------------

    def entries(self, *, include_hidden: bool = True) -> list[Entry]:
        """Every entry as it now reads, in occurred-at order."""
        return [_entry(row) for row in self.records(include_hidden=include_hidden)]

    def records(
        self, *, include_hidden: bool = True, newest: int | None = None, check: bool = False
    ) -> list[tuple[Any, ...]]:
        """Every entry as a raw row (see `entry_from_record`), in occurred-at order.

        Several times faster than `entries()` for a large incident: nothing is parsed, so a
        view can convert only the rows it shows. `newest=N` reads only the N latest originals
        (a window shows those at once and reads the rest in the background). `check=True`:
        CorruptFileError if a row holds a value no entry can have (value_check.py; a window
        converts rows lazily, while painting, where an error could only crash it).
        """
        records = self._records(include_hidden, newest)
        if check:
            value_check.check_records(records, self.path)
        return records

    def _records(self, include_hidden: bool, newest: int | None) -> list[tuple[Any, ...]]:
        sql: str = self._sql.originals
        params: tuple[int, ...] = ()
        if newest is not None:
            sql, params = self._sql.newest_originals, (newest,)
        with self._snapshot():
            latest = {row[0]: row for row in self._read(self._sql.latest_revisions)}
            if not latest and include_hidden:
                return self._read(sql, params)
            records = []
            for row in self._stream(sql, params):
                revision = latest.get(row[0])
                if revision is not None:
                    row = _revised(row, revision)
                if include_hidden or not row[6]:
                    records.append(row)
        if latest:  # a revision may have moved an entry in time
            records.sort(key=record_key)
        return records

    def entry(self, entry_id: int) -> Entry:
        rows = self._read(self._sql.entries + "WHERE t.id = ?", (entry_id,))
        if not rows:
            raise IncidentFileError(f"no entry {entry_id} in {self.path.name}")
        return _entry(rows[0])

    def history(self, entry_id: int) -> list[Entry]:
        """Every revision of an entry, the original first."""
        with self._snapshot():
            original = self._read(
                self._sql.originals.replace("ORDER BY", "WHERE e.id = ? ORDER BY"), (entry_id,)
            )
            if not original:
                raise IncidentFileError(f"no entry {entry_id} in {self.path.name}")
            later = self._read(self._sql.history, (entry_id,))
        row = original[0]
        return [_entry(row)] + [_entry(_revised(row, revision)) for revision in later]

    def revision_times(self, entry_id: int) -> list[datetime]:
        """When each revision in `history(entry_id)` was saved: the original's recorded_at, then
        each later revision's revised_at."""
        with self._snapshot():
            first = self._read("SELECT recorded_at FROM entries WHERE id = ?", (entry_id,))
            if not first:
                raise IncidentFileError(f"no entry {entry_id} in {self.path.name}")
            later = self._read(
                "SELECT revised_at FROM revisions WHERE entry_id = ? ORDER BY revision",
                (entry_id,),
            )
        return [from_iso(first[0][0])] + [from_iso(at) for (at,) in later]

    def marks(self) -> tuple[int, int]:
        """The highest entry id and revision id now in the file."""
        rows = self._read(
            "SELECT (SELECT coalesce(max(id), 0) FROM entries), "
            "(SELECT coalesce(max(id), 0) FROM revisions)"
        )
        return int(rows[0][0]), int(rows[0][1])

    def changes_since(self, entry_mark: int, revision_mark: int) -> Changes:
        """Entries added, or revised, after the given marks (from `marks` or an earlier call)."""
        # One read transaction, so the marks and the rows are the same snapshot (a commit by
        # another connection in between would otherwise be reported twice).
        with self._snapshot():
            new_entry_mark, new_revision_mark = self.marks()
            rows = self._read(
                self._sql.entries
                + "WHERE t.id > ? OR t.id IN (SELECT entry_id FROM revisions WHERE id > ?) "
                "ORDER BY t.occurred_at, t.id",
                (entry_mark, revision_mark),
            )
        return Changes([_entry(row) for row in rows], new_entry_mark, new_revision_mark)

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

    def entry_count(self) -> int:
        return int(self._read("SELECT count(*) FROM entries")[0][0])

    def capture_png(self, capture_id: int) -> bytes:
        rows = self._read("SELECT png FROM captures WHERE id = ?", (capture_id,))
        if not rows:
            raise IncidentFileError(f"no capture {capture_id} in {self.path.name}")
        return bytes(rows[0][0])

    def capture_size(self, capture_id: int) -> tuple[int, int]:
        rows = self._read(self._sql.capture_size, (capture_id,))
        if not rows:
            raise IncidentFileError(f"no capture {capture_id} in {self.path.name}")
        return int(rows[0][0]), int(rows[0][1])

    def capture_thumbnail(self, capture_id: int) -> bytes:
        rows = self._read("SELECT thumbnail FROM captures WHERE id = ?", (capture_id,))
        if not rows:
            raise IncidentFileError(f"no capture {capture_id} in {self.path.name}")
        return bytes(rows[0][0])

    # -- annotations (schema version 2; see storage/annotations.py) ----------------------------

    def _annotations_table(self) -> bool:
        """Whether the file has the annotations table (a v1 file opened read-only has not)."""
        try:
            return annotation_store.has_table(self._connection())
        except sqlite3.Error as error:
            raise translate(error, self.path, "reading the incident") from None

    def set_annotations(
        self, capture_id: int, shapes: Sequence[Shape], *, base_revision: int
    ) -> int:
        """Save `shapes` as the capture's annotations; the new revision's number (1, 2, …).

        `base_revision` is the revision the shapes were edited from (`annotation_revision`
        when they were loaded; 0 for a capture never annotated). If another save came in
        between, nothing is saved and IncidentFileError says so: saving would silently drop
        that save (a redaction, say). Earlier revisions stay in the file and the original PNG
        is never touched. An empty list is a revision too: it clears the annotations. Durable
        when this returns.
        """
        if not self._annotations_table():
            raise IncidentFileError(f"{self.path.name} is read-only: annotations cannot be saved")
        with self._write("saving the annotations") as conn:
            try:
                return annotation_store.insert(
                    conn,
                    capture_id,
                    list(shapes),
                    to_iso(self._clock()),
                    base_revision=base_revision,
                )
            except LookupError:
                raise IncidentFileError(f"no capture {capture_id} in {self.path.name}") from None
            except annotation_store.StaleRevision as stale:
                raise IncidentFileError(
                    "the annotations were changed elsewhere since this viewer opened them; "
                    f"reopen to see them (now revision {stale.current}, opened at revision "
                    f"{stale.base})"
                ) from None

    def annotation_revision(self, capture_id: int) -> int:
        """The capture's current annotations revision (0 if never annotated)."""
        return self._read_annotations(lambda c: annotation_store.revision(c, capture_id), 0)

    def annotations_at_revision(self, capture_id: int) -> tuple[list[Shape], int]:
        """The capture's current shapes and their revision, read together (for an editor)."""
        with self._snapshot():
            return self.annotations(capture_id), self.annotation_revision(capture_id)

    def _read_annotations(self, read: Callable[[sqlite3.Connection], _T], empty: _T) -> _T:
        if not self._annotations_table():
            return empty
        try:
            return read(self._connection())
        except sqlite3.Error as error:
            raise translate(error, self.path, "reading the annotations") from None
        except ValueError as error:
            raise CorruptFileError(
                f"{self.path.name} holds annotations that cannot be read ({error})"
            ) from None

    def annotations(self, capture_id: int) -> list[Shape]:
        """The capture's current shapes ([] if never annotated)."""
        return self._read_annotations(lambda c: annotation_store.current(c, capture_id), [])

    def annotation_history(self, capture_id: int) -> list[list[Shape]]:
        """Every saved revision of the capture's shapes, the first first."""
        return self._read_annotations(lambda c: annotation_store.history(c, capture_id), [])

    def annotation_summaries(self) -> dict[int, AnnotationSummary]:
        """capture id → its current annotations counted (shapes, redactions, revision)."""
        return self._read_annotations(annotation_store.summaries, {})

    def sensitive_captures(self) -> set[int]:
        """Ids of the captures whose current annotations hold a redaction."""
        return {cid for cid, summary in self.annotation_summaries().items() if summary.sensitive}

    def is_sensitive(self, capture_id: int) -> bool:
        return any(shape.kind is ShapeKind.REDACTION for shape in self.annotations(capture_id))
