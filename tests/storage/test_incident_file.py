"""IncidentFile: create, open, append notes and captures, revise, read, and see other writers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from storage_support import fingerprint, new_capture

from incident_recorder import __version__
from incident_recorder.domain import EntryKind
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.storage.schema import APPLICATION_ID, SCHEMA_VERSION

T0 = datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC)


def test_create_then_open(incident_path: Path, clock: Any) -> None:
    with IncidentFile.create(incident_path, "  Checkout \n outage ", clock=clock) as created:
        first = created.incident()
    assert first.title == "Checkout outage"
    assert first.created_at == T0
    assert first.app_version == __version__
    assert len(first.uuid) == 36
    with IncidentFile.open(incident_path) as reopened:
        assert reopened.incident() == first
        assert reopened.entries() == []
        assert reopened.entry_count() == 0


def test_create_needs_a_title(incident_path: Path) -> None:
    with pytest.raises(IncidentFileError, match="title"):
        IncidentFile.create(incident_path, " \n ")
    assert not incident_path.exists()


def test_pragmas(incident_file: IncidentFile) -> None:
    conn = incident_file._db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID == 0x49524543
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 6


def test_pragmas_after_reopen(incident_file: IncidentFile) -> None:
    incident_file.close()
    with IncidentFile.open(incident_file.path) as reopened:
        conn = reopened._db.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_add_note(incident_file: IncidentFile, clock: Any) -> None:
    clock.advance(5.1234)
    entry = incident_file.add_note("Error rate climbing\r\n", EntryKind.IMPACT, source="cli")
    assert entry.id == 1
    assert entry.kind is EntryKind.IMPACT
    assert entry.text == "Error rate climbing"
    assert entry.occurred_at == entry.recorded_at == T0 + timedelta(seconds=5, milliseconds=123)
    assert entry.revision == 1 and not entry.hidden and entry.source == "cli"
    assert entry.capture is None
    assert incident_file.entries() == [entry]
    assert incident_file.entry(1) == entry


def test_add_note_refuses_empty(incident_file: IncidentFile) -> None:
    with pytest.raises(ValueError, match="empty"):
        incident_file.add_note(" \n ")
    assert incident_file.entry_count() == 0


def test_add_note_refuses_a_naive_time_and_saves_nothing(incident_file: IncidentFile) -> None:
    with pytest.raises(ValueError, match="naive"):
        incident_file.add_note("x", occurred_at=datetime(2026, 11, 27, 14, 0))
    assert incident_file.entry_count() == 0
    assert not incident_file._db.conn.in_transaction


def test_entries_in_occurred_order_with_backdated_notes(
    incident_file: IncidentFile, clock: Any
) -> None:
    clock.advance(60)
    a = incident_file.add_note("a")
    clock.advance(60)
    b = incident_file.add_note("b, noticed before a", occurred_at=T0 + timedelta(seconds=30))
    clock.advance(60)
    c = incident_file.add_note("c")
    clock.advance(60)
    same = incident_file.add_note("same time as c", occurred_at=c.occurred_at)
    assert [e.text for e in incident_file.entries()] == [
        "b, noticed before a",
        "a",
        "c",
        "same time as c",
    ]
    assert b.recorded_at > a.recorded_at and b.occurred_at < a.occurred_at
    assert [e.id for e in incident_file.entries()] == [b.id, a.id, c.id, same.id]


def test_occurred_at_in_another_zone_is_stored_in_utc(incident_file: IncidentFile) -> None:
    paris = datetime(2026, 11, 27, 15, 1, tzinfo=timezone(timedelta(hours=1)))
    entry = incident_file.add_note("x", occurred_at=paris)
    assert entry.occurred_at == T0 + timedelta(minutes=1)
    stored = incident_file._db.execute("SELECT occurred_at FROM entries").fetchone()[0]
    assert stored == "2026-11-27T14:01:00.000Z"


def test_add_capture_round_trip(incident_file: IncidentFile) -> None:
    capture = new_capture(64, 48, title="Grafana — checkout \u05d0")
    entry = incident_file.add_capture(capture, text="the dashboard", kind=EntryKind.DETECTION)
    assert entry.capture is not None
    info = entry.capture
    assert (info.width, info.height, info.sha256) == (64, 48, capture.sha256)
    assert info.monitor == 1 and info.window_title == "Grafana — checkout \u05d0"
    assert incident_file.entries() == [entry]
    assert incident_file.capture_png(info.id) == capture.png
    assert incident_file.capture_thumbnail(info.id) == capture.thumbnail_png
    assert incident_file.capture_png(info.id).startswith(b"\x89PNG\r\n\x1a\n")


def test_capture_without_text(incident_file: IncidentFile) -> None:
    entry = incident_file.add_capture(new_capture(), text="  ")
    assert entry.text == ""
    assert incident_file.entry(entry.id).text == ""


def test_missing_capture_and_entry(incident_file: IncidentFile) -> None:
    with pytest.raises(IncidentFileError, match="no capture 7"):
        incident_file.capture_png(7)
    with pytest.raises(IncidentFileError, match="no capture 7"):
        incident_file.capture_thumbnail(7)
    with pytest.raises(IncidentFileError, match="no entry 3"):
        incident_file.entry(3)
    with pytest.raises(IncidentFileError, match="no entry 3"):
        incident_file.history(3)
    with pytest.raises(IncidentFileError, match="no entry 3"):
        incident_file.revise(3, text="x")


def test_revise_keeps_every_revision(incident_file: IncidentFile, clock: Any) -> None:
    original = incident_file.add_note("DB pool at 500", EntryKind.OBSERVATION)
    clock.advance(600)
    second = incident_file.revise(original.id, text="DB pool at 500/500", kind=EntryKind.CAUSE)
    assert second.revision == 2 and second.kind is EntryKind.CAUSE
    assert second.text == "DB pool at 500/500"
    assert second.recorded_at == original.recorded_at
    earlier = original.occurred_at - timedelta(minutes=3)
    third = incident_file.revise(original.id, occurred_at=earlier)
    assert third.revision == 3 and third.occurred_at == earlier
    assert third.text == "DB pool at 500/500" and third.kind is EntryKind.CAUSE
    history = incident_file.history(original.id)
    assert [h.revision for h in history] == [1, 2, 3]
    assert history[0] == original
    texts = ["DB pool at 500", "DB pool at 500/500", "DB pool at 500/500"]
    assert [h.text for h in history] == texts
    assert incident_file.entries() == [third]
    # the original row itself is untouched
    row = incident_file._db.execute("SELECT kind, text FROM entries WHERE id = 1").fetchone()
    assert row == ("observation", "DB pool at 500")


def test_revise_moves_an_entry_in_the_timeline(incident_file: IncidentFile, clock: Any) -> None:
    a = incident_file.add_note("a")
    clock.advance(10)
    b = incident_file.add_note("b")
    incident_file.revise(a.id, occurred_at=b.occurred_at + timedelta(seconds=1))
    assert [e.text for e in incident_file.entries()] == ["b", "a"]


def test_hide_via_revise(incident_file: IncidentFile) -> None:
    keep = incident_file.add_note("keep")
    gone = incident_file.add_note("typo")
    hidden = incident_file.revise(gone.id, hidden=True)
    assert hidden.hidden and hidden.text == "typo"
    assert [e.id for e in incident_file.entries()] == [keep.id, gone.id]
    assert [e.id for e in incident_file.entries(include_hidden=False)] == [keep.id]
    # a later revision that does not mention `hidden` keeps it hidden; unhiding is a revision too
    assert incident_file.revise(gone.id, text="typo fixed").hidden
    shown = incident_file.revise(gone.id, hidden=False)
    assert not shown.hidden and shown.revision == 4
    assert [h.hidden for h in incident_file.history(gone.id)] == [False, True, True, False]


def test_revise_refuses_empty_text(incident_file: IncidentFile) -> None:
    entry = incident_file.add_note("x")
    with pytest.raises(ValueError, match="empty"):
        incident_file.revise(entry.id, text="  ")
    assert incident_file.history(entry.id) == [entry]


def test_revisions_from_two_connections_stack(incident_path: Path, clock: Any) -> None:
    """Each revision numbers itself from the latest one, whoever wrote it."""
    with IncidentFile.create(incident_path, "t", clock=clock) as one:
        entry = one.add_note("x")
        with IncidentFile.open(incident_path, clock=clock) as two:
            two.revise(entry.id, text="from two")
            revised = one.revise(entry.id, text="from one")
        assert revised.revision == 3
        assert [h.text for h in one.history(entry.id)] == ["x", "from two", "from one"]


def test_a_second_connection_sees_changes(incident_path: Path, clock: Any) -> None:
    with IncidentFile.create(incident_path, "t", clock=clock) as writer:
        early = writer.add_note("before the reader looked")
        with IncidentFile.open(incident_path, clock=clock) as reader:
            marks = reader.marks()
            assert marks == (early.id, 0)
            version = reader.data_version()
            assert reader.data_version() == version  # nothing new
            assert reader.changes_since(*marks).entries == []

            clock.advance(5)
            new = writer.add_note("new")
            writer.revise(early.id, text="before the reader looked (fixed)")
            assert reader.data_version() != version

            changes = reader.changes_since(*marks)
            assert [e.id for e in changes.entries] == [early.id, new.id]
            assert changes.entries[0].revision == 2
            assert (changes.entry_mark, changes.revision_mark) == (new.id, 1)
            assert reader.changes_since(changes.entry_mark, changes.revision_mark).entries == []
            assert reader.entries() == writer.entries()
            # and the other way round
            reader.add_note("from the reader")
            assert writer.entry_count() == 3


def test_update_and_delete_are_refused_by_triggers(incident_file: IncidentFile) -> None:
    entry = incident_file.add_note("x")
    incident_file.revise(entry.id, text="y")
    incident_file.add_capture(new_capture())
    conn = incident_file._db.conn
    for table in ("entries", "captures", "revisions"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(f"UPDATE {table} SET id = id WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(f"DELETE FROM {table}")
    assert incident_file.entry_count() == 2


def test_foreign_keys_are_enforced(incident_file: IncidentFile) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        incident_file._db.execute(
            "INSERT INTO entries (kind, text, occurred_at, recorded_at, capture_id) "
            "VALUES ('action', 'x', 'a', 'b', 99)"
        )


def test_timeline_view_matches_entries(incident_file: IncidentFile, clock: Any) -> None:
    a = incident_file.add_note("a")
    clock.advance(1)
    incident_file.add_capture(new_capture(), text="cap")
    incident_file.revise(a.id, text="a2", hidden=True)
    rows = incident_file._db.execute(
        "SELECT id, kind, text, revision, hidden, capture_id FROM timeline ORDER BY occurred_at, id"
    ).fetchall()
    assert rows == [
        (e.id, str(e.kind), e.text, e.revision, int(e.hidden), e.capture and e.capture.id)
        for e in incident_file.entries()
    ]


def test_entries_built_fast_equal_entries_built_normally(incident_file: IncidentFile) -> None:
    from incident_recorder.domain import Entry

    incident_file.add_capture(new_capture(), text="cap")
    incident_file.add_note("note")
    for fast in incident_file.entries():
        slow = Entry(
            id=fast.id,
            kind=fast.kind,
            text=fast.text,
            occurred_at=fast.occurred_at,
            recorded_at=fast.recorded_at,
            revision=fast.revision,
            hidden=fast.hidden,
            source=fast.source,
            capture=fast.capture,
        )
        assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    with pytest.raises(AttributeError):
        fast.text = "changed"  # type: ignore[misc]


def test_readonly_open_reads_and_refuses_writes(incident_path: Path, clock: Any) -> None:
    with IncidentFile.create(incident_path, "t", clock=clock) as writer:
        writer.add_note("kept")
    before = fingerprint(incident_path)
    with IncidentFile.open(incident_path, readonly=True) as reader:
        assert [e.text for e in reader.entries()] == ["kept"]
        with pytest.raises(IncidentFileError, match="read-only"):
            reader.add_note("no")
    # bug fixed: a read-only open used to leave -wal and -shm files behind
    assert fingerprint(incident_path) == before


def test_after_a_checkpoint_a_copy_of_the_main_file_alone_holds_everything(tmp_path) -> None:
    import subprocess

    from incident_recorder.storage import IncidentFile

    path = tmp_path / "live.incident"
    with IncidentFile.create(path, "Live") as handle:
        for number in range(20):
            handle.add_note(f"note {number}")
        handle.checkpoint()
        copy = tmp_path / "mailed.incident"
        # without its -wal, by another program, as a user copying "the file" would
        subprocess.run(["cp", str(path), str(copy)], check=True)
        with IncidentFile.open(copy, readonly=True) as mailed:
            assert mailed.entry_count() == 20


def test_a_closed_file_gives_a_clear_error_not_a_raw_sqlite_one(tmp_path) -> None:
    import pytest

    from incident_recorder.storage import IncidentFile, IncidentFileError

    handle = IncidentFile.create(tmp_path / "closed.incident", "Closed")
    handle.close()
    for call in (
        handle.entries,
        handle.marks,
        lambda: handle.changes_since(0, 0),
        lambda: handle.add_note("late"),
    ):
        with pytest.raises(IncidentFileError, match="is closed"):
            call()


def test_deferred_checkpoints_leave_the_wal_to_an_explicit_checkpoint(tmp_path) -> None:
    from pathlib import Path

    from incident_recorder.storage import IncidentFile

    path = tmp_path / "deferred.incident"
    with IncidentFile.create(path, "Deferred") as handle:
        handle.defer_checkpoints()
        for number in range(1500):  # beyond the 1,000-page automatic threshold
            handle.add_note(f"note {number} " + "x" * 3000)
        wal = Path(f"{path}-wal")
        grown = wal.stat().st_size
        assert grown > 1000 * 4096, "no automatic checkpoint ran in a commit"
        handle.checkpoint()
        with IncidentFile.open(path, readonly=True) as other:
            assert other.entry_count() == 1500


def test_records_are_typed_and_a_new_column_cannot_shift_them_silently(tmp_path) -> None:
    """The window reads rows by name (Record), never by position: a SELECT that gains a
    column without a field in Record is a TypeError at the first read, not a silent shift."""
    import pytest

    from incident_recorder.storage import IncidentFile, Record
    from incident_recorder.storage.rows import records_of

    with IncidentFile.create(tmp_path / "typed.incident", "Typed") as handle:
        handle.add_note("db-7 is down")
        (record,) = handle.records()
    assert isinstance(record, Record)
    assert (record.text, record.kind, record.hidden) == ("db-7 is down", "observation", 0)
    with pytest.raises(TypeError, match="19 columns, Record 18"):
        records_of([(*record, "a new column")])
