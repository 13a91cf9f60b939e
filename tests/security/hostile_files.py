"""Crafted incident files: each carries SQL of its own that would run inside the app.

Every case starts from a real incident file made by the app (our application id, our version,
one note) and then changes its schema with plain sqlite3, as an attacker mailing the file would.
`build_all(folder)` writes one file per case and returns their paths by case name.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from incident_recorder.storage import IncidentFile

_DROP_APPEND_ONLY = """
DROP TRIGGER entries_append_only_update;
DROP TRIGGER entries_append_only_delete;
"""

CASES: dict[str, str] = {
    # The review's findings.
    "swallows-notes": """
CREATE TRIGGER zz BEFORE INSERT ON entries BEGIN SELECT RAISE(IGNORE); END;
""",
    "rewrites-notes": _DROP_APPEND_ONLY
    + """
CREATE TRIGGER zz AFTER INSERT ON entries
BEGIN UPDATE entries SET text = 'nothing happened' WHERE id = NEW.id; END;
""",
    "bloats-each-note": """
CREATE TABLE padding (data BLOB);
CREATE TRIGGER zz AFTER INSERT ON entries
BEGIN INSERT INTO padding VALUES (zeroblob(50000000)); END;
""",
    "never-ending-view": """
DROP VIEW timeline;
ALTER TABLE entries RENAME TO entries_real;
CREATE VIEW entries AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
SELECT i AS id, 'observation' AS kind, 'x' AS text, '2026-01-01T00:00:00.000Z' AS occurred_at,
       '2026-01-01T00:00:00.000Z' AS recorded_at, 'gui' AS source, NULL AS capture_id,
       0 AS public, 0 AS starred, NULL AS author, NULL AS occurred_offset FROM n;
""",
    "huge-strings-view": """
DROP VIEW timeline;
ALTER TABLE entries RENAME TO entries_real;
CREATE VIEW entries AS SELECT id, kind, printf('%.*c', 300000000, 'x') AS text, occurred_at,
       recorded_at, source, capture_id, public, starred, author, occurred_offset
FROM entries_real;
""",
    # Other members of the class.
    "trigger-on-captures": """
CREATE TRIGGER zz AFTER INSERT ON captures BEGIN DELETE FROM event_keys; END;
""",
    "expression-index": """
CREATE INDEX zz ON entries (length(text) * 2);
""",
    "changed-table": _DROP_APPEND_ONLY
    + """
ALTER TABLE entries ADD COLUMN secret TEXT DEFAULT 'x';
""",
    "dropped-append-only-trigger": _DROP_APPEND_ONLY,
    "extra-view": """
CREATE VIEW zz AS SELECT * FROM entries, entries, entries;
""",
}


def fingerprint(path: Path) -> str:
    """SHA-256 of the main file's bytes (read by this test process, which has it open nowhere)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(folder: Path, name: str, sql: str) -> Path:
    """An incident file with one note, then `sql` run on it: the crafted file `name`."""
    path = folder / f"{name}.incident"
    with IncidentFile.create(path, f"Crafted: {name}") as handle:
        handle.add_note("a note from before")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(sql)
    finally:  # the last connection: the WAL is folded in, one self-contained file as mailed
        conn.close()
    return path


def build_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: build(folder, name, sql) for name, sql in CASES.items()}
