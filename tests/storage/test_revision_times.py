"""IncidentFile.revision_times: when each revision of an entry was saved, beside history()."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from incident_recorder.storage import IncidentFileError


def test_revision_times_follow_the_history(incident_file, clock) -> None:
    entry = incident_file.add_note("first")
    clock.advance(90)
    incident_file.revise(entry.id, text="second")
    clock.advance(30)
    incident_file.revise(entry.id, starred=True)
    times = incident_file.revision_times(entry.id)
    assert len(times) == len(incident_file.history(entry.id)) == 3
    assert times == [
        datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC),
        datetime(2026, 11, 27, 14, 1, 30, tzinfo=UTC),
        datetime(2026, 11, 27, 14, 2, 0, tzinfo=UTC),
    ]
    with pytest.raises(IncidentFileError, match="no entry 99"):
        incident_file.revision_times(99)
