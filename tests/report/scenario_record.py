"""The checkout-outage scenario (tests/data/checkout-outage.csv) as an IncidentRecord, in memory."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incident_recorder.domain import Entry, EntryKind, Incident
from incident_recorder.domain.details import IncidentDetails
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.record import IncidentRecord

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "checkout-outage.csv"
START = datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC)
STARRED = {"decision", "mitigation"}


def scenario_record(start: datetime = START) -> IncidentRecord:
    """Thirteen entries and five milestones; the decision and the mitigation are starred."""
    entries: list[Entry] = []
    milestones: dict[Milestone, datetime | None] = {}
    marks: dict[int, Milestone] = {}
    with SCENARIO.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            when = start + timedelta(seconds=int(row["offset_s"]))
            kind = EntryKind(row["kind"])
            entries.append(
                Entry(
                    id=number,
                    kind=kind,
                    text=row["text"],
                    occurred_at=when,
                    recorded_at=when,
                    public=row["visibility"] == "public",
                    starred=row["kind"] in STARRED,
                )
            )
            if row["milestone"]:
                milestone = Milestone(row["milestone"])
                milestones[milestone] = when
                marks[number] = milestone
    incident = Incident("3f1c2b9e-0000-4000-8000-checkout0001", "Checkout outage", start, "0.4")
    return IncidentRecord(
        incident=incident,
        details=IncidentDetails("Checkout outage"),
        milestones=Milestones(milestones),
        entries=tuple(entries),
        milestone_entries=marks,
    )
