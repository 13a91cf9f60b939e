"""What a session announces after each durable change: plain values, one class per kind.

Listeners get them in the order the changes were made, after they are on disk; a listener never
has to re-read the file to learn what the change was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incident_recorder.domain import Entry
from incident_recorder.domain.actions import ActionItem
from incident_recorder.domain.annotation import Shape
from incident_recorder.domain.details import IncidentDetails
from incident_recorder.domain.milestones import Milestone


@dataclass(frozen=True, slots=True)
class EntriesAdded:
    """New entries are durable (a note, a capture, a milestone's entry, an import)."""

    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class EntryRevised:
    """A new revision of an entry is durable; `entry` reads as it now does."""

    entry: Entry


@dataclass(frozen=True, slots=True)
class MilestoneRecorded:
    """A milestone was set (or cleared: `at` is None); `before` is the time it had."""

    milestone: Milestone
    at: datetime | None
    before: datetime | None


@dataclass(frozen=True, slots=True)
class DetailsChanged:
    """The incident's details (title, severity, status, …) now read `details`."""

    details: IncidentDetails


@dataclass(frozen=True, slots=True)
class ReportTextsChanged:
    """Report sections were saved elsewhere (a teammate): `texts` is key → the text now saved,
    for the sections that changed."""

    texts: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ActionItemsChanged:
    """Action items were saved elsewhere (a teammate): `items` are the action items as they now
    read (hidden ones left out), `changed` the numbers of those saved."""

    items: tuple[ActionItem, ...]
    changed: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AnnotationsChanged:
    """A capture's annotations were saved elsewhere (a teammate): `shapes` as they now read,
    at annotations revision `revision`."""

    capture_id: int
    shapes: tuple[Shape, ...]
    revision: int


Change = (
    EntriesAdded
    | EntryRevised
    | MilestoneRecorded
    | DetailsChanged
    | ReportTextsChanged
    | ActionItemsChanged
    | AnnotationsChanged
)
