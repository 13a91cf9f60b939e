"""An event arriving from outside (a webhook, a script) on its way to becoming a timeline entry.

Parsed from a payload (webhooks/payloads.py) and recorded by `IncidentFile.record_events`. `key`
identifies a delivery: an event whose key is already in the file was recorded before (a
retried or repeated webhook) and is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incident_recorder.domain.kinds import EntryKind


@dataclass(frozen=True, slots=True)
class NewEvent:
    """One entry-to-be. `text` is already clean (domain.text.clean_note_text); `occurred_at`
    None means "when it arrived"."""

    text: str
    kind: EntryKind = EntryKind.OBSERVATION
    occurred_at: datetime | None = None
    source: str = "webhook"
    public: bool = False
    key: str | None = None
