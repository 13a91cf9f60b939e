"""The incident file's schema and its migrations, numbered by `PRAGMA user_version`.

Versions 1 to 3 are described in docs/incident-file.md. Every table is append-only: triggers
refuse UPDATE and DELETE, so an edit can only ever add a revision. Version 2 adds `annotations`
(shapes drawn on a capture, one row per save). Version 3 adds what curation and the report need:
public / starred / author / entered offset on entries and revisions, `milestones`, `details`
(severity, status, services, roles, detection source), `report_texts` (the report editor's
sections) and `action_items`, each a history whose latest row is current. Version 4 adds
`event_keys`: the delivery key of every event recorded from a webhook, so a repeated delivery is
recorded once. Version 5 adds `captures_meta`, an index holding every column of `captures` but
the two images: reading the timeline joins entries to it, never to the table's rows, whose
pixels (a megabyte each, on overflow pages SQLite walks to reach the columns after them) would
otherwise be read for every capture on every open. Version 6 adds text recognition and search
(storage/recognition_schema.py): `recognitions`, `finding_dismissals` and FTS5 indexes over
entries, revisions and recognised text. Version 7, the team step (`_TEAM`, storage/origins.py),
gives every row of the shared record a global id, its recorder and its author. Version 8 adds
`capture_pixels`: the image of a teammate's capture that was received before its pixels (its
thumbnail first), added once when they arrive.
"""

from __future__ import annotations

import sqlite3

from incident_recorder.storage.origins import TEAM_MIGRATION as _TEAM
from incident_recorder.storage.recognition_schema import RECOGNITION_STEP

APPLICATION_ID = 0x49524543  # "IREC": marks a SQLite file as an incident file.

_APPEND_ONLY = """
CREATE TRIGGER {table}_append_only_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} are append-only: record a revision instead'); END;
CREATE TRIGGER {table}_append_only_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} are append-only: hide the entry instead'); END;
"""

_V1 = """
CREATE TABLE incident (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    uuid TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    app_version TEXT NOT NULL
);
CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    png BLOB NOT NULL,
    thumbnail BLOB NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    monitor INTEGER,
    sha256 TEXT NOT NULL,
    window_title TEXT,
    captured_at TEXT NOT NULL
);
CREATE INDEX captures_sha256 ON captures (sha256);
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'gui',
    capture_id INTEGER REFERENCES captures (id)
);
CREATE INDEX entries_occurred_at ON entries (occurred_at, id);
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries (id),
    revision INTEGER NOT NULL CHECK (revision >= 2),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    hidden INTEGER NOT NULL DEFAULT 0,
    revised_at TEXT NOT NULL,
    UNIQUE (entry_id, revision)
);
CREATE VIEW timeline AS
SELECT e.id AS id,
       coalesce(r.kind, e.kind) AS kind,
       coalesce(r.text, e.text) AS text,
       coalesce(r.occurred_at, e.occurred_at) AS occurred_at,
       e.recorded_at AS recorded_at,
       coalesce(r.revision, 1) AS revision,
       coalesce(r.hidden, 0) AS hidden,
       e.source AS source,
       e.capture_id AS capture_id
FROM entries AS e
LEFT JOIN revisions AS r
  ON r.entry_id = e.id
 AND r.revision = (SELECT max(revision) FROM revisions WHERE entry_id = e.id);
""" + "".join(_APPEND_ONLY.format(table=t) for t in ("entries", "captures", "revisions"))


_V2 = """
CREATE TABLE annotations (
    id INTEGER PRIMARY KEY,
    capture_id INTEGER NOT NULL REFERENCES captures (id),
    revision INTEGER NOT NULL CHECK (revision >= 1),
    shapes TEXT NOT NULL CHECK (json_valid(shapes) AND json_type(shapes) = 'array'),
    redactions INTEGER NOT NULL CHECK (redactions >= 0),
    created_at TEXT NOT NULL,
    UNIQUE (capture_id, revision)
);
CREATE VIEW current_annotations AS
SELECT a.capture_id, a.revision, a.shapes, a.redactions, a.created_at
FROM annotations AS a
WHERE a.revision = (SELECT max(revision) FROM annotations WHERE capture_id = a.capture_id);
""" + _APPEND_ONLY.format(table="annotations")


