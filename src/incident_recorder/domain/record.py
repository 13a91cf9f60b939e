"""Everything a report is made from, read from an incident file in one consistent snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from incident_recorder.domain.actions import ActionItem
from incident_recorder.domain.details import IncidentDetails, Status
from incident_recorder.domain.entry import Entry, Incident
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.readings import Reading

PUBLIC_TEXTS: tuple[tuple[str, str], ...] = (
    ("public_summary", "Public summary"),
    ("public_prevention", "Public: what we are doing about it"),
)
"""The report texts written for customers (key, label): the public report's own words."""


@dataclass(frozen=True, slots=True)
class GlobalIds:
    """The global id (`uid`) of each entry, capture and action item: the same in every replica
    of a shared incident, where rowids differ (storage/origins.py). Empty for a file from
    before the team step opened read-only, which has none."""

    entries: Mapping[int, str] = field(default_factory=dict)
    """entry id → uid."""
    captures: Mapping[int, str] = field(default_factory=dict)
    """capture id → uid."""
    action_items: Mapping[int, str] = field(default_factory=dict)
    """action item number → the uid of its first save."""


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """An incident as the report layer sees it.

    `entries` holds every entry, hidden ones included, in *occurred at* order (JSON keeps
    hidden entries; reports leave them out). `reviewed_captures` are the captures whose
    annotations were saved at least once (looked at for redaction); `sensitive_captures` those
    whose current annotations hold a redaction.
    """

    incident: Incident
    details: IncidentDetails
    milestones: Milestones = field(default_factory=Milestones)
    entries: tuple[Entry, ...] = ()
    milestone_entries: Mapping[int, Milestone] = field(default_factory=dict)
    report_texts: Mapping[str, str] = field(default_factory=dict)
    action_items: tuple[ActionItem, ...] = ()
    reviewed_captures: frozenset[int] = frozenset()
    sensitive_captures: frozenset[int] = frozenset()
    public: bool = False
    """True for a record cut down to what may be published (report.public.public_record)."""
    corrected_at: Mapping[int, datetime] = field(default_factory=dict)
    """entry id → when a revision last changed its text, kind or time (not listed: never)."""
    readings: Mapping[int, Reading] = field(default_factory=dict)
    """Entry id → its capture's recognised text (masked) and its findings, for an export."""
    uids: GlobalIds = field(default_factory=GlobalIds)
    """The global ids of its entries, captures and action items (what a JSON export names)."""

    def visible_entries(self) -> list[Entry]:
        """The entries a report shows: every entry not hidden."""
        return [entry for entry in self.entries if not entry.hidden]

    @property
    def title(self) -> str:
        return self.details.title

    @property
    def status(self) -> Status:
        """Where things stand (see `current_status`)."""
        return current_status(self.details, self.milestones)


def current_status(details: IncidentDetails, milestones: Milestones) -> Status:
    """Resolved once the resolved milestone is set, else the status the team chose (the
    status is never guessed from the entries)."""
    if milestones[Milestone.RESOLVED] is not None:
        return Status.RESOLVED
    return details.status
