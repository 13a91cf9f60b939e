"""The schema step of text recognition and search (one migration, see schema.py).

- `recognitions`: what was read in a capture, one row per recognition (the latest is current):
  its text, its words with boxes and confidence (JSON, recognition/words.py), the engine and the
  time it took; `status` 'failed' for an image the engine could not read (never retried
  forever). A capture without a row is pending: the queue is the file itself, so it survives a
  restart or a crash.
- `finding_dismissals`: a finding someone marked as not sensitive (who, when); the finding is
  named by a key derived from the incident, its kind and where it is — never its value.
- `entries_capture`: the entries showing a capture, found without a scan (search hits in
  capture text are mapped to entries through it).
- Full-text search (FTS5) over entries' text (notes and captions), revisions' text and
  recognised text, with the tables and triggers sqlite-utils' `enable_fts(..., create_triggers=
  True)` makes, written out here (`fts_sql`) so that the schema of a file never depends on the
  installed sqlite-utils (schema_check.py compares a file with these scripts; a test checks they
  are still what sqlite-utils makes). FTS5 creates shadow tables (`*_fts_data`, `_idx`,
  `_docsize`, `_config`) of its own; the schema check expects them because it runs the same
  script. The FTS5 triggers need `trusted_schema = ON` (an FTS5 table is not "innocuous" to
  SQLite): limits.py finds that out by running the triggers.
"""

from __future__ import annotations

FTS_TABLES = {"entries": "text", "revisions": "text", "recognitions": "text"}
"""Table → the column its `<table>_fts` index holds."""


def fts_sql(table: str, column: str) -> str:
    """The SQL sqlite-utils' `db[table].enable_fts([column], create_triggers=True)` runs."""
    fts = f"{table}_fts"
    return f"""
CREATE VIRTUAL TABLE "{fts}" USING FTS5 (
    "{column}",
    content="{table}"
);
CREATE TRIGGER "{table}_ai" AFTER INSERT ON "{table}" BEGIN
  INSERT INTO "{fts}" (rowid, "{column}") VALUES (new.rowid, new."{column}");
END;
CREATE TRIGGER "{table}_ad" AFTER DELETE ON "{table}" BEGIN
  INSERT INTO "{fts}" ("{fts}", rowid, "{column}") VALUES('delete', old.rowid, old."{column}");
END;
CREATE TRIGGER "{table}_au" AFTER UPDATE ON "{table}" BEGIN
  INSERT INTO "{fts}" ("{fts}", rowid, "{column}") VALUES('delete', old.rowid, old."{column}");
  INSERT INTO "{fts}" (rowid, "{column}") VALUES (new.rowid, new."{column}");
END;
INSERT INTO "{fts}" ("{fts}") VALUES ('rebuild');
"""


RECOGNITION_STEP = (
    """
CREATE TABLE recognitions (
    id INTEGER PRIMARY KEY,
    capture_id INTEGER NOT NULL REFERENCES captures (id),
    status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    engine TEXT NOT NULL,
    text TEXT NOT NULL,
    words TEXT NOT NULL CHECK (json_valid(words) AND json_type(words) = 'array'),
    seconds REAL NOT NULL,
    recognised_at TEXT NOT NULL
);
CREATE INDEX recognitions_capture ON recognitions (capture_id, id);
CREATE TABLE finding_dismissals (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries (id),
    finding TEXT NOT NULL,
    kind TEXT NOT NULL,
    dismissed_by TEXT NOT NULL,
    dismissed_at TEXT NOT NULL
);
CREATE INDEX finding_dismissals_entry ON finding_dismissals (entry_id, finding);
CREATE INDEX entries_capture ON entries (capture_id) WHERE capture_id IS NOT NULL;
"""
    + "".join(
        f"""
CREATE TRIGGER {t}_append_only_update BEFORE UPDATE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} are append-only: record a revision instead'); END;
CREATE TRIGGER {t}_append_only_delete BEFORE DELETE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} are append-only: hide the entry instead'); END;
"""
        for t in ("recognitions", "finding_dismissals")
    )
    + "".join(fts_sql(table, column) for table, column in FTS_TABLES.items())
)
"""Schema step: recognitions, finding dismissals and full-text search (see the docstring)."""
