"""IncidentFile.import_entries: a batch with milestones and captures, all or nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from storage_support import new_capture

from incident_recorder.domain import EntryKind
from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile


def item(text: str, seconds: int, clock, **extra) -> ImportedEntry:
    return ImportedEntry(
        EntryKind.OBSERVATION, text, clock.now + timedelta(seconds=seconds), "import:test", **extra
    )


def test_batch_with_milestones_captures_and_flags(incident_file: IncidentFile, clock) -> None:
    existing = incident_file.add_capture(new_capture(), text="grabbed live")
    redaction = Shape(ShapeKind.REDACTION, 0, 0, 5, 5)
    stored = incident_file.import_entries(
        [
            item("impact", -60, clock, milestone=Milestone.IMPACT_STARTED, author="Ann"),
            item("", 1, clock, capture=new_capture(), shapes=(redaction,)),
            item("gone", 2, clock, hidden=True, public=True, starred=True),
        ],
        milestones={Milestone.RESOLVED: clock.now + timedelta(hours=1)},
    )
    first, capture, hidden = stored
    assert (first.author, first.source, first.recorded_at) == ("Ann", "import:test", clock.now)
    assert capture.capture is not None and existing.capture is not None
    assert capture.capture.id == existing.capture.id  # same SHA-256: stored once
    assert incident_file.annotations(capture.capture.id) == [redaction]
    assert (hidden.hidden, hidden.public, hidden.starred, hidden.revision) == (True, True, True, 2)
    assert incident_file.milestone_entries() == {first.id: Milestone.IMPACT_STARTED}
    assert incident_file.milestones()[Milestone.RESOLVED] == clock.now + timedelta(hours=1)


def test_a_bad_entry_rolls_the_whole_batch_back(
    incident_file: IncidentFile, incident_path: Path, clock
) -> None:
    with pytest.raises(ValueError, match="entry 3: the note is empty"):
        incident_file.import_entries(
            [
                item("one", 0, clock, milestone=Milestone.DETECTED),
                item("two", 1, clock, capture=new_capture()),
                item("   ", 2, clock),
            ]
        )
    incident_file.close()
    with IncidentFile.open(incident_path, readonly=True) as reread:
        assert reread.entry_count() == 0
        assert reread.milestones().reached() == []
        assert reread._read("SELECT count(*) FROM captures") == [(0,)]


def test_a_big_batch_comes_back_in_the_order_given(incident_file: IncidentFile, clock) -> None:
    incident_file.add_note("before the import")
    items = [item(f"note {n}", -n, clock) for n in range(1500)]  # newest first
    stored = incident_file.import_entries(items)
    assert [entry.text for entry in stored] == [f"note {n}" for n in range(1500)]
    assert incident_file.entry_count() == 1501
