"""Recognised text of captures, dismissed findings and full-text search of an open incident file.

IncidentFile inherits these methods (schema step in recognition_schema.py). A capture with no
recognition row is pending: `pending_captures` is the queue, kept in the file, so a restart or a
crash only delays recognition. Search goes through sqlite-utils' `Table.search()` (FTS5, ranked
by bm25) over notes and captions (`entries`), their revisions and recognised text; only what an
entry shows now is found (an edited-away word is not, a hidden entry is not).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incident_recorder.domain.times import from_iso, to_iso
from incident_recorder.recognition.words import Word, text_of, words_from_json, words_to_json
from incident_recorder.storage.errors import CorruptFileError, IncidentFileError, translate
from incident_recorder.storage.handle import FileHandle
from incident_recorder.storage.schema import PIXELS_VERSION

_WITH_PIXELS = (
    "AND (length(c.png) > 0 "
    "OR EXISTS (SELECT 1 FROM capture_pixels AS p WHERE p.capture_id = c.id)) "
)
"""A capture whose pixels are still arriving (storage/pixels.py) waits for them."""
SEARCH_LIMIT = 200
"""Hits per source table a search reads at most (the best ranked ones)."""


@dataclass(frozen=True, slots=True)
class CaptureText:
    """What recognition read in one capture (the current recognition of it)."""

    capture_id: int
    status: str  # 'done' or 'failed'
    engine: str
    words: list[Word]
    seconds: float
    recognised_at: datetime

    @property
    def text(self) -> str:
        return text_of(self.words)


@dataclass(frozen=True, slots=True)
class Dismissal:
    """A finding someone marked as not sensitive."""

    entry_id: int
    finding: str
    kind: str
    dismissed_by: str
    dismissed_at: datetime


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One entry that matches a search: where it matched, the matching text, its rank."""

    entry_id: int
    where: str  # 'note', 'caption' or 'capture text'
    text: str
    rank: float  # bm25: lower is better


_CURRENT_REVISION = (
    "revision = (SELECT max(r.revision) FROM revisions AS r WHERE r.entry_id = revisions.entry_id)"
    " AND hidden = 0"
)
_UNREVISED = "id NOT IN (SELECT entry_id FROM revisions)"
_CURRENT_RECOGNITION = (
    "status = 'done' AND id = "
    "(SELECT max(r.id) FROM recognitions AS r WHERE r.capture_id = recognitions.capture_id)"
)


