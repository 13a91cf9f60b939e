"""The public record keeps the global ids of what it publishes, and no other."""

from __future__ import annotations

from pathlib import Path

from incident_recorder.domain import EntryKind
from incident_recorder.report.public import public_record
from incident_recorder.storage import IncidentFile


def test_the_public_record_names_only_public_entries_by_global_id(tmp_path: Path) -> None:
    """An internal entry added changes nothing public: the status page compares public records
    to decide whether to write again, and a global id of an internal entry made them differ."""
    with IncidentFile.create(tmp_path / "t.incident", "Checkout outage") as handle:
        shown = handle.add_note("We are investigating", EntryKind.COMMUNICATION, public=True)
        before = public_record(handle.record())
        handle.add_note("internal detail", EntryKind.CAUSE)
        after = public_record(handle.record())
    assert after == before
    assert set(after.uids.entries) == {shown.id}
