"""How incident.json and images/ here were made: a JSON export in format 1
("incident-recorder/1", an entry's `id` is its rowid), written by the app at main 9d6e8d6 with
`python tests/data/export-format-1/make_format_1.py X.incident` then `incident-recorder export
X.incident --format json --out tests/data/export-format-1`. Kept as written, never regenerated:
tests/importers/test_json_formats.py reads it as a file exported before format 2.

The rowids are not in time order (the first note recorded happened second), two entries share
a time, one is hidden, one marks the mitigated milestone, one has a capture."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "storage"))
from storage_support import new_capture  # noqa: E402

from incident_recorder.domain import EntryKind  # noqa: E402
from incident_recorder.domain.actions import ActionItem  # noqa: E402
from incident_recorder.domain.milestones import Milestone  # noqa: E402
from incident_recorder.storage import IncidentFile  # noqa: E402

BEGIN = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def make(path: Path) -> None:
    with IncidentFile.create(path, "Checkout outage") as h:
        h.add_note("Pager fired", EntryKind.DETECTION, BEGIN + timedelta(seconds=262))
        h.add_note("Error rate climbing", EntryKind.IMPACT, BEGIN)
        h.add_capture(new_capture(), BEGIN + timedelta(seconds=300), text="Grafana")
        h.add_note(
            "Same second, second rowid", EntryKind.OBSERVATION, BEGIN + timedelta(seconds=300)
        )
        wrong = h.add_note("typo'd note", EntryKind.ACTION, BEGIN + timedelta(seconds=400))
        h.revise(wrong.id, hidden=True)
        h.record_milestone(Milestone.MITIGATED, BEGIN + timedelta(seconds=745), text="Rolled back")
        h.add_note(
            "Status page: investigating", EntryKind.COMMUNICATION,
            BEGIN + timedelta(seconds=405), public=True, author="Alice",
        )  # fmt: skip
        h.save_action_item(ActionItem(description="Validate idle_timeout units", owner="Platform"))


if __name__ == "__main__":
    make(Path(sys.argv[1]))