class RecognisedFile(FileHandle):
    """Recognitions, finding dismissals and search of an open incident file."""

    def _has_recognition(self) -> bool:
        """Whether the file has the recognition tables (an older file opened read-only has not)."""
        return self.version >= _version_with_recognition()

    def pending_captures(self, limit: int = 100) -> list[int]:
        """Ids of captures not yet recognised, oldest first."""
        if not self._has_recognition():
            return []
        rows = self._read(
            "SELECT c.id FROM captures AS c "
            "WHERE NOT EXISTS (SELECT 1 FROM recognitions AS r WHERE r.capture_id = c.id) "
            + _WITH_PIXELS * (self.version >= PIXELS_VERSION)
            + "ORDER BY c.id LIMIT ?",
            (limit,),
        )
        return [int(row[0]) for row in rows]

    def save_recognition(
        self,
        capture_id: int,
        words: list[Word],
        *,
        engine: str,
        seconds: float,
        failed: bool = False,
    ) -> None:
        """Record what was read in a capture (`failed`: the engine could not read it). Durable
        when this returns; an earlier recognition stays in the file."""
        if not self._has_recognition():
            raise IncidentFileError(f"{self.path.name} is read-only: recognised text is not saved")
        with self._write("saving recognised text") as conn:
            if (
                conn.execute("SELECT 1 FROM captures WHERE id = ?", (capture_id,)).fetchone()
                is None
            ):
                raise IncidentFileError(f"no capture {capture_id} in {self.path.name}")
            conn.execute(
                "INSERT INTO recognitions "
                "(capture_id, status, engine, text, words, seconds, recognised_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    capture_id,
                    "failed" if failed else "done",
                    engine,
                    text_of(words),
                    words_to_json(words),
                    round(seconds, 3),
                    to_iso(self._clock()),
                ),
            )

    def capture_texts(self, capture_id: int | None = None) -> dict[int, CaptureText]:
        """capture id → its current recognition (only those recognised; one if `capture_id`)."""
        if not self._has_recognition():
            return {}
        where = "" if capture_id is None else "AND capture_id = ?"
        params: tuple[Any, ...] = () if capture_id is None else (capture_id,)
        rows = self._read(
            "SELECT capture_id, status, engine, words, seconds, recognised_at FROM recognitions "
            "WHERE id = (SELECT max(r.id) FROM recognitions AS r "
            f"WHERE r.capture_id = recognitions.capture_id) {where} ORDER BY capture_id",
            params,
        )
        found: dict[int, CaptureText] = {}
        for cid, status, engine, words, seconds, at in rows:
            try:
                found[int(cid)] = CaptureText(
                    int(cid),
                    str(status),
                    str(engine),
                    words_from_json(str(words)),
                    float(seconds),
                    from_iso(str(at)),
                )
            except ValueError as error:
                raise CorruptFileError(
                    f"{self.path.name} holds recognised text that cannot be read ({error})"
                ) from None
        return found

    def capture_text(self, capture_id: int) -> CaptureText | None:
        return self.capture_texts(capture_id).get(capture_id)

    # -- findings marked as not sensitive -----------------------------------------------------

    def dismiss_finding(self, entry_id: int, finding: str, kind: str, by: str) -> Dismissal:
        """Record that the finding `finding` of entry `entry_id` is not sensitive, by whom."""
        if not self._has_recognition():
            raise IncidentFileError(f"{self.path.name} is read-only: nothing can be dismissed")
        at = self._clock()
        with self._write("dismissing a finding") as conn:
            if conn.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,)).fetchone() is None:
                raise IncidentFileError(f"no entry {entry_id} in {self.path.name}")
            conn.execute(
                "INSERT INTO finding_dismissals "
                "(entry_id, finding, kind, dismissed_by, dismissed_at) VALUES (?, ?, ?, ?, ?)",
                (entry_id, finding, kind, by, to_iso(at)),
            )
        return Dismissal(entry_id, finding, kind, by, at)

    def dismissals(self) -> dict[tuple[int, str], Dismissal]:
        """(entry id, finding key) → the first dismissal of that finding."""
        if not self._has_recognition():
            return {}
        found: dict[tuple[int, str], Dismissal] = {}
        for entry_id, finding, kind, by, at in self._read(
            "SELECT entry_id, finding, kind, dismissed_by, dismissed_at FROM finding_dismissals "
            "ORDER BY id"
        ):
            key = (int(entry_id), str(finding))
            found.setdefault(key, Dismissal(key[0], key[1], str(kind), str(by), from_iso(at)))
        return found

    # -- search -------------------------------------------------------------------------------

    def search(self, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """Entries whose note, caption or capture text matches `query` (words, any order; typed
        as is, no FTS syntax needed), best first; an entry appears once, at its best match."""
        best: dict[int, SearchHit] = {}
        for hit in sorted(self._all_hits(query, limit), key=lambda h: (h.rank, h.entry_id)):
            best.setdefault(hit.entry_id, hit)
        return list(best.values())

    def search_places(self, query: str, limit: int = SEARCH_LIMIT) -> dict[int, frozenset[str]]:
        """Entry id → every place `query` matched in it ('note', 'caption', 'capture text'),
        where `search` keeps only the best one (the filter bar counts each place)."""
        places: dict[int, set[str]] = {}
        for hit in self._all_hits(query, limit):
            places.setdefault(hit.entry_id, set()).add(hit.where)
        return {entry_id: frozenset(where) for entry_id, where in places.items()}

    def _all_hits(self, query: str, limit: int) -> list[SearchHit]:
        if not query.split() or not self._has_recognition():
            return []
        with self._snapshot():
            try:
                return list(self._hits(query, limit))
            except sqlite3.Error as error:
                raise translate(error, self.path, "searching the incident") from None

    def _hits(self, query: str, limit: int) -> Iterator[SearchHit]:
        db = self._db
        entries = db.table("entries").search(
            query,
            columns=["id", "text", "capture_id"],
            where=_UNREVISED,
            limit=limit,
            include_rank=True,
            quote=True,
        )
        for row in entries:
            where = "note" if row["capture_id"] is None else "caption"
            yield SearchHit(int(row["id"]), where, str(row["text"]), float(row["rank"]))
        revisions = list(
            db.table("revisions").search(
                query,
                columns=["entry_id", "text"],
                where=_CURRENT_REVISION,
                limit=limit,
                include_rank=True,
                quote=True,
            )
        )
        captioned = self._capture_of([int(row["entry_id"]) for row in revisions])
        for row in revisions:
            entry_id = int(row["entry_id"])
            where = "caption" if entry_id in captioned else "note"
            yield SearchHit(entry_id, where, str(row["text"]), float(row["rank"]))
        recognised = list(
            db.table("recognitions").search(
                query,
                columns=["capture_id", "text"],
                where=_CURRENT_RECOGNITION,
                limit=limit,
                include_rank=True,
                quote=True,
            )
        )
        showing = self._entries_showing([int(row["capture_id"]) for row in recognised])
        for row in recognised:
            for entry_id in showing.get(int(row["capture_id"]), []):
                yield SearchHit(entry_id, "capture text", str(row["text"]), float(row["rank"]))

    def _capture_of(self, entry_ids: list[int]) -> set[int]:
        """Those of `entry_ids` that are captures."""
        rows = self._read(
            "SELECT id FROM entries WHERE id IN (SELECT value FROM json_each(?)) "
            "AND capture_id IS NOT NULL",
            (json.dumps(entry_ids),),
        )
        return {int(row[0]) for row in rows}

    def _entries_showing(self, capture_ids: list[int]) -> dict[int, list[int]]:
        """capture id → the visible entries that show it (an unchanged screen is one capture,
        many entries), through the index on entries.capture_id."""
        rows = self._read(
            "SELECT e.capture_id, e.id FROM entries AS e "
            "WHERE e.capture_id IN (SELECT value FROM json_each(?)) AND NOT EXISTS ("
            "SELECT 1 FROM revisions AS r WHERE r.entry_id = e.id AND r.hidden = 1 AND "
            "r.revision = (SELECT max(revision) FROM revisions WHERE entry_id = e.id)) "
            "ORDER BY e.id",
            (json.dumps(capture_ids),),
        )
        showing: dict[int, list[int]] = {}
        for capture_id, entry_id in rows:
            showing.setdefault(int(capture_id), []).append(int(entry_id))
        return showing


def _version_with_recognition() -> int:
    from incident_recorder.storage import recognition_schema, schema

    return schema.MIGRATIONS.index(recognition_schema.RECOGNITION_STEP) + 1
