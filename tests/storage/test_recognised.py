"""Recognised text, the pending queue, dismissals and full-text search in a real incident file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from storage_support import new_capture

from incident_recorder.recognition.words import Box, Word, matching_words
from incident_recorder.storage import IncidentFile, limits, recognition_schema, schema

WORDS = [
    Word("pool", Box(10, 10, 40, 14), 96.0, 0),
    Word("exhausted", Box(55, 10, 80, 14), 95.5, 0),
    Word("orders-db", Box(10, 30, 90, 14), 91.0, 1),
]


def test_the_queue_is_the_file_and_survives_a_restart(incident_path: Path) -> None:
    with IncidentFile.create(incident_path, "queue") as handle:
        first = handle.add_capture(new_capture(64, 48), text="dashboard").capture
        second = handle.add_capture(new_capture(80, 60, "Terminal")).capture
        assert first is not None and second is not None
        assert handle.pending_captures() == [first.id, second.id]
        handle.save_recognition(first.id, WORDS, engine="tesseract 5.5.4", seconds=1.25)
        assert handle.pending_captures() == [second.id]
    with IncidentFile.open(incident_path) as handle:  # a restart: the queue is where it was
        assert handle.pending_captures() == [second.id]
        text = handle.capture_text(first.id)
        assert text is not None and text.words == WORDS and text.status == "done"
        assert text.text == "pool exhausted\norders-db"
        assert handle.capture_text(second.id) is None
        handle.save_recognition(second.id, [], engine="tesseract 5.5.4", seconds=0, failed=True)
        assert handle.pending_captures() == []
    with IncidentFile.open(incident_path, readonly=True) as handle:
        assert set(handle.capture_texts()) == {first.id, second.id}


def test_search_finds_what_entries_show_now(incident_path: Path) -> None:
    with IncidentFile.create(incident_path, "search") as handle:
        note = handle.add_note("checkout pool exhausted on db-1")
        edited = handle.add_note("the cache exhausted its memory")
        handle.revise(edited.id, text="the cache filled up")
        hidden = handle.add_note("hidden pool note")
        handle.revise(hidden.id, hidden=True)
        captured = handle.add_capture(new_capture(64, 48), text="grafana board")
        assert captured.capture is not None
        handle.save_recognition(captured.capture.id, WORDS, engine="t", seconds=1)
        revised = handle.add_note("nothing here")
        handle.revise(revised.id, text="connection pool saturated")

        hits = handle.search("pool")
        assert {(hit.entry_id, hit.where) for hit in hits} == {
            (note.id, "note"),
            (captured.id, "capture text"),
            (revised.id, "note"),
        }
        assert [hit.entry_id for hit in handle.search("exhausted")] != []
        assert edited.id not in {hit.entry_id for hit in handle.search("exhausted")}
        assert [hit.entry_id for hit in handle.search("filled")] == [edited.id]
        assert [(h.entry_id, h.where) for h in handle.search("grafana")] == [
            (captured.id, "caption")
        ]
        # typed as is: punctuation and FTS words are not syntax
        assert [hit.entry_id for hit in handle.search("db-1")] == [note.id]
        assert [hit.entry_id for hit in handle.search("orders-db")] == [captured.id]
        assert handle.search('pool" OR NOT (') == []
        assert handle.search("   ") == []
        assert handle.search("absent") == []


def test_an_older_file_is_migrated_and_its_notes_are_found(incident_path: Path) -> None:
    version = schema.MIGRATIONS.index(recognition_schema.RECOGNITION_STEP)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:version])
        patch.setattr(schema, "SCHEMA_VERSION", version)
        with IncidentFile.create(incident_path, "old") as handle:
            note = handle.add_note("replica lag alarm")
            handle.add_capture(new_capture(64, 48), text="lag graph")
    with IncidentFile.open(incident_path, readonly=True) as handle:  # not migrated: no search
        assert handle.search("lag") == [] and handle.pending_captures() == []
    with IncidentFile.open(incident_path) as handle:
        assert handle.version == schema.SCHEMA_VERSION
        assert {hit.entry_id for hit in handle.search("lag")} == {note.id, note.id + 1}
        assert handle.pending_captures() == [1]


def test_the_schema_check_accounts_for_the_fts5_shadow_tables(incident_path: Path) -> None:
    with IncidentFile.create(incident_path, "shadows") as handle:
        handle.add_note("one note")
    conn = sqlite3.connect(incident_path)
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    for table in recognition_schema.FTS_TABLES:
        assert {f"{table}_fts", f"{table}_fts_data", f"{table}_fts_idx"} <= names
    with IncidentFile.open(incident_path) as handle:  # opens: its schema is exactly ours
        assert [hit.text for hit in handle.search("note")] == ["one note"]


def test_fts_sql_is_what_sqlite_utils_enable_fts_makes() -> None:
    from sqlite_utils import Database

    for table, column in recognition_schema.FTS_TABLES.items():
        made = sqlite3.connect(":memory:", isolation_level=None)
        made.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {column} TEXT)")
        Database(made).table(table).enable_fts([column], create_triggers=True)
        ours = sqlite3.connect(":memory:", isolation_level=None)
        ours.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {column} TEXT)")
        ours.executescript(recognition_schema.fts_sql(table, column))
        query = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
        fold = [(t, n, " ".join((s or "").split())) for t, n, s in made.execute(query)]
        assert fold == [(t, n, " ".join((s or "").split())) for t, n, s in ours.execute(query)]


def test_the_search_triggers_need_a_trusted_schema_and_get_one() -> None:
    """FTS5 is not 'innocuous' to SQLite: with trusted_schema OFF a note cannot be saved, so
    limits.untrusted_schema_works() must say so and harden() leave the schema trusted."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    conn.executescript(recognition_schema.fts_sql("entries", "text"))
    with pytest.raises(sqlite3.OperationalError, match="unsafe use of virtual table"):
        conn.execute("INSERT INTO entries (text) VALUES ('x')")
    conn.execute("PRAGMA trusted_schema = ON")
    conn.execute("INSERT INTO entries (text) VALUES ('x')")
    assert limits.untrusted_schema_works() is False


