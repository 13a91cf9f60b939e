"""Every row of the shared record has a global id, its recorder and its author, and "current"
is decided the same way in every replica (storage/origins.py, storage/replica.py)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from incident_recorder.domain import EntryKind, Incident
from incident_recorder.domain.details import Status
from incident_recorder.domain.milestones import Milestone
from incident_recorder.session import EntriesAdded, IncidentSession, MilestoneRecorded
from incident_recorder.storage import IncidentFile, schema
from incident_recorder.storage.replica import MissingReferenceError, SharedRow
from tests.conftest import FakeClock
from tests.storage.storage_support import new_capture
from tests.sync.replica_support import exchange, record_of


def _replica_of(first: IncidentFile, path: Path, clock: FakeClock) -> IncidentFile:
    return IncidentFile.create(path, first.incident().title, clock=clock, shared=first.incident())


def test_every_new_row_gets_a_global_id_its_recorder_and_author(
    incident_file: IncidentFile,
) -> None:
    session = IncidentSession(incident_file, author="Ada Lovelace")
    note = session.add_note("checkout 502s")
    session.add_capture(new_capture())
    session.revise(note.id, text="checkout 502s from eu-west")
    session.record_milestone(Milestone.DETECTED)
    recorder = incident_file.recorder_id()
    conn = incident_file._connection()
    rows = conn.execute("SELECT uid, tbl, recorder, author FROM origins ORDER BY seq").fetchall()
    assert [row[1] for row in rows] == [
        "entries", "captures", "entries", "revisions", "entries", "milestones",
    ]  # fmt: skip
    assert len({row[0] for row in rows}) == len(rows)
    for uid, _, row_recorder, author in rows:
        assert len(uid) == 36 and uid[14] == "4" and uid[19] in "89ab"
        assert row_recorder == recorder and author == "Ada Lovelace"
    assert note.author == "Ada Lovelace"
    assert incident_file.unpushed() == len(rows)


def test_two_files_have_different_recorders(tmp_path: Path, clock: FakeClock) -> None:
    with (
        IncidentFile.create(tmp_path / "a.incident", "A", clock=clock) as a,
        IncidentFile.create(tmp_path / "b.incident", "B", clock=clock) as b,
    ):
        assert a.recorder_id() != b.recorder_id()


def test_an_older_file_is_migrated_and_its_rows_get_origins(
    incident_path: Path, clock: FakeClock
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        before = schema.TEAM_VERSION - 1
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:before])
        patch.setattr(schema, "SCHEMA_VERSION", before)
        with IncidentFile.create(incident_path, "old", clock=clock) as old:
            entry = old.add_note("before the team step", author="Grace")
            old.revise(entry.id, text="revised before the team step")
            old.record_milestone(Milestone.DETECTED)
            old.add_capture(new_capture())
            expected = old.entries()
            assert old.version == before
    with IncidentFile.open(incident_path) as handle:
        assert handle.version == schema.SCHEMA_VERSION
        assert handle.entries() == expected
        uids = handle.uids()
        assert len(uids) == 3 + 1 + 1 + 1  # entries, revision, milestone, capture
        origins = handle.entry_origins()
        assert origins[entry.id] == (handle.recorder_id(), "Grace")


def test_rows_handed_to_another_replica_arrive_once_with_their_references(
    tmp_path: Path, clock: FakeClock
) -> None:
    with IncidentFile.create(tmp_path / "a.incident", "Checkout", clock=clock) as a:
        session = IncidentSession(a, author="Ada")
        note = session.add_note("first")
        shot = session.add_capture(new_capture(), text="the dashboard")
        session.revise(note.id, text="first, revised", public=True)
        session.record_milestone(Milestone.MITIGATED)  # and the Monitoring rule's change
        with _replica_of(a, tmp_path / "b.incident", clock) as b:
            heard = []
            IncidentSession(b).listen(heard.append)
            assert exchange(a, b) == a.shared_count()
            assert exchange(a, b) == 0  # nothing doubled
            assert record_of(a) == record_of(b)
            assert b.details().status is Status.MONITORING
            copied = next(e for e in b.entries() if e.capture is not None)
            assert b.capture_png(copied.capture.id) == a.capture_png(shot.capture.id)  # type: ignore[union-attr]
            assert b.unpushed() == 0  # a teammate's rows are not this recorder's to push


def test_pulled_rows_are_announced_through_the_session(tmp_path: Path, clock: FakeClock) -> None:
    with IncidentFile.create(tmp_path / "a.incident", "Checkout", clock=clock) as a:
        IncidentSession(a, author="Ada").add_note("from A")
        IncidentSession(a).record_milestone(Milestone.DETECTED)
        with _replica_of(a, tmp_path / "b.incident", clock) as b:
            session = IncidentSession(b, author="Bob")
            heard: list[object] = []
            session.listen(heard.append)
            rows = [row for _, row in a.outgoing(0, 100)]
            session.receive(rows, {"cursor": "x"})
            added = [c for c in heard if isinstance(c, EntriesAdded)]
            assert [e.text for c in added for e in c.entries] == ["from A", "Detected"]
            assert any(isinstance(c, MilestoneRecorded) for c in heard)
            assert b.team_state()["cursor"] == "x"
            heard.clear()
            session.receive(rows, {"cursor": "y"})  # a repeated pull: nothing new, nothing said
            assert heard == [] and b.team_state()["cursor"] == "y"


def test_concurrent_revisions_resolve_the_same_way_everywhere(
    tmp_path: Path, clock: FakeClock
) -> None:
    with IncidentFile.create(tmp_path / "a.incident", "Checkout", clock=clock) as a:
        note = a.add_note("original")
        with _replica_of(a, tmp_path / "b.incident", clock) as b:
            exchange(a, b)
            on_b = next(iter(b.uids("entries").values()))
            clock.advance(5)  # both revise at the same millisecond
            a.revise(note.id, text="A's version")
            b.revise(on_b, text="B's version")
            exchange(a, b)
            exchange(b, a)
            assert record_of(a) == record_of(b)
            winner = max((a.recorder_id(), "A's version"), (b.recorder_id(), "B's version"))[1]
            assert a.entry(note.id).text == winner and a.entry(note.id).revision == 3
            history = [h.text for h in a.history(note.id)]
            assert sorted(history[1:]) == ["A's version", "B's version"]
            # a later revision wins whatever its recorder
            clock.advance(1)
            loser = b if winner == "A's version" else a
            loser.revise(next(iter(loser.uids("entries").values())), text="later")
            exchange(loser, a if loser is b else b)
            assert a.entry(note.id).text == "later" == b.entry(on_b).text


def test_a_milestone_set_by_two_at_once_resolves_the_same_way_and_keeps_the_other(
    tmp_path: Path, clock: FakeClock
) -> None:
    with (
        IncidentFile.create(tmp_path / "a.incident", "Checkout", clock=clock) as a,
        _replica_of(a, tmp_path / "b.incident", clock) as b,
    ):
        t0 = clock()
        a.set_milestone(Milestone.DETECTED, t0 - timedelta(minutes=3))
        b.set_milestone(Milestone.DETECTED, t0 - timedelta(minutes=7))
        exchange(a, b)
        exchange(b, a)
        assert record_of(a) == record_of(b)
        times = {a.recorder_id(): t0 - timedelta(minutes=3),
                 b.recorder_id(): t0 - timedelta(minutes=7)}  # fmt: skip
        assert a.milestones()[Milestone.DETECTED] == times[max(times)]
        assert sorted(a.milestone_history(Milestone.DETECTED)) == sorted(times.values())
        details = a.details()
        import dataclasses

        a.set_details(dataclasses.replace(details, status=Status.IDENTIFIED))
        b.set_details(dataclasses.replace(details, status=Status.RESOLVED))
        exchange(a, b)
        exchange(b, a)
        assert a.details() == b.details()


def test_a_row_whose_reference_never_arrived_is_refused_whole(
    incident_file: IncidentFile,
) -> None:
    orphan = SharedRow(
        "7d3c9a52-4a4e-4c2e-9d7e-000000000001", "revisions", "r", None,
        {"entry_id": "7d3c9a52-4a4e-4c2e-9d7e-000000000002", "kind": "observation",
         "text": "x", "occurred_at": "2026-11-27T14:00:00.000Z", "hidden": 0,
         "revised_at": "2026-11-27T14:00:00.000Z", "public": 0, "starred": 0},
    )  # fmt: skip
    with pytest.raises(MissingReferenceError):
        incident_file.apply_shared([orphan], {"cursor": "z"})
    assert incident_file.team_state() == {}


def test_origins_are_append_only(incident_file: IncidentFile) -> None:
    incident_file.add_note("x", EntryKind.ACTION)
    conn = incident_file._connection()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE origins SET author = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM origins")


def test_a_replica_keeps_the_incident_id_and_creation_time(
    tmp_path: Path, clock: FakeClock
) -> None:
    shared = Incident(
        "0b1e9c1c-3f4f-4c52-8a8a-2f7f3b7c0d11", "Checkout", clock() - timedelta(hours=1), "0.9"
    )
    with IncidentFile.create(tmp_path / "r.incident", "Checkout", clock=clock, shared=shared) as r:
        assert r.incident() == shared


def test_annotations_travel_and_a_redacted_capture_stays_sensitive(
    tmp_path: Path, clock: FakeClock
) -> None:
    from incident_recorder.domain.annotation import Shape, ShapeKind

    with (
        IncidentFile.create(tmp_path / "a.incident", "Checkout", clock=clock) as a,
        _replica_of(a, tmp_path / "b.incident", clock) as b,
    ):
        shot = a.add_capture(new_capture(), text="customer data on screen")
        assert shot.capture is not None
        redaction = [Shape(ShapeKind.REDACTION, 1, 2, 10, 12)]
        a.set_annotations(shot.capture.id, redaction, base_revision=0)
        exchange(a, b)
        on_b = next(e for e in b.entries() if e.capture is not None).capture
        assert on_b is not None
        assert b.sensitive_captures() == {on_b.id}
        assert b.annotations(on_b.id) == redaction
        # two people annotate at the same moment: both saves kept, the same one current
        clock.advance(1)
        a.set_annotations(
            shot.capture.id, [*redaction, Shape(ShapeKind.ARROW, 0, 0, 5, 5)], base_revision=1
        )
        b.set_annotations(
            on_b.id, [*redaction, Shape(ShapeKind.RECTANGLE, 3, 3, 9, 9)], base_revision=1
        )
        exchange(a, b)
        exchange(b, a)
        assert a.annotations(shot.capture.id) == b.annotations(on_b.id)
        assert a.annotation_revision(shot.capture.id) == b.annotation_revision(on_b.id) == 3
        assert a.sensitive_captures() == {shot.capture.id} and b.sensitive_captures() == {on_b.id}


def test_report_texts_travel_and_the_same_section_saved_at_once_resolves_alike(
    tmp_path: Path, clock: FakeClock
) -> None:
    with (
        IncidentFile.create(tmp_path / "a.incident", "Checkout", clock=clock) as a,
        _replica_of(a, tmp_path / "b.incident", clock) as b,
    ):
        a.save_report_texts({"summary": "A's summary", "prevention": "canary deploys"})
        b.save_report_texts({"summary": "B's summary"})
        exchange(a, b)
        exchange(b, a)
        assert a.report_texts() == b.report_texts()
        assert a.report_texts()["prevention"] == "canary deploys"
        winner = max((a.recorder_id(), "A's summary"), (b.recorder_id(), "B's summary"))[1]
        assert a.report_texts()["summary"] == winner


def test_action_items_travel_under_their_own_numbers_and_resolve_alike(
    tmp_path: Path, clock: FakeClock
) -> None:
    import dataclasses

    from incident_recorder.domain.actions import ActionItem

    with (
        IncidentFile.create(tmp_path / "a.incident", "Checkout", clock=clock) as a,
        _replica_of(a, tmp_path / "b.incident", clock) as b,
    ):
        canary = a.save_action_item(ActionItem("Canary deploys", owner="Ada"))
        clock.advance(1)
        b.save_action_item(ActionItem("Alert on replication lag"))  # number 1 in B's file too
        exchange(a, b)
        exchange(b, a)
        described = [(i.description, i.owner, i.revision) for i in a.action_items()]
        assert described == [(i.description, i.owner, i.revision) for i in b.action_items()]
        assert described == [("Canary deploys", "Ada", 1), ("Alert on replication lag", "", 1)]
        # both edit the canary item at the same moment: the same one wins everywhere
        clock.advance(1)
        on_b = next(i for i in b.action_items() if i.description == "Canary deploys")
        a.save_action_item(dataclasses.replace(canary, owner="Ada and Bob"))
        b.save_action_item(dataclasses.replace(on_b, owner="Bob"))
        exchange(a, b)
        exchange(b, a)
        described = [(i.description, i.owner, i.revision) for i in a.action_items()]
        assert described == [(i.description, i.owner, i.revision) for i in b.action_items()]
        assert described[0][2] == 3
        assert len(a.action_item_history(canary.id or 0)) == 3
