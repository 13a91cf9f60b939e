"""The session: durable first, then the rules, then announced — one place for every writer."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from incident_recorder.domain.details import Status
from incident_recorder.domain.milestones import Milestone
from incident_recorder.session import (
    DetailsChanged,
    EntriesAdded,
    EntryRevised,
    IncidentSession,
    MilestoneRecorded,
)


def _texts_on_disk(path: Path) -> list[str]:
    conn = sqlite3.connect(path)  # another connection: what is durable, not what is cached
    try:
        return [text for (text,) in conn.execute("SELECT text FROM entries ORDER BY id")]
    finally:
        conn.close()


def test_a_listener_hears_of_an_entry_only_once_it_is_on_disk(incident_file) -> None:
    session = IncidentSession(incident_file)
    seen: list[list[str]] = []
    session.listen(lambda change: seen.append(_texts_on_disk(incident_file.path)))
    session.add_note("5xx above 5%")
    assert seen == [["5xx above 5%"]]


def test_each_change_is_announced_as_what_it_is(incident_file, clock) -> None:
    session = IncidentSession(incident_file)
    changes: list[object] = []
    session.listen(changes.append)
    note = session.add_note("checkout errors")
    revised = session.revise(note.id, text="checkout errors (EU only)")
    result = session.record_milestone(Milestone.DETECTED, clock.now)
    assert changes[0] == EntriesAdded((note,))
    assert changes[1] == EntryRevised(revised)
    assert changes[2] == EntriesAdded((result.entry,))
    assert changes[3] == MilestoneRecorded(Milestone.DETECTED, clock.now, None)
    assert len(changes) == 4


def test_a_failing_listener_never_unsays_a_saved_entry(incident_file, caplog) -> None:
    session = IncidentSession(incident_file)

    def broken(change: object) -> None:
        raise RuntimeError("a bug in a view")

    later: list[object] = []
    session.listen(broken)
    session.listen(later.append)
    entry = session.add_note("saved whatever a view does")
    assert _texts_on_disk(incident_file.path) == ["saved whatever a view does"]
    assert later == [EntriesAdded((entry,))]  # the next listener still hears of it
    assert "a listener failed on EntriesAdded" in caplog.text


@pytest.mark.parametrize(
    ("status", "after"),
    [
        (Status.INVESTIGATING, Status.MONITORING),
        (Status.IDENTIFIED, Status.MONITORING),
        (Status.MONITORING, Status.MONITORING),
        (Status.RESOLVED, Status.RESOLVED),
    ],
)
def test_the_first_mitigated_moves_the_status_to_monitoring(
    incident_file, clock, status: Status, after: Status
) -> None:
    from dataclasses import replace

    session = IncidentSession(incident_file)
    session.set_details(replace(incident_file.details(), status=status))
    changes: list[object] = []
    session.listen(changes.append)
    result = session.record_milestone(Milestone.MITIGATED, clock.now)
    assert incident_file.details().status is after
    assert (result.status is Status.MONITORING) == (status is not after)
    assert any(isinstance(c, DetailsChanged) for c in changes) == (status is not after)
    # A second Mitigated (a correction) leaves a status the team chose again alone.
    session.set_details(replace(incident_file.details(), status=Status.IDENTIFIED))
    again = session.record_milestone(Milestone.MITIGATED, clock.now + timedelta(minutes=2))
    assert again.status is None and incident_file.details().status is Status.IDENTIFIED


def test_webhook_events_are_announced_like_any_entry_and_a_redelivery_is_not(
    incident_file,
) -> None:
    from incident_recorder.domain import EntryKind
    from incident_recorder.domain.events import NewEvent

    session = IncidentSession(incident_file)
    changes: list[object] = []
    session.listen(changes.append)
    event = NewEvent("Deploy started", EntryKind.ACTION, key="d-1")
    (first,) = session.record_events([event])
    (again,) = session.record_events([event])
    assert not first.duplicate and again.duplicate
    assert len(changes) == 1 and isinstance(changes[0], EntriesAdded)
    assert [e.text for e in changes[0].entries] == ["Deploy started"]


def test_a_pagers_acknowledgement_sets_the_milestone_and_announces_it(incident_file) -> None:
    from incident_recorder.domain import EntryKind
    from incident_recorder.domain.events import NewEvent

    session = IncidentSession(incident_file)
    changes: list[object] = []
    session.listen(changes.append)
    ack = NewEvent("Paged and acknowledged", EntryKind.OBSERVATION, key="pagerduty:1",
                   milestone=Milestone.ACKNOWLEDGED)  # fmt: skip
    (outcome,) = session.record_events([ack])
    when = incident_file.milestones()[Milestone.ACKNOWLEDGED]
    assert when == incident_file.entry(outcome.entry_id).occurred_at
    assert [type(change) for change in changes] == [EntriesAdded, MilestoneRecorded]
    assert changes[1] == MilestoneRecorded(Milestone.ACKNOWLEDGED, when, None)
    again = NewEvent("Acknowledged again", EntryKind.OBSERVATION, key="pagerduty:2",
                     milestone=Milestone.ACKNOWLEDGED)  # fmt: skip
    session.record_events([again])  # the first time is kept: nothing to announce but the entry
    assert [type(change) for change in changes[2:]] == [EntriesAdded]
    assert incident_file.milestones()[Milestone.ACKNOWLEDGED] == when
