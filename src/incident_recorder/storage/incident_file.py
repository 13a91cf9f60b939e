"""One incident file: append notes and captures, add revisions, read the timeline.

Every write is one transaction committed with synchronous=FULL before the method returns, so an
entry a caller has been handed back is on disk. Nothing is ever updated in place: an edit adds a
revision, a delete hides. One IncidentFile belongs to the thread that opened it (as its SQLite
connection does); other threads open their own.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from incident_recorder import __version__
from incident_recorder.domain import CaptureInfo, Entry, EntryKind, Incident, NewCapture
from incident_recorder.domain.text import clean_note_text
from incident_recorder.domain.times import Clock, from_iso, system_clock, to_iso
from incident_recorder.storage import guard, value_check
from incident_recorder.storage.connection import (
    create_database,
    open_database,
)
from incident_recorder.storage.curated import CuratedFile
from incident_recorder.storage.schema import CAPTURES_META

if TYPE_CHECKING:
    pass

from incident_recorder.storage.annotated import AnnotatedFile
from incident_recorder.storage.errors import (
    IncidentFileError,
)
from incident_recorder.storage.events import EventsFile
from incident_recorder.storage.pixels import PixelsFile
from incident_recorder.storage.recognised import RecognisedFile
from incident_recorder.storage.replica import ReplicaFile
from incident_recorder.storage.rows import (
    Record,
    _entry,
    _Queries,
    _revised,
    record_key,
    records_of,
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


@dataclass(frozen=True, slots=True)
class _Extra:
    """What a new entry may carry besides kind, text and time (schema version 3)."""

    public: bool = False
    author: str | None = None
    occurred_offset: str | None = None


_CORRECTIONS = """
SELECT entry_id, max(revised_at) FROM (
    SELECT r.entry_id, r.revised_at, r.kind, r.text, r.occurred_at,
           coalesce(lag(r.kind) OVER w, e.kind) AS was_kind,
           coalesce(lag(r.text) OVER w, e.text) AS was_text,
           coalesce(lag(r.occurred_at) OVER w, e.occurred_at) AS was_at
    FROM revisions AS r JOIN entries AS e ON e.id = r.entry_id
    WINDOW w AS (PARTITION BY r.entry_id ORDER BY r.revision)
)
WHERE kind IS NOT was_kind OR text IS NOT was_text OR occurred_at IS NOT was_at
GROUP BY entry_id
"""
"""Each entry's last revision that changed its kind, text or time (IncidentFile.corrections)."""


class IncidentFile(EventsFile, CuratedFile, AnnotatedFile, RecognisedFile, ReplicaFile, PixelsFile):
    """An open incident file. Use `create` or `open`; close it (or use `with`) when done."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        clock: Clock,
        watch: guard.LockWatch | None = None,
    ) -> None:
        super().__init__(path, conn, clock, watch)
        has_index = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (CAPTURES_META,)
        ).fetchone()
        self._sql = _Queries.for_version(self.version, captures_meta=has_index is not None)

    @classmethod
    def create(
        cls,
        path: Path | str,
        title: str,
        *,
        clock: Clock = system_clock,
        shared: Incident | None = None,
    ) -> IncidentFile:
        """Create a new incident file titled `title`; IncidentFileError if it cannot be.

        `shared`: the incident this file is a new replica of (its id and creation time).
        """
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
                    (
                        shared.uuid if shared else str(_uuid4()),
                        title,
                        to_iso(shared.created_at if shared else clock()),
                        shared.app_version if shared else __version__,
                    ),
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
        author: str | None = None,
    ) -> Entry:
        """Append a capture entry (image and entry in one transaction), durable on return."""
        text = clean_note_text(text) if text.strip() else ""
        extra = _Extra(author=author)
        return self._append(text, kind, occurred_at, source, capture=capture, extra=extra)

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
    ) -> list[Record]:
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

    def _records(self, include_hidden: bool, newest: int | None) -> list[Record]:
        sql: str = self._sql.originals
        params: tuple[int, ...] = ()
        if newest is not None:
            sql, params = self._sql.newest_originals, (newest,)
        with self._snapshot():
            latest = {row[0]: row for row in self._read(self._sql.latest_revisions)}
            if not latest and include_hidden:
                return records_of(self._read(sql, params))
            records = []
            for row in records_of(self._stream(sql, params)):
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
            later = self._read(self._sql.revision_times, (entry_id,))
        return [from_iso(first[0][0])] + [from_iso(at) for (at,) in later]

    def corrections(self) -> dict[int, datetime]:
        """entry id → when its text, kind or time was last changed by a revision (a star, a
        hide or the public mark is not a correction a reader sees in the words). Entries never
        corrected are not listed."""
        rows = self._read(_CORRECTIONS)
        return {entry_id: from_iso(at) for entry_id, at in rows}

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

    def entry_count(self) -> int:
        return int(self._read("SELECT count(*) FROM entries")[0][0])

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
