"""IncidentSession: durable first, then the rules, then announced — for every way a record grows.

Every method writes through the incident file (each write is on disk when it returns), applies
the rules of the record, and only then tells the listeners (`listen`). A listener's failure is
logged and never turns a saved entry into an error for the caller: what was reported saved is
saved. One session belongs to the thread of its file's connection; entries another connection of
the same process made durable (the capture worker's, an image import's) are announced through
`added_elsewhere`, so the timeline learns of every entry the same way.

The rules that live here, and nowhere else:
- The first Mitigated milestone moves the status from Investigating or Identified to Monitoring,
  as a recorded change of the details the team can undo; the status is never inferred on reading.
- A teammate's rows (`receive`, from the team sync) are announced like local ones, but no rule
  runs on them: their recorder applied the rules already, and its resulting changes arrive too
  (applying them again would record a second, diverging change in every replica).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incident_recorder.domain import Entry, EntryKind, NewCapture
from incident_recorder.domain.details import IncidentDetails, Status
from incident_recorder.domain.events import NewEvent
from incident_recorder.domain.milestones import Milestone
from incident_recorder.session.changes import (
    ActionItemsChanged,
    AnnotationsChanged,
    Change,
    DetailsChanged,
    EntriesAdded,
    EntryRevised,
    MilestoneRecorded,
    ReportTextsChanged,
)
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.storage.events import EventOutcome
from incident_recorder.storage.replica import Applied, SharedRow

logger = logging.getLogger(__name__)

Listener = Callable[[Change], None]

MONITORED_FROM = (Status.INVESTIGATING, Status.IDENTIFIED)
"""The statuses the first Mitigated moves to Monitoring (a status the team chose later stays)."""


@dataclass(frozen=True, slots=True)
class MilestoneResult:
    """What recording a milestone did: its entry, the time it had before, and the status the
    Monitoring rule set (or why it could not)."""

    entry: Entry
    before: datetime | None
    status: Status | None = None
    status_problem: str | None = None


class IncidentSession:
    """The one way a record grows (see the module docstring)."""

    def __init__(self, file: IncidentFile, *, author: str | None = None) -> None:
        """`author`: who records through this session (Settings, `--author`); every row it adds
        names them, and a note carries the name."""
        self._file = file
        self._listeners: list[Listener] = []
        self._author = " ".join(author.split()) if author else None
        if self._author:
            file.set_author(self._author)

    @property
    def author(self) -> str | None:
        return self._author

    def set_author(self, name: str | None) -> None:
        """Who records from now on (the window's Settings changed)."""
        self._author = " ".join(name.split()) if name else None
        if self._author:
            self._file.set_author(self._author)

    @property
    def file(self) -> IncidentFile:
        return self._file

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(change)` after every durable change; returns the way to stop."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _announce(self, change: Change) -> None:
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception:  # the change is saved: a listener's bug must not unsay it
                logger.exception("a listener failed on %s", type(change).__name__)

    # -- entries -----------------------------------------------------------------------------

    def add_note(
        self,
        text: str,
        kind: EntryKind = EntryKind.OBSERVATION,
        occurred_at: datetime | None = None,
        *,
        source: str = "gui",
        public: bool = False,
        author: str | None = None,
        occurred_offset: str | None = None,
    ) -> Entry:
        """Save a note (ValueError for unusable text, IncidentFileError if not saved)."""
        entry = self._file.add_note(
            text,
            kind,
            occurred_at,
            source=source,
            public=public,
            author=author or self._author,
            occurred_offset=occurred_offset,
        )
        self._announce(EntriesAdded((entry,)))
        return entry

    def add_capture(
        self,
        capture: NewCapture,
        occurred_at: datetime | None = None,
        *,
        text: str = "",
        kind: EntryKind = EntryKind.OBSERVATION,
        source: str = "gui",
    ) -> Entry:
        entry = self._file.add_capture(
            capture, occurred_at, text=text, kind=kind, source=source, author=self._author
        )
        self._announce(EntriesAdded((entry,)))
        return entry

    def imported(
        self, entries: Sequence[Entry], milestones_before: Mapping[Milestone, datetime | None]
    ) -> Status | None:
        """An import wrote `entries` (and maybe milestones) in one transaction of its own:
        announce them and apply the rules, as for entries recorded one by one. The status the
        Monitoring rule set, if it did."""
        self.added_elsewhere(entries)
        now = self._file.milestones()
        for milestone in Milestone:
            if now[milestone] != milestones_before.get(milestone):
                self._announce(
                    MilestoneRecorded(milestone, now[milestone], milestones_before.get(milestone))
                )
        if now[Milestone.MITIGATED] is None:
            return None
        status, _problem = self._monitor_after_mitigation(
            Milestone.MITIGATED, milestones_before.get(Milestone.MITIGATED)
        )
        return status

    def record_events(self, events: Sequence[NewEvent]) -> list[EventOutcome]:
        """Record webhook events (one transaction; a delivery seen before is skipped), then
        announce the entries they became (and the milestones they set: a pager's
        acknowledgement or resolution)."""
        marks = any(event.milestone is not None for event in events)
        before = self._file.milestones() if marks and self._listeners else None
        outcomes = self._file.record_events(events)
        if self._listeners:  # reading the new entries back only for someone who listens
            new = [self._file.entry(o.entry_id) for o in outcomes if not o.duplicate]
            self.added_elsewhere(new)
        if before is not None:
            now = self._file.milestones()
            for milestone in Milestone:
                if now[milestone] != before[milestone]:
                    self._announce(MilestoneRecorded(milestone, now[milestone], before[milestone]))
        return outcomes

    def added_elsewhere(self, entries: Sequence[Entry]) -> None:
        """Announce entries another connection of this process made durable."""
        if entries:
            self._announce(EntriesAdded(tuple(entries)))

    def announce_elsewhere(self, change: Change) -> None:
        """Announce a change another session of this process made durable (the team sync's
        worker tells the window's session what it pulled)."""
        self._announce(change)

    def receive(self, rows: Sequence[SharedRow], state: dict[str, str]) -> Applied:
        """Store teammates' rows (the team sync's pull; one transaction with the pull `state`),
        then announce them like local ones, each kind by its change (entries, revisions,
        milestones, details, report texts, action items, annotations). No rule runs (see the
        module docstring)."""
        before = self._file.milestones()
        applied = self._file.apply_shared(rows, state)
        if applied.nothing:
            return applied
        self.added_elsewhere([self._file.entry(entry_id) for entry_id in applied.entries])
        for entry_id in dict.fromkeys(applied.revised):
            self._announce(EntryRevised(self._file.entry(entry_id)))
        if applied.milestones:
            now = self._file.milestones()
            for milestone in Milestone:
                if now[milestone] != before[milestone]:
                    self._announce(MilestoneRecorded(milestone, now[milestone], before[milestone]))
        if applied.details:
            self._announce(DetailsChanged(self._file.details()))
        self._announce_curated(applied)
        return applied

    def _announce_curated(self, applied: Applied) -> None:
        """Report texts, action items and annotations a pull stored, as they now read."""
        if applied.report_texts:
            texts = self._file.report_texts()
            sections = dict.fromkeys(applied.report_texts)
            self._announce(ReportTextsChanged(tuple((k, texts.get(k, "")) for k in sections)))
        if applied.action_items:
            changed = tuple(dict.fromkeys(applied.action_items))
            self._announce(ActionItemsChanged(tuple(self._file.action_items()), changed))
        for capture_id in dict.fromkeys(applied.annotations):
            shapes, revision = self._file.annotations_at_revision(capture_id)
            self._announce(AnnotationsChanged(capture_id, tuple(shapes), revision))

    def revise(self, entry_id: int, **changes: Any) -> Entry:
        """A new revision of an entry (see IncidentFile.revise for `changes`)."""
        entry = self._file.revise(entry_id, **changes)
        self._announce(EntryRevised(entry))
        return entry

    # -- milestones and details --------------------------------------------------------------

    def record_milestone(
        self,
        milestone: Milestone,
        when: datetime | None = None,
        *,
        text: str = "",
        kind: EntryKind | None = None,
        source: str = "gui",
        public: bool = False,
        offset: str | None = None,
    ) -> MilestoneResult:
        """The milestone and its timeline entry (one transaction), then the Monitoring rule."""
        before = self._file.milestones()[milestone]
        entry = self._file.record_milestone(
            milestone,
            when,
            text=text,
            kind=kind,
            source=source,
            public=public,
            offset=offset,
            author=self._author,
        )
        self._announce(EntriesAdded((entry,)))
        self._announce(MilestoneRecorded(milestone, entry.occurred_at, before))
        status, problem = self._monitor_after_mitigation(milestone, before)
        return MilestoneResult(entry, before, status, problem)

    def clear_milestone(self, milestone: Milestone, *, source: str = "gui") -> datetime | None:
        """Clear a milestone's time (its entry stays); the time it had, or None if unset."""
        before = self._file.milestones()[milestone]
        if before is not None:
            self.set_milestone(milestone, None, source=source)
        return before

    def set_milestone(
        self,
        milestone: Milestone,
        when: datetime | None,
        *,
        offset: str | None = None,
        source: str = "gui",
    ) -> None:
        """Correct (or, with None, clear) a milestone's time, without a timeline entry (the
        Incident Details dialog); the earlier values stay in the file."""
        before = self._file.milestones()[milestone]
        self._file.set_milestone(milestone, when, offset=offset, source=source)
        self._announce(MilestoneRecorded(milestone, when, before))

    def set_details(self, details: IncidentDetails) -> IncidentDetails:
        saved = self._file.set_details(details)
        self._announce(DetailsChanged(saved))
        return saved

    def _monitor_after_mitigation(
        self, milestone: Milestone, before: datetime | None
    ) -> tuple[Status | None, str | None]:
        if milestone is not Milestone.MITIGATED or before is not None:
            return None, None
        details = self._file.details()
        if details.status not in MONITORED_FROM:
            return None, None
        try:
            self.set_details(dataclasses.replace(details, status=Status.MONITORING))
        except IncidentFileError as error:
            return None, str(error)
        return Status.MONITORING, None