_V3 = """
ALTER TABLE entries ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN starred INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN author TEXT;
ALTER TABLE entries ADD COLUMN occurred_offset TEXT;
ALTER TABLE revisions ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
ALTER TABLE revisions ADD COLUMN starred INTEGER NOT NULL DEFAULT 0;
ALTER TABLE revisions ADD COLUMN occurred_offset TEXT;
DROP VIEW timeline;
CREATE VIEW timeline AS
SELECT e.id AS id,
       coalesce(r.kind, e.kind) AS kind,
       coalesce(r.text, e.text) AS text,
       coalesce(r.occurred_at, e.occurred_at) AS occurred_at,
       e.recorded_at AS recorded_at,
       coalesce(r.revision, 1) AS revision,
       coalesce(r.hidden, 0) AS hidden,
       e.source AS source,
       e.capture_id AS capture_id,
       coalesce(r.public, e.public) AS public,
       coalesce(r.starred, e.starred) AS starred,
       e.author AS author,
       CASE WHEN r.id IS NULL THEN e.occurred_offset ELSE r.occurred_offset END
           AS occurred_offset
FROM entries AS e
LEFT JOIN revisions AS r
  ON r.entry_id = e.id
 AND r.revision = (SELECT max(revision) FROM revisions WHERE entry_id = e.id);
CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (name IN
        ('impact_started', 'detected', 'acknowledged', 'mitigated', 'resolved')),
    occurred_at TEXT,
    occurred_offset TEXT,
    entry_id INTEGER REFERENCES entries (id),
    source TEXT NOT NULL DEFAULT 'gui',
    set_at TEXT NOT NULL
);
CREATE INDEX milestones_name ON milestones (name, id);
CREATE TABLE details (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    value TEXT NOT NULL CHECK (json_valid(value)),
    set_at TEXT NOT NULL
);
CREATE INDEX details_name ON details (name, id);
CREATE TABLE report_texts (
    id INTEGER PRIMARY KEY,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    saved_at TEXT NOT NULL
);
CREATE INDEX report_texts_section ON report_texts (section, id);
CREATE TABLE action_items (
    id INTEGER PRIMARY KEY,
    item INTEGER NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    description TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    due TEXT,
    status TEXT NOT NULL,
    type TEXT NOT NULL,
    ticket TEXT NOT NULL DEFAULT '',
    hidden INTEGER NOT NULL DEFAULT 0,
    saved_at TEXT NOT NULL,
    UNIQUE (item, revision)
);
""" + "".join(
    _APPEND_ONLY.format(table=t) for t in ("milestones", "details", "report_texts", "action_items")
)


_V4 = """
CREATE TABLE event_keys (
    key TEXT PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries (id),
    received_at TEXT NOT NULL
);
""" + _APPEND_ONLY.format(table="event_keys")


# Every column of `captures` but `png` and `thumbnail`, in the order the entry queries read them
# (incident_file._Queries): a covering index, so the timeline never reads a capture's row.
CAPTURES_META = "captures_meta"
_V5 = f"""
CREATE INDEX {CAPTURES_META}
    ON captures (id, width, height, sha256, monitor, window_title, captured_at);
"""


_V6 = RECOGNITION_STEP


# A teammate's capture arrives in two steps (sync/replicator.py): its row with the thumbnail
# first, so the timeline shows it at once, its pixels right after. Until then its `png` is empty
# (zero bytes); the pixels are added here, once, never written over (storage/pixels.py).
_V8 = """
CREATE TABLE capture_pixels (
    capture_id INTEGER PRIMARY KEY REFERENCES captures (id),
    png BLOB NOT NULL CHECK (length(png) > 0),
    arrived_at TEXT NOT NULL
);
""" + _APPEND_ONLY.format(table="capture_pixels")


MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _TEAM, _V8]
"""SQL scripts; script N (0-based) takes a file from version N to N + 1."""
SCHEMA_VERSION = len(MIGRATIONS)
TEAM_VERSION = MIGRATIONS.index(_TEAM) + 1
"""The first version whose rows have origins (storage/origins.py)."""
PIXELS_VERSION = MIGRATIONS.index(_V8) + 1
"""The first version that can hold a capture whose pixels arrive after it (storage/pixels.py)."""


def migrate(conn: sqlite3.Connection, from_version: int) -> None:
    """Bring the file of `conn` from `from_version` to SCHEMA_VERSION, each step in one transaction.

    The step's script runs inside its own BEGIN … COMMIT (executescript would otherwise commit
    half-way), so a failed step leaves the file at the previous version.
    """
    for number in range(from_version, SCHEMA_VERSION):
        script = (
            "BEGIN IMMEDIATE;\n"
            + MIGRATIONS[number]
            + f"\nPRAGMA application_id = {APPLICATION_ID};"
            + f"\nPRAGMA user_version = {number + 1};\nCOMMIT;"
        )
        try:
            conn.executescript(script)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
