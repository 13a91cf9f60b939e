"""When the next customer-facing update is due: a cadence per severity, counted from the last one.

Teams promise customers an update every so often while an incident is open (SEV1 every 30
minutes, …). The clock starts at the latest *public communication* entry — what the customers
last read — or, before the first one, at impact start (the incident's creation when that is
not recorded). A severity with no cadence (0, or not in the table) has no countdown, and a
resolved incident owes no more updates.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from types import MappingProxyType

from incident_recorder.domain.times import shifted

DEFAULT_CADENCE: Mapping[str, int] = MappingProxyType(
    {"SEV1": 30, "SEV2": 60, "SEV3": 120, "SEV4": 0}
)
"""Severity → minutes between public updates (0: no cadence)."""


def next_update_due(
    *,
    severity: str | None,
    cadence: Mapping[str, int],
    last_update: datetime | None,
    started: datetime,
    resolved: bool,
) -> datetime | None:
    """When the next public update is due, or None when none is (no cadence, or resolved)."""
    minutes = cadence.get(severity, 0) if severity else 0
    if resolved or minutes <= 0:
        return None
    return shifted(last_update or started, timedelta(minutes=minutes))


def _clock(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def countdown_text(due: datetime, now: datetime) -> str:
    """'due in 12:04' before the due time, 'overdue 03:10' after it (whole seconds)."""
    left = due - now
    if left > timedelta(0):
        return f"due in {_clock(left + timedelta(microseconds=999_999))}"  # 12:03.5 left → 12:04
    return f"overdue {_clock(-left)}"


def parse_cadence(raw: object) -> dict[str, int]:
    """A stored cadence table: the entries whose name is a non-empty string and whose value a
    whole number of minutes from 0 to a week (anything else is dropped)."""
    if not isinstance(raw, dict):
        return {}
    return {
        " ".join(name.split()): value
        for name, value in raw.items()
        if isinstance(name, str)
        and name.strip()
        and isinstance(value, int)
        and not isinstance(value, bool)
        and 0 <= value <= 7 * 24 * 60
    }
