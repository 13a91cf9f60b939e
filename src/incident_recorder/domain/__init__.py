"""Plain data and rules of an incident record: entry kinds, entries, times. Stdlib only."""

from incident_recorder.domain.entry import CaptureInfo, Entry, Incident, NewCapture
from incident_recorder.domain.kinds import EntryKind

__all__ = ["CaptureInfo", "Entry", "EntryKind", "Incident", "NewCapture"]
