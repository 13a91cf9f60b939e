"""The header's "next update due" chip: when the customers are owed their next public update.

The cadence (minutes per severity, settings.update_cadence_minutes) is counted from the latest
public, visible communication entry, or from impact start (the incident's creation when impact
start is not recorded) before the first one; see domain/cadence.py. The chip reads "due in
12:04", turns red once overdue ("overdue 03:10"), and shows "—" when no update is due (no
cadence for the severity, or resolved). When the due time passes, `due` is emitted once for
that due time — not again every second — and again only for a later due time.

Public communication entries are followed through the timeline model (its `record_changed`
after every insert or revision, and a rescan after a reset), so nothing is read from the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo

from PySide6.QtCore import QObject, Signal

from incident_recorder.domain import EntryKind
from incident_recorder.domain.cadence import DEFAULT_CADENCE, countdown_text, next_update_due
from incident_recorder.domain.details import IncidentDetails, Status
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.record import current_status
from incident_recorder.domain.times import from_iso
from incident_recorder.storage import Record
from incident_recorder.ui.common.style import adapt
from incident_recorder.ui.recorder.header_parts import Chip
from incident_recorder.ui.timeline.timeline_model import TimelineModel

OVERDUE = "#b91c1c"
CAPTION = "Next update"


def _public_update(record: Record | None) -> bool:
    return (
        record is not None
        and record.kind == EntryKind.COMMUNICATION.value
        and bool(record.public)
        and not record.hidden
    )


class UpdateCountdown(QObject):
    due = Signal(str)
    """The next public update became due (a one-line message), once per due time."""

    def __init__(
        self,
        model: TimelineModel,
        created_at: datetime,
        zone: tzinfo | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._zone = zone
        self.chip = Chip(CAPTION)
        self.chip.setObjectName("nextUpdateChip")
        self._model = model
        self._created = created_at
        self._cadence: Mapping[str, int] = DEFAULT_CADENCE
        self._details: IncidentDetails | None = None
        self._milestones = Milestones()
        self._updates: dict[int, str] = {}  # entry id → occurred at (stored ISO text)
        self._latest: datetime | None = None
        self._notified: datetime | None = None
        self._shown: tuple[object, ...] = ()
        model.record_changed.connect(self._record_changed)
        model.modelReset.connect(self._rescan)
        self._rescan()

    # -- what it counts from -----------------------------------------------------------------

    def _rescan(self) -> None:
        records = [*self._model.records(), *self._model.hidden_records()]
        self._updates = {r.id: r.occurred_at for r in records if _public_update(r)}
        self._find_latest()

    def _record_changed(self, old: Record | None, new: Record | None) -> None:
        if old is not None:
            self._updates.pop(old[0], None)
        if new is not None and _public_update(new):
            self._updates[new[0]] = new[3]
        self._find_latest()

    def _find_latest(self) -> None:
        self._latest = from_iso(max(self._updates.values())) if self._updates else None

    @property
    def latest_update(self) -> datetime | None:
        """When the latest public communication entry happened (None before the first)."""
        return self._latest

    def set_incident(self, details: IncidentDetails, milestones: Milestones) -> None:
        self._details, self._milestones = details, milestones

    def set_cadence(self, cadence: Mapping[str, int]) -> None:
        self._cadence = cadence

    def _resolved(self) -> bool:
        details = self._details
        return details is not None and (
            current_status(details, self._milestones) is Status.RESOLVED
        )

    def due_at(self) -> datetime | None:
        """When the next public update is due (None: none is)."""
        if self._details is None:
            return None
        return next_update_due(
            severity=self._details.severity,
            cadence=self._cadence,
            last_update=self._latest,
            started=self._milestones[Milestone.IMPACT_STARTED] or self._created,
            resolved=self._resolved(),
        )

    # -- once a second -----------------------------------------------------------------------

    def tick(self, now: datetime) -> None:
        """Show the countdown at `now`; emit `due` the first time a due time has passed."""
        due = self.due_at()
        overdue = due is not None and now >= due
        severity = self._details.severity if self._details else None
        shown = (due, overdue, severity, self._resolved(), self._latest is None)
        if shown != self._shown:  # restyled only when it changes, not every second
            self._shown = shown
            self._restyle(due, overdue)
        if due is None:
            return
        text = countdown_text(due, now)
        self.chip.value.setText(text)
        self.chip.setAccessibleName(f"{CAPTION}: {text}")
        if overdue and self._notified != due:
            self._notified = due
            at = f"{due.astimezone(self._zone):%H:%M}"
            self.due.emit(
                f"A public update for customers was due at {at} ({text}): "
                "record it as a public communication entry"
            )

    def _restyle(self, due: datetime | None, overdue: bool) -> None:
        if due is None:
            severity = self._details.severity if self._details else None
            why = (
                "The incident is resolved: no more updates are due"
                if self._resolved()
                else f"No update cadence for {severity or 'an incident without a severity'} "
                "(settings: update_cadence_minutes)"
            )
            self.chip.show_value(None, why)
            return
        since = "the latest public update" if self._latest else "impact start"
        self.chip.show_value(
            "",
            f"Customers are owed a public update by {due.astimezone(self._zone):%H:%M:%S}, "
            f"counted from {since}; a public communication entry restarts the clock",
        )
        style = f"color: {adapt(OVERDUE)}; font-weight: 700;" if overdue else "font-weight: 600;"
        self.chip.value.setStyleSheet(style)
