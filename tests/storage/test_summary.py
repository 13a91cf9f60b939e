"""The start window's line for a recent incident: read-only, never raising."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from incident_recorder.domain.details import Status
from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile
from incident_recorder.storage.summary import read_summary


def test_started_is_when_impact_started_else_when_the_file_was_made(clock, tmp_path) -> None:
    path = tmp_path / "checkout.incident"
    with IncidentFile.create(path, "Checkout outage", clock=clock) as handle:
        created = handle.incident().created_at
    assert read_summary(path).started_at == created

    impact = created - timedelta(hours=20)  # recorded the next day, from notes and dashboards
    with IncidentFile.open(path, clock=clock) as handle:
        handle.set_milestone(Milestone.IMPACT_STARTED, impact)
    summary = read_summary(path)
    assert summary.started_at == impact
    assert summary.status is Status.INVESTIGATING and summary.problem is None


def test_a_missing_file_is_a_problem_not_an_error(tmp_path: Path) -> None:
    summary = read_summary(tmp_path / "gone.incident")
    assert summary.problem is not None and summary.started_at is None
