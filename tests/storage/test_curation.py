"""Curation in the file (schema version 3): public / starred revisions, milestones, details,
report texts and action items — each a history whose latest value is current, nothing lost."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from storage_support import fingerprint

from incident_recorder.domain import EntryKind
from incident_recorder.domain.actions import ActionItem, ActionStatus, ActionType
from incident_recorder.domain.details import (
    DetectionSource,
    IncidentDetails,
    Role,
    Service,
    Status,
)
from incident_recorder.domain.milestones import Metric, Milestone
from incident_recorder.storage import IncidentFile, IncidentFileError, schema

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def test_public_starred_and_offset_are_revisions(incident_file: IncidentFile) -> None:
    entry = incident_file.add_note("status page updated", public=True)
    assert entry.public and not entry.starred
    incident_file.revise(entry.id, starred=True)
    backdated = incident_file.revise(
        entry.id, occurred_at=T0, occurred_offset="+01:00", public=False
    )
    assert (backdated.public, backdated.starred) == (False, True)
    assert backdated.occurred_offset == "+01:00"
    assert backdated.occurred_at == T0
    history = incident_file.history(entry.id)
    assert [(e.revision, e.public, e.starred) for e in history] == [
        (1, True, False),
        (2, True, True),
        (3, False, True),
    ]
    # the fast bulk read agrees with the single-entry read
    assert incident_file.entries() == [incident_file.entry(entry.id)]
    # a text-only edit keeps the entered offset
    assert incident_file.revise(entry.id, text="edited").occurred_offset == "+01:00"


def test_author_and_offset_on_new_entries(incident_file: IncidentFile) -> None:
    entry = incident_file.add_note(
        "from chat", author="Dana", occurred_at=T0, occurred_offset="-05:00", source="slack"
    )
    (read,) = incident_file.entries()
    assert read == entry
    assert (read.author, read.occurred_offset, read.source) == ("Dana", "-05:00", "slack")


def test_milestones_set_cleared_and_measured(incident_file: IncidentFile) -> None:
    assert incident_file.milestones().missing() == list(Milestone)
    incident_file.set_milestone(Milestone.IMPACT_STARTED, T0)
    incident_file.set_milestone(Milestone.DETECTED, T0 + timedelta(seconds=262))
    incident_file.set_milestone(Milestone.RESOLVED, T0 + timedelta(hours=1))
    milestones = incident_file.set_milestone(Milestone.RESOLVED, None)  # set by mistake
    assert milestones[Milestone.RESOLVED] is None
    assert milestones.metric(Metric.TIME_TO_DETECT) == timedelta(seconds=262)
    assert milestones.metric(Metric.TIME_TO_RESOLVE) is None
    assert "resolved" in (milestones.why_missing(Metric.TIME_TO_RESOLVE) or "")
    assert incident_file.milestone_history(Milestone.RESOLVED) == [T0 + timedelta(hours=1), None]


def test_milestone_key_records_an_entry_in_the_same_transaction(
    incident_file: IncidentFile,
) -> None:
    entry = incident_file.record_milestone(Milestone.MITIGATED, T0, text="error rate back to 0.4%")
    assert entry.kind is EntryKind.MITIGATION and entry.text == "error rate back to 0.4%"
    plain = incident_file.record_milestone(Milestone.DETECTED, T0 - timedelta(minutes=5))
    assert plain.kind is EntryKind.DETECTION and plain.text == "Detected"
    assert incident_file.milestone_entries() == {
        entry.id: Milestone.MITIGATED,
        plain.id: Milestone.DETECTED,
    }
    incident_file.set_milestone(Milestone.DETECTED, None)
    assert incident_file.milestone_entries() == {entry.id: Milestone.MITIGATED}


def test_milestone_key_keeps_the_entered_offset(
    incident_file: IncidentFile, incident_path: Path
) -> None:
    entry = incident_file.record_milestone(Milestone.DETECTED, T0, offset="+01:00", source="cli")
    assert (entry.occurred_at, entry.occurred_offset) == (T0, "+01:00")
    assert incident_file.milestones()[Milestone.DETECTED] == T0
    conn = sqlite3.connect(incident_path)
    try:
        stored = conn.execute("SELECT occurred_offset, entry_id FROM milestones").fetchall()
    finally:
        conn.close()
    assert stored == [("+01:00", entry.id)]
    assert incident_file.record_milestone(Milestone.RESOLVED, T0).occurred_offset is None


def test_details_keep_their_history(incident_file: IncidentFile, incident_path: Path) -> None:
    details = incident_file.details()
    assert details.status is Status.INVESTIGATING and details.severity is None
    changed = IncidentDetails(
        title="  Checkout   errors ",
        severity="SEV2",
        status=Status.IDENTIFIED,
        services=(Service("checkout-api", public=True), Service("orders-db")),
        roles={Role.INCIDENT_COMMANDER: "Sam", Role.RECORDER: "Alex"},
        detection_source=DetectionSource.AUTOMATED,
    )
    saved = incident_file.set_details(changed)
    assert saved.title == "Checkout errors"
    assert saved.public_services() == (Service("checkout-api", public=True),)
    incident_file.set_details(IncidentDetails(**{**_fields(saved), "severity": "SEV1"}))
    assert incident_file.details().severity == "SEV1"
    conn = sqlite3.connect(incident_path)
    rows = conn.execute("SELECT name, value FROM details WHERE name = 'severity'").fetchall()
    conn.close()
    assert rows == [("severity", '"SEV2"'), ("severity", '"SEV1"')]
    with pytest.raises(IncidentFileError, match="title"):
        incident_file.set_details(IncidentDetails(title="  "))


def _fields(details: IncidentDetails) -> dict[str, object]:
    return {name: getattr(details, name) for name in details.__slots__}


def test_report_texts_save_only_what_changed(incident_file: IncidentFile) -> None:
    assert incident_file.report_texts() == {}
    assert incident_file.save_report_texts({"summary": "A", "prevention": ""}) == ["summary"]
    assert incident_file.save_report_texts({"summary": "A", "prevention": "B"}) == ["prevention"]
    assert incident_file.report_texts() == {"summary": "A", "prevention": "B"}


def test_action_items_are_revised_never_overwritten(incident_file: IncidentFile) -> None:
    item = incident_file.save_action_item(
        ActionItem("Validate idle_timeout units on config push", owner="config team")
    )
    assert (item.id, item.revision, item.status) == (1, 1, ActionStatus.OPEN)
    done = incident_file.save_action_item(
        ActionItem(
            item.description,
            owner=item.owner,
            due=date(2026, 12, 15),
            status=ActionStatus.DONE,
            type=ActionType.MITIGATE,
            ticket="https://tracker.example/OPS-1",
            id=item.id,
            revision=item.revision,
        )
    )
    assert done.revision == 2 and done.due == date(2026, 12, 15)
    with pytest.raises(IncidentFileError, match="changed elsewhere"):
        incident_file.save_action_item(item)  # edited from revision 1: would drop revision 2
    incident_file.save_action_item(ActionItem("", id=1, revision=2, hidden=True))
    assert incident_file.action_items() == []
    assert [i.revision for i in incident_file.action_item_history(1)] == [1, 2, 3]
    with pytest.raises(ValueError, match="description"):
        incident_file.save_action_item(ActionItem("   "))


def test_curation_tables_are_append_only(incident_file: IncidentFile, incident_path: Path) -> None:
    incident_file.add_note("an entry, so the UPDATE has a row to refuse")
    incident_file.set_milestone(Milestone.DETECTED, T0)
    incident_file.save_report_texts({"summary": "x"})
    conn = sqlite3.connect(incident_path)
    try:
        for sql in (
            "UPDATE milestones SET occurred_at = NULL",
            "DELETE FROM report_texts",
            "UPDATE entries SET public = 1",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
    finally:
        conn.close()


def _v2_file(path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])
        patch.setattr(schema, "SCHEMA_VERSION", 2)
        with IncidentFile.create(path, "v2") as handle:
            entry = handle.add_note("original")
            handle.revise(entry.id, text="revised at version 2")


def test_a_version_2_file_read_only_reads_as_internal(incident_path: Path) -> None:
    _v2_file(incident_path)
    before = fingerprint(incident_path)
    with IncidentFile.open(incident_path, readonly=True) as handle:
        (entry,) = handle.entries()
        assert (entry.text, entry.public, entry.starred, entry.revision) == (
            "revised at version 2",
            False,
            False,
            2,
        )
        assert [e.text for e in handle.history(entry.id)] == ["original", "revised at version 2"]
        assert handle.milestones().reached() == [] and handle.action_items() == []
        with pytest.raises(IncidentFileError, match="read-only"):
            handle.set_milestone(Milestone.DETECTED, T0)
    assert fingerprint(incident_path) == before


def test_a_version_2_file_is_migrated_with_its_revisions(incident_path: Path) -> None:
    _v2_file(incident_path)
    with IncidentFile.open(incident_path) as handle:
        (entry,) = handle.entries()
        assert entry.text == "revised at version 2" and entry.revision == 2
        public = handle.revise(entry.id, public=True)
        assert public.public and public.text == "revised at version 2"
        assert [e.revision for e in handle.history(entry.id)] == [1, 2, 3]
        assert handle.version == schema.SCHEMA_VERSION


def test_record_reads_everything_in_one_snapshot(incident_file: IncidentFile) -> None:
    entry = incident_file.record_milestone(Milestone.IMPACT_STARTED, T0, text="errors climb")
    hidden = incident_file.add_note("typo")
    incident_file.revise(hidden.id, hidden=True)
    incident_file.save_report_texts({"summary": "Checkout failed for 12 minutes."})
    incident_file.save_action_item(ActionItem("Validate config units"))
    record = incident_file.record()
    assert record.title == "Checkout outage"
    assert [e.id for e in record.entries] == [entry.id, hidden.id]
    assert [e.id for e in record.visible_entries()] == [entry.id]
    assert record.milestones[Milestone.IMPACT_STARTED] == T0
    assert record.milestone_entries == {entry.id: Milestone.IMPACT_STARTED}
    assert record.report_texts == {"summary": "Checkout failed for 12 minutes."}
    assert [i.description for i in record.action_items] == ["Validate config units"]
    assert record.reviewed_captures == record.sensitive_captures == frozenset()
