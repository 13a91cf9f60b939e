"""Naming a time zone as text and back, so another process shows times exactly as we do.

`zone_argument(tz)` gives the text for a zone: an IANA key ("Europe/Paris"), "UTC", or a fixed
offset with its abbreviation ("+01:00 CET", the machine's zone as `datetime.astimezone()` gives
it). `parse_zone(text)` reads any of these back (ValueError with a one-line message otherwise).
The GUI passes its zone to `incident-recorder export --tz` this way.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["parse_zone", "zone_argument"]

_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?(?:\s+(\S+))?")


def _offset_text(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def zone_argument(tz: tzinfo, at: datetime | None = None) -> str:
    """The text `parse_zone` turns back into `tz` (a zone with no key: its offset at `at`,
    default now, and its abbreviation)."""
    key = getattr(tz, "key", None)
    if isinstance(key, str) and key:
        return key
    moment = (at or datetime.now(UTC)).astimezone(tz)
    offset = moment.utcoffset() or timedelta(0)
    name = moment.tzname() or ""
    if offset == timedelta(0) and name in ("UTC", ""):
        return "UTC"
    text = _offset_text(offset)
    if name and not name.startswith(("UTC", "+", "-")) and " " not in name:
        text += f" {name}"
    return text


def parse_zone(text: str) -> tzinfo:
    """The zone named by `text`: "UTC", an IANA key, or "+HH:MM" with an optional abbreviation."""
    text = text.strip()
    if text.upper() in ("UTC", "Z"):
        return UTC
    match = _OFFSET.fullmatch(text)
    if match:
        sign, hours, minutes, secs, name = match.groups()
        offset = timedelta(hours=int(hours), minutes=int(minutes), seconds=int(secs or 0))
        if offset >= timedelta(hours=24):
            raise ValueError(f"time zone offset out of range: {text!r}")
        offset = -offset if sign == "-" else offset
        return timezone(offset, name) if name else timezone(offset)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {text!r} (an IANA name such as Europe/Paris, UTC, or +HH:MM)"
        ) from None
