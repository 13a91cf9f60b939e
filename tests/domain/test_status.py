"""Where an incident stands: the team's status, Monitoring once mitigated, Resolved at the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incident_recorder.domain.details import IncidentDetails, Status
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.record import current_status

START = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def milestones(*reached: Milestone) -> Milestones:
    return Milestones({m: START + timedelta(minutes=n) for n, m in enumerate(reached)})


@pytest.mark.parametrize(
    ("chosen", "reached", "shown"),
    [
        (Status.INVESTIGATING, (), Status.INVESTIGATING),
        (Status.INVESTIGATING, (Milestone.IMPACT_STARTED,), Status.INVESTIGATING),
        (Status.INVESTIGATING, (Milestone.MITIGATED,), Status.MONITORING),
        (Status.IDENTIFIED, (Milestone.MITIGATED,), Status.IDENTIFIED),
        (Status.MONITORING, (), Status.MONITORING),
        (Status.INVESTIGATING, (Milestone.MITIGATED, Milestone.RESOLVED), Status.RESOLVED),
        (Status.IDENTIFIED, (Milestone.RESOLVED,), Status.RESOLVED),
        (Status.RESOLVED, (), Status.RESOLVED),
    ],
)
def test_current_status(chosen: Status, reached: tuple[Milestone, ...], shown: Status) -> None:
    details = IncidentDetails("Checkout outage", status=chosen)
    assert current_status(details, milestones(*reached)) is shown