def test_dismissals_are_kept_with_who_and_when(incident_file: IncidentFile) -> None:
    note = incident_file.add_note("mail jane@example.com")
    dismissal = incident_file.dismiss_finding(note.id, "email:abc", "email", "alice")
    assert incident_file.dismissals() == {(note.id, "email:abc"): dismissal}
    assert dismissal.dismissed_by == "alice"


def test_a_capture_hit_names_every_visible_entry_showing_it(incident_path: Path) -> None:
    with IncidentFile.create(incident_path, "same screen") as handle:
        first = handle.add_capture(new_capture(64, 48), text="first look")
        again = handle.add_capture(new_capture(64, 48), text="second look")  # unchanged screen
        hidden = handle.add_capture(new_capture(64, 48), text="third look")
        assert first.capture is not None and again.capture is not None
        assert first.capture.id == again.capture.id
        handle.revise(hidden.id, hidden=True)
        handle.save_recognition(first.capture.id, WORDS, engine="t", seconds=1)
        assert [(h.entry_id, h.where) for h in handle.search("exhausted")] == [
            (first.id, "capture text"),
            (again.id, "capture text"),
        ]


def test_a_consistent_read_sees_one_moment_of_the_file(
    incident_file: IncidentFile, incident_path: Path
) -> None:
    """What session/findings.py reads together (entries, then recognised text, dismissals,
    annotations) agrees even while another process writes: a note added from the command
    line between two reads is seen only after the read ends."""
    incident_file.add_note("before")
    with incident_file.consistent_read():
        assert [e.text for e in incident_file.entries()] == ["before"]
        added = subprocess.run(
            [sys.executable, "-m", "incident_recorder", "note", str(incident_path), "meanwhile"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert added.returncode == 0, added.stderr
        assert [e.text for e in incident_file.entries()] == ["before"]
        assert incident_file.entry_count() == 1
    assert [e.text for e in incident_file.entries()] == ["before", "meanwhile"]


def test_search_places_names_every_place_an_entry_matched(incident_path: Path) -> None:
    """`search` keeps an entry's best hit; the filter bar counts each place it matched."""
    with IncidentFile.create(incident_path, "places") as handle:
        both = handle.add_capture(new_capture(64, 48), text="orders dashboard")
        assert both.capture is not None
        handle.save_recognition(both.capture.id, WORDS, engine="t", seconds=1)
        note = handle.add_note("orders are failing")
        handle.add_note("nothing to see")
        assert handle.search_places("orders") == {
            both.id: frozenset({"caption", "capture text"}),
            note.id: frozenset({"note"}),
        }
        assert [h.entry_id for h in handle.search("orders")].count(both.id) == 1


def test_the_words_highlighted_are_those_full_text_search_matches() -> None:
    """matching_words (the viewer's highlights) splits and folds words as FTS5's unicode61
    tokenizer does: a word is highlighted exactly when searching it alone finds it."""
    texts = ["orders-db", "Exhausted", "ÉTÉ", "café_au_lait", "14:02:07", "p@ss", "naïve", "x1"]
    queries = ["orders", "db", "exhausted", "ete", "cafe", "lait", "02", "ss", "naive", "x"]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text)")
    conn.executemany("INSERT INTO t (rowid, text) VALUES (?, ?)", enumerate(texts))
    for query in queries:
        found = {
            texts[r] for (r,) in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", [f'"{query}"'])
        }
        words = [Word(text, Box(0, 0, 1, 1), 90.0, 0) for text in texts]
        assert {w.text for w in matching_words(words, query)} == found, query
