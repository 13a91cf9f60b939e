"""Schema versions and migrations: idempotent, all-or-nothing, newer files untouched."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from storage_support import fingerprint, new_capture

from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.storage import IncidentFile, IncidentFileError, schema

NEXT = "CREATE TABLE future_things (id INTEGER PRIMARY KEY, item TEXT NOT NULL);"
BAD = "CREATE TABLE future_things (id INTEGER PRIMARY KEY);\nTHIS IS NOT SQL;"


NEXT_VERSION = schema.SCHEMA_VERSION + 1


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _tables(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type, name FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def _v1_file(path: Path) -> Path:
    """A real version 1 file: created by this app with only the first migration."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        patch.setattr(schema, "SCHEMA_VERSION", 1)
        with IncidentFile.create(path, "v1") as handle:
            handle.add_note("written at version 1")
    assert _version(path) == 1
    return path


def _current_file(path: Path) -> Path:
    with IncidentFile.create(path, "current") as handle:
        handle.add_note("written at the current version")
    assert _version(path) == schema.SCHEMA_VERSION >= 5
    return path


def test_schema_v1_objects(incident_path: Path) -> None:
    names = {name for _, name in _tables(_v1_file(incident_path))}
    assert {"incident", "captures", "entries", "revisions", "timeline"} <= names
    for table in ("entries", "captures", "revisions"):
        assert {f"{table}_append_only_update", f"{table}_append_only_delete"} <= names


def test_a_current_file_opens_unchanged(incident_path: Path) -> None:
    _current_file(incident_path)
    before = fingerprint(incident_path)
    for _ in range(2):
        with IncidentFile.open(incident_path) as handle:
            assert [e.text for e in handle.entries()] == ["written at the current version"]
    assert fingerprint(incident_path) == before


def test_migration_runs_once(incident_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _current_file(incident_path)
    following = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, NEXT])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", following)
    with IncidentFile.open(incident_path) as handle:
        assert handle.entry_count() == 1
    assert _version(incident_path) == following
    tables = _tables(incident_path)
    assert ("table", "future_things") in tables
    # opening again is a no-op (running NEXT twice would fail: the table exists)
    with IncidentFile.open(incident_path) as handle:
        assert handle.entry_count() == 1
    assert _version(incident_path) == following
    assert _tables(incident_path) == tables
    # and at the version reached, migrate() itself does nothing
    with IncidentFile.open(incident_path) as handle:
        schema.migrate(handle._db.conn, following)
    assert _tables(incident_path) == tables


def test_a_failing_migration_changes_nothing(
    incident_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _current_file(incident_path)
    tables = _tables(incident_path)
    current = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, BAD])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", current + 1)
    with pytest.raises(IncidentFileError, match="opening the incident failed") as caught:
        IncidentFile.open(incident_path)
    assert "\n" not in str(caught.value)
    assert _version(incident_path) == current
    assert _tables(incident_path) == tables  # future_things rolled back with the rest
    monkeypatch.undo()
    with IncidentFile.open(incident_path) as handle:
        assert [e.text for e in handle.entries()] == ["written at the current version"]


def test_readonly_open_does_not_migrate_a_version_1_file(incident_path: Path) -> None:
    _v1_file(incident_path)
    before = fingerprint(incident_path)
    with IncidentFile.open(incident_path, readonly=True) as handle:
        assert handle.entry_count() == 1
        assert handle.annotations(1) == []  # no annotations table yet: none
        assert handle.sensitive_captures() == set()
        with pytest.raises(IncidentFileError, match="read-only"):
            handle.set_annotations(1, [], base_revision=0)
    assert fingerprint(incident_path) == before
    assert _version(incident_path) == 1


def test_a_version_1_file_is_migrated_to_version_2(incident_path: Path) -> None:
    """The real migration, on a file written at version 1 with a capture in it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        patch.setattr(schema, "SCHEMA_VERSION", 1)
        with IncidentFile.create(incident_path, "v1") as handle:
            handle.add_note("before")
            capture_id = handle.add_capture(new_capture()).capture.id  # type: ignore[union-attr]
    assert _version(incident_path) == 1
    names = {name for _, name in _tables(incident_path)}
    assert "annotations" not in names
    with IncidentFile.open(incident_path) as handle:
        assert [e.text for e in handle.entries()] == ["before", ""]
        assert handle.annotations(capture_id) == []
        shapes = [Shape(ShapeKind.REDACTION, 1, 2, 10, 12)]
        assert handle.set_annotations(capture_id, shapes, base_revision=0) == 1
        assert handle.annotations(capture_id) == shapes
    assert _version(incident_path) == schema.SCHEMA_VERSION
    names = {name for _, name in _tables(incident_path)}
    assert {"annotations", "current_annotations"} <= names
    assert {"annotations_append_only_update", "annotations_append_only_delete"} <= names


def test_an_older_schema_opened_first_decides_nothing_for_the_current_one(
    tmp_path: Path,
) -> None:
    """In a fresh process (no answer cached by earlier tests), a file made with the first
    migration only, then a current file: whether the current schema may run untrusted must be
    asked about the current schema (a version 1 schema has no json_valid() and no full-text
    search, and the answer about it once made this file's tests fail when run alone)."""
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from incident_recorder.storage import IncidentFile, schema
        whole = schema.MIGRATIONS
        schema.MIGRATIONS, schema.SCHEMA_VERSION = whole[:1], 1
        with IncidentFile.create(Path({str(tmp_path / "v1.incident")!r}), "v1") as handle:
            handle.add_note("at version 1")
        schema.MIGRATIONS, schema.SCHEMA_VERSION = whole, len(whole)
        with IncidentFile.create(Path({str(tmp_path / "now.incident")!r}), "now") as handle:
            handle.add_note("at the current version")
            print(handle.entry_count())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
