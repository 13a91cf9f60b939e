"""Test helper: record tests/data/checkout-outage.csv into a real incident file.

Not the product's importer: a plain loop over the CSV, the way a recorder would have pressed
the keys. A row with a milestone goes through record_milestone (entry and milestone in one
transaction, at the row's time); visibility "public" marks the entry public. The details a
team would fill in afterwards (severity, services, roles, detection source) are set too.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.details import (
    DetectionSource,
    IncidentDetails,
    Role,
    Service,
    Status,
)
from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "checkout-outage.csv"
START = datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC)
INTERNAL_SERVICE = "pgbouncer-eu-internal"
ROLES = {
    Role.INCIDENT_COMMANDER: "Dana Whitfield",
    Role.RECORDER: "Sam Okafor",
    Role.COMMUNICATIONS_LEAD: "Priya Raman",
}


def rows() -> list[dict[str, str]]:
    with SCENARIO.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def record_scenario(handle: IncidentFile, *, author: str | None = None) -> list[Entry]:
    """Every row of the scenario as an entry of `handle`; the entries, in row order."""
    entries = []
    for row in rows():
        when = START + timedelta(seconds=int(row["offset_s"]))
        kind = EntryKind(row["kind"])
        public = row["visibility"] == "public"
        if row["milestone"]:
            entry = handle.record_milestone(
                Milestone(row["milestone"]), when, text=row["text"], kind=kind, public=public
            )
        else:
            entry = handle.add_note(row["text"], kind, when, public=public, author=author)
        entries.append(entry)
    handle.set_details(
        IncidentDetails(
            title="Checkout outage",
            severity="SEV2",
            status=Status.RESOLVED,
            services=(Service("checkout-api", public=True), Service(INTERNAL_SERVICE)),
            roles=ROLES,
            detection_source=DetectionSource.AUTOMATED,
        )
    )
    return entries
