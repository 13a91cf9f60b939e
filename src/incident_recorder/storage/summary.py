"""What the start window shows of a recent incident file, read cheaply and read-only.

``read_summary`` opens the file read-only, reads the details (title, severity, status) and
whether the incident is resolved, and closes it; it never raises: a missing or unreadable file
gives a summary whose ``problem`` says why, in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from incident_recorder.domain.details import Status
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.record import current_status
from incident_recorder.storage.errors import IncidentFileError


@dataclass(frozen=True, slots=True)
class IncidentSummary:
    """One recent incident as the start window lists it."""

    path: Path
    title: str = ""
    severity: str | None = None
    status: Status | None = None
    resolved: bool = False
    started_at: datetime | None = None
    """When impact started (the milestone), else when the file was created."""
    problem: str | None = None
    """Why the file could not be read (None: it was read)."""

    @property
    def state(self) -> str:
        """'Resolved', 'Monitoring', … as the header shows it ('' when the file was not read)."""
        if self.problem is not None:
            return ""
        return (self.status or Status.INVESTIGATING).label


def read_summary(path: Path | str) -> IncidentSummary:
    """The summary of the incident file at ``path`` (never raises)."""
    from incident_recorder.storage.incident_file import IncidentFile

    path = Path(path)
    if not path.exists():
        return IncidentSummary(path, problem="the file is missing (moved or deleted?)")
    try:
        with IncidentFile.open(path, readonly=True) as handle:
            incident = handle.incident()
            details = handle.details()
            milestones = handle.milestones()
            status = current_status(details, milestones)
    except IncidentFileError as error:
        return IncidentSummary(path, problem=str(error))
    except OSError as error:
        return IncidentSummary(path, problem=f"the file cannot be read: {error.strerror or error}")
    return IncidentSummary(
        path,
        title=details.title,
        severity=details.severity,
        status=status,
        resolved=status is Status.RESOLVED,
        started_at=milestones[Milestone.IMPACT_STARTED] or incident.created_at,
    )
