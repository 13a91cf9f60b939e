"""Events in the file (schema version 4): entries with delivery keys, duplicates skipped, the
webhook token kept per incident."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from storage_support import fingerprint

from incident_recorder.domain import EntryKind
from incident_recorder.domain.details import IncidentDetails
from incident_recorder.domain.events import NewEvent, Recurrence
from incident_recorder.storage import IncidentFile, IncidentFileError, schema
from incident_recorder.storage.events import check_token

T0 = datetime(2026, 11, 27, 13, 55, 1, 250000, tzinfo=UTC)


def test_events_become_entries_with_their_fields(incident_file: IncidentFile, clock) -> None:
    outcomes = incident_file.record_events(
        [
            NewEvent("HighErrorRate firing", EntryKind.DETECTION, T0, "alertmanager", key="a:1"),
            NewEvent("Status page updated", EntryKind.COMMUNICATION, None, "webhook", True),
        ]
    )
    assert [(o.duplicate, o.key) for o in outcomes] == [(False, "a:1"), (False, None)]
    first, second = (incident_file.entry(o.entry_id) for o in outcomes)
    assert (first.kind, first.text, first.occurred_at, first.source, first.public) == (
        EntryKind.DETECTION,
        "HighErrorRate firing",
        T0,
        "alertmanager",
        False,
    )
    assert second.public and second.occurred_at == clock.now == second.recorded_at
    assert incident_file.event_key_count() == 1


def test_a_repeated_key_is_recorded_once(incident_file: IncidentFile) -> None:
    event = NewEvent("HighErrorRate firing", EntryKind.DETECTION, T0, key="a:1")
    (first,) = incident_file.record_events([event])
    again = incident_file.record_events([event, NewEvent("other", key="a:2"), event])
    assert [(o.entry_id, o.duplicate) for o in again] == [
        (first.entry_id, True),
        (again[1].entry_id, False),
        (first.entry_id, True),
    ]
    assert incident_file.entry_count() == 2 and incident_file.event_key_count() == 2


def _firing() -> NewEvent:
    return NewEvent(
        "Disk full", EntryKind.DETECTION, T0, key="a:fp:firing:T0",
        recurrence=Recurrence("a:fp:resolved:T0:", "Disk full again"),
    )  # fmt: skip


def _resolved(end: str) -> NewEvent:
    return NewEvent("Disk fine", occurred_at=T0, key=f"a:fp:resolved:T0:{end}")


def test_a_recurring_event_is_recorded_again_after_each_end_and_once(
    incident_file: IncidentFile, clock
) -> None:
    """firing → resolved → firing (the same key) → resolved → firing: five state changes; any of
    them delivered again, in any order, records nothing."""
    deliveries = [[_firing()], [_resolved("E1")], [_firing()], [_resolved("E2")], [_firing()]]
    outcomes = [incident_file.record_events(events)[0] for events in deliveries]
    assert not any(o.duplicate for o in outcomes)
    assert [o.key for o in outcomes] == [
        "a:fp:firing:T0", "a:fp:resolved:T0:E1", "a:fp:firing:T0:after:E1",
        "a:fp:resolved:T0:E2", "a:fp:firing:T0:after:E2",
    ]  # fmt: skip
    again = incident_file.entry(outcomes[2].entry_id)
    assert again.text == "Disk full again" and again.occurred_at == clock.now  # not T0
    assert incident_file.entry(outcomes[0].entry_id).occurred_at == T0
    for events in deliveries:
        assert incident_file.record_events(events)[0].duplicate
    assert incident_file.entry_count() == 5
    # in one transaction too: an end earlier in the batch counts
    both = incident_file.record_events([_resolved("E3"), _firing(), _firing()])
    assert [o.duplicate for o in both] == [False, False, True]
    assert both[1].key == "a:fp:firing:T0:after:E3"
    # another episode's end (another prefix) does not make this one recur
    other = NewEvent("x", key="a:fp:resolved:T1:E9")
    assert not incident_file.record_events([other])[0].duplicate
    assert incident_file.record_events([_firing()])[0].duplicate


def test_a_bad_text_saves_nothing_of_the_batch(incident_file: IncidentFile) -> None:
    with pytest.raises(ValueError, match="empty"):
        incident_file.record_events([NewEvent("fine", key="k"), NewEvent("  \n ")])
    assert incident_file.entry_count() == 0 and incident_file.event_key_count() == 0
    with pytest.raises(ValueError, match="key"):
        incident_file.record_events([NewEvent("fine", key="")])


def test_event_keys_are_append_only(incident_file: IncidentFile, incident_path: Path) -> None:
    incident_file.record_events([NewEvent("x", key="k")])
    conn = sqlite3.connect(incident_path)
    try:
        for sql in ("UPDATE event_keys SET key = 'other'", "DELETE FROM event_keys"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute("INSERT INTO event_keys VALUES ('k', 1, '2026-11-27T14:00:00.000Z')")
    finally:
        conn.close()


def test_the_token_is_made_once_and_kept(incident_path: Path, clock) -> None:
    with IncidentFile.create(incident_path, "Checkout outage", clock=clock) as handle:
        assert handle.webhook_token() is None
        token = handle.webhook_token(create=True)
        assert token is not None and len(token) >= 40 and check_token(token) == token
        assert handle.webhook_token(create=True) == token
        handle.set_details(IncidentDetails("Checkout outage", severity="SEV1"))
    with IncidentFile.open(incident_path) as handle:
        assert handle.webhook_token() == token
        assert handle.details().severity == "SEV1"  # the token is no detail of the report
        assert handle.set_webhook_token("chosen-token-0123456789") == "chosen-token-0123456789"
        assert handle.webhook_token(create=True) == "chosen-token-0123456789"
    conn = sqlite3.connect(incident_path)
    try:
        rows = conn.execute("SELECT value FROM details WHERE name = 'webhook_token'").fetchall()
    finally:
        conn.close()
    assert [value for (value,) in rows] == [f'"{token}"', '"chosen-token-0123456789"']


@pytest.mark.parametrize("bad", ["short", "has space in it 0123", "ümlaut-0123456789abc", ""])
def test_unusable_tokens_are_refused(incident_file: IncidentFile, bad: str) -> None:
    with pytest.raises(ValueError, match="at least 16 characters"):
        incident_file.set_webhook_token(bad)
    assert incident_file.webhook_token() is None


def test_a_version_3_file_is_migrated_and_read_only_refuses(incident_path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:3])
        patch.setattr(schema, "SCHEMA_VERSION", 3)
        with IncidentFile.create(incident_path, "v3") as handle:
            handle.add_note("written at version 3")
    before = fingerprint(incident_path)
    with IncidentFile.open(incident_path, readonly=True) as handle:
        assert handle.event_key_count() == 0 and handle.webhook_token() is None
        with pytest.raises(IncidentFileError, match="read-only"):
            handle.record_events([NewEvent("x")])
        with pytest.raises(IncidentFileError, match="read-only"):
            handle.webhook_token(create=True)
    assert fingerprint(incident_path) == before
    with IncidentFile.open(incident_path) as handle:
        assert handle.version == schema.SCHEMA_VERSION
        (outcome,) = handle.record_events([NewEvent("after the migration", key="k")])
        assert [e.text for e in handle.entries()] == ["written at version 3", "after the migration"]
        assert handle.event_key_count() == 1 and not outcome.duplicate
