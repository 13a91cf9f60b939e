"""Fixtures for the report tests: a real incident file with notes of every kind and captures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from report_helpers import START, Recorded, make_capture, scenario_rows

from incident_recorder.domain import EntryKind
from incident_recorder.storage import IncidentFile


@pytest.fixture
def recorded(incident_file: IncidentFile, clock: Any) -> Recorded:
    """The scenario recorded into a real file, plus two captures and one hidden note."""
    handle = incident_file
    for offset, kind, text in scenario_rows():
        clock.advance(1)
        handle.add_note(text, kind, START + timedelta(seconds=offset))
    capture_texts = ["Grafana: p99 latency 9.8 s", ""]
    handle.add_capture(
        make_capture(1920 // 20, 1080 // 20, "blue"),
        START + timedelta(seconds=342, milliseconds=123),
        text=capture_texts[0],
    )
    handle.add_capture(make_capture(40, 30, "green"), START + timedelta(seconds=750))
    hidden = handle.add_note(
        "Typo entry, deleted", EntryKind.OBSERVATION, START + timedelta(seconds=500)
    )
    handle.revise(hidden.id, hidden=True)
    return Recorded(handle, "Typo entry, deleted", capture_texts)


@pytest.fixture
def scenario_file(incident_file: IncidentFile, clock: Any) -> IncidentFile:
    """tests/data/checkout-outage.csv recorded into a real file, with milestones and details."""
    from scenario import record_scenario

    record_scenario(incident_file, author="Sam Okafor")
    return incident_file
