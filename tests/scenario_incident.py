"""The checkout-outage scenario (tests/data/checkout-outage.csv) recorded into a real incident file.

Each row becomes an entry at 14:00:00 UTC + offset_s, with its kind and visibility; a row naming a
milestone is recorded the way the milestone key records it (entry and milestone together).
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incident_recorder.domain import EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile

SCENARIO = Path(__file__).resolve().parent / "data" / "checkout-outage.csv"
START = datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC)


def scenario_rows() -> list[dict[str, str]]:
    with SCENARIO.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def record_scenario(path: Path, *, extra: tuple[tuple[int, str], ...] = ()) -> Path:
    """Create `path` holding the scenario, plus `extra` (offset_s, text) observations."""
    clock_now = [START + timedelta(hours=1)]
    with IncidentFile.create(path, "Checkout outage", clock=lambda: clock_now[0]) as handle:
        for row in scenario_rows():
            when = START + timedelta(seconds=int(row["offset_s"]))
            kind = EntryKind(row["kind"])
            public = row["visibility"] == "public"
            if row["milestone"]:
                handle.record_milestone(
                    Milestone(row["milestone"]), when, text=row["text"], kind=kind, public=public
                )
            else:
                handle.add_note(row["text"], kind, when, public=public)
        for offset, text in extra:
            handle.add_note(text, EntryKind.ACTION, START + timedelta(seconds=offset))
    return path
