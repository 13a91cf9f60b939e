"""An event arriving from outside (a webhook, a script) on its way to becoming a timeline entry.

Parsed from a payload (webhooks/payloads.py) and recorded by `IncidentFile.record_events`. `key`
identifies a delivery: an event whose key is already in the file was recorded before (a
retried or repeated webhook) and is skipped. An event that can happen again under the same key
(an alert firing again after it was resolved, which Alertmanager sends with its first `startsAt`)
carries a `Recurrence`, so that it is recorded again after each end, yet once only. An event
that marks a milestone (a pager's acknowledgement or resolution) carries it: the milestone is set
with its entry when it has no time yet, and a time already recorded (by a person, or an earlier
event) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incident_recorder.domain.kinds import EntryKind
from incident_recorder.domain.milestones import Milestone


@dataclass(frozen=True, slots=True)
class Recurrence:
    """How an event that can recur under the same key is told apart from a repeated delivery.

    `ended_by` is the key prefix of the events that end it (an alert's resolutions). When the
    file holds such a key, the event's key is completed with the latest of them (`key` +
    ":after:" + the rest of that key): the event is then a new state change, recorded once after
    that end, with `text` and at the time it arrives (its own time is the first episode's)."""

    ended_by: str
    text: str


@dataclass(frozen=True, slots=True)
class NewEvent:
    """One entry-to-be. `text` is already clean (domain.text.clean_note_text); `occurred_at`
    None means "when it arrived"; `milestone`, the milestone its entry marks when that
    milestone has no time yet."""

    text: str
    kind: EntryKind = EntryKind.OBSERVATION
    occurred_at: datetime | None = None
    source: str = "webhook"
    public: bool = False
    key: str | None = None
    recurrence: Recurrence | None = None
    milestone: Milestone | None = None
