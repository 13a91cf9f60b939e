"""File format 5: the covering index `captures_meta`, so reading the timeline never reads pixels.

A version 4 file is migrated when opened for writing (same rows, the index added) and left
byte-for-byte alone when opened read-only, where the queries read the captures table as before.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from storage_support import fingerprint, new_capture

from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.storage import IncidentFile, schema


def _v4_file(path: Path) -> Path:
    """A real version 4 file: notes, captures (one deduplicated), a revision, an annotation."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:4])
        patch.setattr(schema, "SCHEMA_VERSION", 4)
        with IncidentFile.create(path, "v4") as handle:
            handle.add_note("before the captures")
            first = handle.add_capture(new_capture(64, 48, "Grafana"), text="dashboard")
            handle.add_capture(new_capture(64, 48, "Grafana"))  # unchanged screen: same image
            handle.add_capture(new_capture(80, 60, "Terminal"), text="shell")
            note = handle.add_note("a note revised later")
            handle.revise(note.id, text="a note, revised", starred=True)
            assert first.capture is not None
            handle.set_annotations(
                first.capture.id, [Shape(ShapeKind.REDACTION, 1, 2, 10, 12)], base_revision=0
            )
    assert _user_version(path) == 4
    return path


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, by table name (full-text indexes left out: they are derived)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if "_fts" not in name
        ]
        return {
            name: conn.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall() for name in names
        }
    finally:
        conn.close()


def _plans(handle: IncidentFile) -> dict[str, str]:
    """The EXPLAIN QUERY PLAN of each query that reads captures, as one string per query."""
    queries = handle._sql
    conn = handle._conn
    sqls = {
        "originals": (queries.originals, ()),
        "newest_originals": (queries.newest_originals, (10,)),
        "entries": (queries.entries + "WHERE t.id = ?", (1,)),
        "capture_size": (queries.capture_size, (1,)),
        "last_capture_of_monitor": (queries.last_capture_of_monitor, (1,)),
    }
    return {
        name: " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        for name, (sql, params) in sqls.items()
    }


def test_a_new_file_is_version_5_and_reads_captures_through_the_index(
    incident_file: IncidentFile,
) -> None:
    incident_file.add_capture(new_capture())
    assert incident_file.version == schema.SCHEMA_VERSION >= 5
    for name, plan in _plans(incident_file).items():
        assert "COVERING INDEX captures_meta" in plan, (name, plan)
        assert "SEARCH c USING INTEGER PRIMARY KEY" not in plan, (name, plan)


def test_a_version_4_file_opened_read_only_is_untouched_and_reads_the_table(
    incident_path: Path,
) -> None:
    _v4_file(incident_path)
    before = fingerprint(incident_path)
    with IncidentFile.open(incident_path, readonly=True) as handle:
        assert handle.version == 4
        plans = _plans(handle)
        assert "captures_meta" not in " ".join(plans.values())
        assert "INTEGER PRIMARY KEY" in plans["originals"]
        texts = [e.text for e in handle.entries()]
        assert texts[0] == "before the captures" and "a note, revised" in texts
        captures = [e.capture for e in handle.entries() if e.capture is not None]
        assert [(c.id, c.width, c.height, c.window_title) for c in captures] == [
            (1, 64, 48, "Grafana"),
            (1, 64, 48, "Grafana"),
            (2, 80, 60, "Terminal"),
        ]
        assert handle.capture_size(2) == (80, 60)
    assert fingerprint(incident_path) == before
    assert _user_version(incident_path) == 4


def test_opening_a_version_4_file_for_writing_adds_the_index_and_changes_no_row(
    incident_path: Path,
) -> None:
    _v4_file(incident_path)
    rows_before = _rows(incident_path)
    with IncidentFile.open(incident_path, readonly=True) as handle:
        read_before = (handle.records(), handle.history(5), handle.capture_size(1))
    with IncidentFile.open(incident_path) as handle:
        assert handle.version == schema.SCHEMA_VERSION
        assert (handle.records(), handle.history(5), handle.capture_size(1)) == read_before
        for name, plan in _plans(handle).items():
            assert "COVERING INDEX captures_meta" in plan, (name, plan)
        assert handle._conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # the same screen again is still recognised through the index (no new image stored)
        again = handle.add_capture(new_capture(80, 60, "Terminal"))
        assert again.capture is not None and again.capture.id == 2
        assert "had not changed" in again.text
    assert _user_version(incident_path) == schema.SCHEMA_VERSION
    rows_after = _rows(incident_path)
    assert rows_after["captures"] == rows_before["captures"]
    assert rows_after["entries"][: len(rows_before["entries"])] == rows_before["entries"]
    for table in set(rows_before) - {"entries"}:
        assert rows_after[table] == rows_before[table], table
    conn = sqlite3.connect(incident_path)
    try:
        (index_sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'captures_meta'"
        ).fetchone()
    finally:
        conn.close()
    assert "png" not in index_sql and "thumbnail" not in index_sql


def test_the_index_holds_every_column_the_entry_queries_read_from_captures() -> None:
    conn = sqlite3.connect(":memory:")
    try:
        for script in schema.MIGRATIONS:
            conn.executescript(script)
        indexed = {row[2] for row in conn.execute("PRAGMA index_info(captures_meta)")}
        table = {row[1] for row in conn.execute("PRAGMA table_info(captures)")}
    finally:
        conn.close()
    assert indexed == table - {"png", "thumbnail"}


def test_a_version_5_file_whose_index_was_dropped_still_reads(incident_path: Path) -> None:
    """INDEXED BY names an index that must exist: the queries follow what the file has."""
    with IncidentFile.create(incident_path, "dropped") as handle:
        handle.add_capture(new_capture(64, 48, "Grafana"), text="dashboard")
        expected = handle.records()
    conn = sqlite3.connect(incident_path)
    try:
        conn.execute("DROP INDEX captures_meta")  # as another tool might
        conn.commit()
    finally:
        conn.close()
    for readonly in (True, False):
        with IncidentFile.open(incident_path, readonly=readonly) as handle:
            assert handle.version == schema.SCHEMA_VERSION
            assert "captures_meta" not in " ".join(_plans(handle).values())
            assert handle.records() == expected
            assert handle.capture_size(1) == (64, 48)
