"""Where each row of the record comes from: a global id, the recorder that wrote it, its author.

Several recorders can keep replicas of one incident (the team sync, sync/): a row must then be
known by an id that is the same in every replica, and the rule for which revision, milestone
value or detail value is current must give the same answer everywhere. This is the schema step
that makes that possible (`TEAM_MIGRATION`), self-contained so it can sit at any place in
schema.MIGRATIONS:

- `replica`: one row, this file's recorder id (a UUID made when the file is created or
  migrated; `join` makes a new file, so every replica has its own) and the author name the
  writer set (IncidentSession's author, from Settings or `--author`).
- `origins`: one row per row of `entries`, `captures`, `revisions`, `milestones`, `details`,
  `annotations`, `report_texts` and `action_items` — its global id (`uid`), the table and
  rowid, the recorder and the author. Filled by triggers, so every INSERT of any part of the
  app gets one; a row pulled from the team database has its origin inserted first (the
  trigger then leaves it alone). `seq` is the order rows were added in this file: the push
  cursor. Append-only, like the record.
- `team_sync`: this replica's link to the team database (connection string without password,
  incident id, push mark, pull cursor): local state, not record, so it may be updated.

The rule for "current": the latest by (time it was set, recorder id, local rowid) — the time a
person saved it, then the recorder id to break a tie the same way everywhere. The rowid only
orders one recorder's own rows saved in the same millisecond, which every replica receives in
the order they were written.
"""

from __future__ import annotations

import sqlite3

SHARED_TABLES = (
    "captures", "entries", "revisions", "milestones", "details", "annotations", "report_texts",
    "action_items",
)  # fmt: skip
"""The tables whose rows have origins, in the order a row may refer to another's."""

UUID_SQL = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
    "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) || "
    "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)
"""A random (version 4) UUID, made by SQLite."""

_APPEND_ONLY = """
CREATE TRIGGER origins_append_only_update BEFORE UPDATE ON origins
BEGIN SELECT RAISE(ABORT, 'origins are append-only'); END;
CREATE TRIGGER origins_append_only_delete BEFORE DELETE ON origins
BEGIN SELECT RAISE(ABORT, 'origins are append-only'); END;
"""


def _origin_trigger(table: str) -> str:
    author = "coalesce(NEW.author, p.author)" if table == "entries" else "p.author"
    return f"""
CREATE TRIGGER {table}_origin AFTER INSERT ON {table}
WHEN NOT EXISTS (SELECT 1 FROM origins WHERE tbl = '{table}' AND row_id = NEW.id)
BEGIN
    INSERT INTO origins (uid, tbl, row_id, recorder, author)
    SELECT {UUID_SQL}, '{table}', NEW.id, p.recorder, {author} FROM replica AS p WHERE p.id = 1;
END;
"""


def _backfill(table: str) -> str:
    author = "t.author" if table == "entries" else "NULL"
    return f"""
INSERT INTO origins (uid, tbl, row_id, recorder, author)
SELECT {UUID_SQL}, '{table}', t.id, p.recorder, {author}
FROM {table} AS t, replica AS p ORDER BY t.id;
"""


# The current revision of each entry: the latest by (revised_at, recorder, id).
CURRENT_REVISION = """
SELECT r2.id FROM revisions AS r2 JOIN origins AS o ON o.tbl = 'revisions' AND o.row_id = r2.id
WHERE r2.entry_id = {entry} ORDER BY r2.revised_at DESC, o.recorder DESC, r2.id DESC LIMIT 1
"""

TIMELINE = f"""
CREATE VIEW timeline AS
SELECT e.id AS id,
       coalesce(r.kind, e.kind) AS kind,
       coalesce(r.text, e.text) AS text,
       coalesce(r.occurred_at, e.occurred_at) AS occurred_at,
       e.recorded_at AS recorded_at,
       coalesce((SELECT max(revision) FROM revisions WHERE entry_id = e.id), 1) AS revision,
       coalesce(r.hidden, 0) AS hidden,
       e.source AS source,
       e.capture_id AS capture_id,
       coalesce(r.public, e.public) AS public,
       coalesce(r.starred, e.starred) AS starred,
       e.author AS author,
       CASE WHEN r.id IS NULL THEN e.occurred_offset ELSE r.occurred_offset END
           AS occurred_offset
FROM entries AS e
LEFT JOIN revisions AS r ON r.id = ({CURRENT_REVISION.format(entry="e.id").strip()});
"""

# A capture's current annotations: the latest save by (created_at, recorder, id); `revision` is
# how many saves it has (what an editor's next save is based on).
CURRENT_ANNOTATIONS = """
CREATE VIEW current_annotations AS
SELECT a.capture_id,
       (SELECT max(revision) FROM annotations WHERE capture_id = a.capture_id) AS revision,
       a.shapes, a.redactions, a.created_at
FROM annotations AS a
WHERE a.id = (
    SELECT x.id FROM annotations AS x
    JOIN origins AS o ON o.tbl = 'annotations' AND o.row_id = x.id
    WHERE x.capture_id = a.capture_id
    ORDER BY x.created_at DESC, o.recorder DESC, x.id DESC LIMIT 1);
"""

TEAM_MIGRATION = (
    f"""
CREATE TABLE replica (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    recorder TEXT NOT NULL,
    author TEXT
);
INSERT INTO replica (id, recorder) VALUES (1, {UUID_SQL});
CREATE TABLE origins (
    -- tbl: an OR chain, not IN (...): the same rule, but quick_check (run on every open for
    -- writing) evaluates an IN list ~3.5x slower: 13 ms against 4 ms per 10,000 rows
    seq INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    tbl TEXT NOT NULL CHECK ({" OR ".join(f"tbl = '{t}'" for t in SHARED_TABLES)}),
    row_id INTEGER NOT NULL,
    recorder TEXT NOT NULL,
    author TEXT,
    UNIQUE (tbl, row_id)
);
CREATE TABLE team_sync (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
DROP VIEW timeline;
{TIMELINE}
DROP VIEW current_annotations;
{CURRENT_ANNOTATIONS}
"""
    + _APPEND_ONLY
    + "".join(_backfill(t) for t in SHARED_TABLES)
    + "".join(_origin_trigger(t) for t in SHARED_TABLES)
)
"""The schema step: replica, origins (backfilled for the rows a file already has), team_sync,
the triggers that give every new row its origin, and the timeline under the new rule."""


def has_origins(conn: sqlite3.Connection) -> bool:
    """Whether the connection's file has this step (a file opened read-only is not migrated)."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'origins'"
    ).fetchone()
    return row is not None
