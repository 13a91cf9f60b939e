"""Storing a batch of imported entries (with their milestones and captures) on one connection.

Runs inside the caller's write transaction (`CuratedFile.import_entries`): any error, and the
whole batch is rolled back. A capture whose SHA-256 is already in the file is not stored again:
the entry points at the stored one — only if the stored bytes really hash to it (the file may
come from anyone: a row claiming another image's SHA-256 must not capture that image's entries).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime

from incident_recorder.domain.annotation import Shape, has_redaction
from incident_recorder.domain.entry import NewCapture
from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.text import clean_note_text
from incident_recorder.domain.times import to_iso
from incident_recorder.storage import annotations as annotation_store
from incident_recorder.storage import curation


def _capture_id(conn: sqlite3.Connection, capture: NewCapture, captured_at: datetime) -> int:
    """The id of the stored capture with the same SHA-256 (its bytes checked), or of the one
    stored now."""
    rows = conn.execute(
        "SELECT id FROM captures WHERE sha256 = ? ORDER BY id", (capture.sha256,)
    ).fetchall()
    for (capture_id,) in rows:
        (stored,) = conn.execute("SELECT png FROM captures WHERE id = ?", (capture_id,)).fetchone()
        if isinstance(stored, bytes) and hashlib.sha256(stored).hexdigest() == capture.sha256:
            return int(capture_id)
    new_id = conn.execute(
        "INSERT INTO captures (png, thumbnail, width, height, monitor, sha256, window_title, "
        "captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            capture.png,
            capture.thumbnail_png,
            capture.width,
            capture.height,
            capture.monitor,
            capture.sha256,
            capture.window_title,
            to_iso(captured_at),
        ),
    ).lastrowid
    assert new_id is not None
    return new_id


def _add_shapes(
    conn: sqlite3.Connection, capture_id: int, shapes: Sequence[Shape], at: str
) -> None:
    """Save `shapes` on the capture, keeping the shapes it has (a redaction is never lost)."""
    current = annotation_store.current(conn, capture_id)
    wanted = list(current)
    for shape in shapes:
        if shape not in wanted:
            wanted.append(shape)
    if wanted == current:
        return
    conn.execute(
        "INSERT INTO annotations (capture_id, revision, shapes, redactions, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            capture_id,
            annotation_store.revision(conn, capture_id) + 1,
            json.dumps([shape.to_dict() for shape in wanted]),
            sum(1 for shape in wanted if has_redaction([shape])),
            at,
        ),
    )


def insert_batch(
    conn: sqlite3.Connection,
    items: Sequence[ImportedEntry],
    milestones: Mapping[Milestone, datetime],
    now: datetime,
    *,
    milestone_source: str = "import",
) -> list[int]:
    """Insert every item (and its milestone, capture, shapes); the new entry ids, in order.

    `milestones` are set without an entry. ValueError (naming the item's position) for a text
    that cannot be a note; the caller's transaction is then rolled back.
    """
    stamp = to_iso(now)
    ids: list[int] = []
    for position, item in enumerate(items, start=1):
        if item.capture is not None and not item.text.strip():
            text = ""
        else:
            try:
                text = clean_note_text(item.text)
            except ValueError as error:
                raise ValueError(f"entry {position}: {error}") from None
        capture_id = None
        if item.capture is not None:
            capture_id = _capture_id(conn, item.capture, item.occurred_at)
            if item.shapes:
                _add_shapes(conn, capture_id, item.shapes, stamp)
        occurred = to_iso(item.occurred_at)
        entry_id = conn.execute(
            "INSERT INTO entries (kind, text, occurred_at, recorded_at, source, capture_id, "
            "public, starred, author, occurred_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(item.kind),
                text,
                occurred,
                to_iso(item.recorded_at or now),
                item.source,
                capture_id,
                int(item.public),
                int(item.starred),
                item.author,
                item.occurred_offset,
            ),
        ).lastrowid
        assert entry_id is not None
        if item.hidden:
            conn.execute(
                "INSERT INTO revisions (entry_id, revision, kind, text, occurred_at, hidden, "
                "revised_at, public, starred, occurred_offset) "
                "VALUES (?, 2, ?, ?, ?, 1, ?, ?, ?, ?)",
                (
                    entry_id,
                    str(item.kind),
                    text,
                    occurred,
                    stamp,
                    int(item.public),
                    int(item.starred),
                    item.occurred_offset,
                ),
            )
        if item.milestone is not None:
            curation.set_milestone(
                conn,
                item.milestone,
                item.occurred_at,
                set_at=now,
                offset=item.occurred_offset,
                entry_id=entry_id,
                source=item.source,
            )
        ids.append(entry_id)
    for milestone, when in milestones.items():
        curation.set_milestone(conn, milestone, when, set_at=now, source=milestone_source)
    return ids
