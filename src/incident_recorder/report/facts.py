"""What a report states about an incident: how times are written, entry order, image names.

Shared by the Markdown and JSON renderers: how a moment is written in local time and in UTC,
the zone used, the order of entries and the file name each capture gets in the images/ folder.
Key moments and metrics come from the milestones (domain/milestones.py), never from guesses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from incident_recorder.domain import Entry
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.times import in_zone, show

IMAGES_DIR = "images"
"""The folder (relative to the report) that holds the exported captures."""

_HEX = re.compile(r"[0-9a-f]{12}")


def local_zone() -> tzinfo:
    """The machine's local time zone (used when the caller names none)."""
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def utc_offset(moment: datetime) -> str:
    """The offset of an aware moment as 'UTC+01:00' / 'UTC−05:30' / 'UTC+00:00'."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "\u2212"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def zone_label(moment: datetime) -> str:
    """A short zone name for a local moment: its abbreviation ('CET'), else its UTC offset."""
    name = moment.tzname()
    if not name or name.startswith(("+", "-")) or (name.startswith("UTC") and len(name) > 3):
        return utc_offset(moment)
    return name


def is_utc(tz: tzinfo, at: datetime) -> bool:
    """Whether local time in `tz` is plain UTC at `at` (then a report shows each time once)."""
    local = in_zone(at, tz)
    return local.utcoffset() == timedelta(0) and zone_label(local) == "UTC"


def describe_zone(tz: tzinfo, at: datetime) -> str:
    """How the report names the zone it uses: 'Europe/Paris (CET, UTC+01:00)', or 'UTC'."""
    local = in_zone(at, tz)
    key = getattr(tz, "key", None)
    label, offset = zone_label(local), utc_offset(local)
    parts = [label] if label == offset or is_utc(tz, at) else [label, offset]
    if isinstance(key, str) and key not in parts:
        return f"{key} ({', '.join(parts)})"
    return ", ".join(parts)


def local_time(moment: datetime, tz: tzinfo, *, with_date: bool = True) -> str:
    """'2026-11-27 15:02:07 CET' (or without the date) in the report's local zone."""
    local = in_zone(moment, tz)
    pattern = "%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S"
    return f"{show(local, pattern)} {zone_label(local)}"


def utc_time(moment: datetime, *, with_date: bool = True) -> str:
    """'2026-11-27 14:02:07 UTC' (or without the date)."""
    pattern = "%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S"
    return f"{show(in_zone(moment, UTC), pattern)} UTC"


def iso_ms(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and an explicit zone: '2026-11-27T14:02:07.123+00:00'."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: a time zone is required")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


ORIGINALS_DIR = f"{IMAGES_DIR}/originals"
"""The folder that holds unannotated originals, written only when the user asks for them."""


@dataclass(frozen=True, slots=True)
class ExportedCapture:
    """What was written for one entry's capture.

    file: the copy the report shows (annotations drawn, redactions destroyed); sha256: of that
    file; original_sha256: of the original, None when the original is sensitive and was not
    exported (a hash of it would let anyone confirm a guess of the redacted text).
    """

    file: str
    sha256: str
    annotations: int = 0
    redacted: bool = False
    original_file: str | None = None
    original_sha256: str | None = None


def image_name(
    entry: Entry, digest: str | None = None, suffix: str = ".png", number: int | None = None
) -> str | None:
    """The path, relative to the report, of an entry's exported capture (None: no capture).

    'images/entry-0007-1a2b3c4d5e6f.png': the entry's `number` in the export (`numbers`; the
    entry id if none is given) and the first 12 hex digits of the capture's SHA-256, or of
    `digest` (the SHA-256 of the exported annotated copy) when given (the capture id if the
    hash is not hex, so a damaged or foreign file can never steer the path). `suffix` is the
    written bytes' (domain.image_bytes.image_suffix): '.jpg' for a capture taken as JPEG;
    anything but '.jpg' gives '.png'.
    """
    if entry.capture is None:
        return None
    digest = (digest or entry.capture.sha256).lower()[:12]
    if not _HEX.fullmatch(digest):
        digest = f"capture{entry.capture.id}"
    suffix = ".jpg" if suffix == ".jpg" else ".png"
    return f"{IMAGES_DIR}/entry-{entry.id if number is None else number:04d}-{digest}{suffix}"


def in_order(entries: Sequence[Entry], uids: Mapping[int, str] | None = None) -> list[Entry]:
    """Entries by occurred-at time, then by when they were recorded, then by global id (entry
    id → uid, `GlobalIds.entries`), then id: every key but the last is the same in every replica
    of a shared incident, whose rowids differ, and an import keeps the first two, so entries of
    one moment keep their order through export and import (but for those also recorded in the
    same millisecond: an import gives new global ids)."""
    known = uids or {}
    return sorted(
        entries,
        key=lambda entry: (entry.occurred_at, entry.recorded_at, known.get(entry.id, ""), entry.id),
    )


def numbers(record: IncidentRecord) -> dict[int, int]:
    """Entry id → its number in an export of `record` (1, 2, …, hidden entries counted): its
    place in `in_order`, the same in every replica, so an export's entry ids and image names
    are too."""
    ordered = in_order(record.entries, record.uids.entries)
    return {entry.id: number for number, entry in enumerate(ordered, start=1)}
