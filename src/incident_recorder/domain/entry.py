"""Entries, captures and the incident itself, as immutable values passed between the layers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incident_recorder.domain.kinds import EntryKind


@dataclass(frozen=True, slots=True)
class Incident:
    """The incident a file records."""

    uuid: str
    title: str
    created_at: datetime
    app_version: str


@dataclass(frozen=True, slots=True)
class CaptureInfo:
    """What is known of a stored capture without loading its pixels."""

    id: int
    width: int
    height: int
    sha256: str
    monitor: int | None
    window_title: str | None


@dataclass(frozen=True, slots=True)
class NewCapture:
    """A grabbed, encoded screen image on its way into the incident file."""

    png: bytes
    thumbnail_png: bytes
    width: int
    height: int
    sha256: str
    monitor: int | None = None
    window_title: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One timeline entry as it currently reads (its latest revision)."""

    id: int
    kind: EntryKind
    text: str
    occurred_at: datetime
    recorded_at: datetime
    revision: int = 1
    hidden: bool = False
    source: str = "gui"
    capture: CaptureInfo | None = None
    public: bool = False
    starred: bool = False
    author: str | None = None
    occurred_offset: str | None = None
    """The UTC offset the *occurred at* time was entered in ('+01:00'), when a person typed it."""
