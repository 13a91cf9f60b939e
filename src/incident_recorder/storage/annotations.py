"""The annotations of captures (schema version 2): shapes saved as JSON, one row per save.

Each save is a new revision; the latest is current and the earlier ones stay in the file. A
capture whose current annotations hold a redaction is *sensitive*: its original pixels must not
leave the file unless the user exports originals on purpose. These helpers run on a connection
of an IncidentFile, which wraps them in its transactions; a version 1 file opened read-only (and
so not migrated) has no annotations table and reads as having none.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from incident_recorder.domain.annotation import Shape, has_redaction, shapes_from_json

TABLE_EXISTS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'annotations'"


@dataclass(frozen=True, slots=True)
class AnnotationSummary:
    """The current annotations of one capture, counted."""

    capture_id: int
    revision: int
    shapes: int
    redactions: int

    @property
    def sensitive(self) -> bool:
        return self.redactions > 0


def has_table(conn: sqlite3.Connection) -> bool:
    return conn.execute(TABLE_EXISTS).fetchone() is not None


class StaleRevision(Exception):
    """The annotations changed since the revision an editor started from."""

    def __init__(self, current: int, base: int) -> None:
        super().__init__(f"current revision {current}, based on {base}")
        self.current = current
        self.base = base


def revision(conn: sqlite3.Connection, capture_id: int) -> int:
    """The number of the capture's current annotations revision (0: never annotated)."""
    row = conn.execute(
        "SELECT coalesce(max(revision), 0) FROM annotations WHERE capture_id = ?", (capture_id,)
    ).fetchone()
    return int(row[0])


def insert(
    conn: sqlite3.Connection,
    capture_id: int,
    shapes: Sequence[Shape],
    created_at: str,
    *,
    base_revision: int,
) -> int:
    """Add the next revision of a capture's annotations (inside the caller's write); its number.

    StaleRevision when the current revision is not `base_revision` (the one the caller's
    shapes were edited from): saving would silently drop what was saved in between.
    """
    if conn.execute("SELECT 1 FROM captures WHERE id = ?", (capture_id,)).fetchone() is None:
        raise LookupError(f"no capture {capture_id}")
    for shape in shapes:
        if not isinstance(shape, Shape):
            raise TypeError(f"not a Shape: {shape!r}")
    latest = revision(conn, capture_id)
    if latest != base_revision:
        raise StaleRevision(latest, base_revision)
    new_revision = latest + 1
    conn.execute(
        "INSERT INTO annotations (capture_id, revision, shapes, redactions, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            capture_id,
            new_revision,
            json.dumps([shape.to_dict() for shape in shapes]),
            sum(1 for shape in shapes if has_redaction([shape])),
            created_at,
        ),
    )
    return new_revision


def _decode(text: str) -> list[Shape]:
    records = json.loads(text)
    if not isinstance(records, list):
        raise ValueError("annotations are not a list")
    return shapes_from_json(records)


def current(conn: sqlite3.Connection, capture_id: int) -> list[Shape]:
    """The current shapes of a capture ([] if it was never annotated)."""
    row = conn.execute(
        "SELECT shapes FROM current_annotations WHERE capture_id = ?", (capture_id,)
    ).fetchone()
    return [] if row is None else _decode(row[0])


def history(conn: sqlite3.Connection, capture_id: int) -> list[list[Shape]]:
    """Every saved revision of a capture's shapes, the first first."""
    rows = conn.execute(
        "SELECT shapes FROM annotations WHERE capture_id = ? ORDER BY revision", (capture_id,)
    ).fetchall()
    return [_decode(row[0]) for row in rows]


def summaries(conn: sqlite3.Connection) -> dict[int, AnnotationSummary]:
    """capture id → its current annotations counted, for every capture ever annotated."""
    rows = conn.execute(
        "SELECT capture_id, revision, json_array_length(shapes), redactions "
        "FROM current_annotations"
    ).fetchall()
    return {
        int(row[0]): AnnotationSummary(int(row[0]), int(row[1]), int(row[2]), int(row[3]))
        for row in rows
    }


__all__ = [
    "AnnotationSummary",
    "StaleRevision",
    "current",
    "has_table",
    "history",
    "insert",
    "revision",
    "summaries",
]
