"""The time axis of the timeline picture: the span it shows, its ticks and their labels.

A record may hold times years apart (a webhook dated 9999, an import dated year 1): the span is
held within what a datetime can hold, the ticks step up to millennia, and a local time that
would fall outside years 1-9999 is shown in UTC (domain.times.in_zone), so the picture is
always drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from incident_recorder.domain import Entry
from incident_recorder.domain.milestones import Milestones
from incident_recorder.domain.times import in_zone, shifted, show

_NICE_STEPS = [
    timedelta(seconds=s)
    for s in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600)
] + [timedelta(hours=12), timedelta(days=1), timedelta(days=2), timedelta(days=7)]
_DAY_STEPS = len(_NICE_STEPS)
"""Steps from here on are labelled by date, or by year."""
_NICE_STEPS += [
    timedelta(days=d)
    for d in (14, 30, 91, 182, 365, 730, 1826, 3652, 7305, 18262, 36524, 73049, 182621)
] + [timedelta(days=d) for d in (365242, 730485, 1826211, 3652422)]
_YEAR = timedelta(days=365)


def by_date(step: timedelta) -> bool:
    """Whether ticks `step` apart are labelled by date (or year) rather than time of day."""
    return step > _NICE_STEPS[_DAY_STEPS - 1]


def span(entries: Sequence[Entry], milestones: Milestones) -> tuple[datetime, datetime] | None:
    moments = [entry.occurred_at for entry in entries] + [t for _, t in milestones.reached()]
    if not moments:
        return None
    start, end = min(moments), max(moments)
    if end - start < timedelta(seconds=1):
        return shifted(start, -timedelta(minutes=5)), shifted(end, timedelta(minutes=5))
    pad = (end - start) * 0.04
    return shifted(start, -pad), shifted(end, pad)


def ticks(start: datetime, end: datetime, tz: tzinfo, plot_width: float) -> list[datetime]:
    length = end - start
    step = next((s for s in _NICE_STEPS if plot_width * (s / length) >= 95), _NICE_STEPS[-1])
    local = in_zone(start, tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    first = math.ceil((local - midnight) / step)
    found: list[datetime] = []
    k = first
    while (moment := shifted(midnight, k * step)) <= end and (not found or moment > found[-1]):
        found.append(moment)
        k += 1
    return found


def label(moment: datetime, tz: tzinfo, step: timedelta) -> str:
    local = in_zone(moment, tz)
    if step >= _YEAR:
        return show(local, "%Y")
    if by_date(step):
        return show(local, "%d %b %Y")
    return local.strftime("%H:%M:%S" if step < timedelta(minutes=1) else "%H:%M")
