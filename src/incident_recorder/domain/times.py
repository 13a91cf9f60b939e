"""Times as the incident file keeps them (UTC, milliseconds, ISO 8601) and as people type them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo

Clock = Callable[[], datetime]
"""Returns the current moment as an aware datetime. Injected so tests can fix time."""

FUTURE_GRACE = timedelta(minutes=1)
"""An entry may be this far after now (clocks differ); later is refused: `note --at`, the
importers and `serve` share this rule (an entry records what has happened, and a future one
would sort every note typed now before it)."""
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)

_RELATIVE = re.compile(
    r"^(?:-\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr)?|(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr)\s+ago)$",
    re.IGNORECASE,
)
_CLOCK_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$")


def system_clock() -> datetime:
    """Now, in UTC, truncated to whole milliseconds (the precision the file keeps)."""
    return truncate_ms(datetime.now(UTC))


def truncate_ms(moment: datetime) -> datetime:
    """`moment` without its sub-millisecond part."""
    return moment.replace(microsecond=moment.microsecond - moment.microsecond % 1000)


def whole_second(moment: datetime) -> datetime:
    """The second a reader sees for `moment`: the file keeps milliseconds, every time shown
    (14:02:07) drops them. The one rounding rule: a span between two moments (a metric, T+,
    an impact duration, a gap) is measured between the times shown (`elapsed`), so
    01:49:23.9 → 01:50:00.2 reads 00:00:37, as the two printed times say."""
    return moment.replace(microsecond=0)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """From `start` to `end` in whole seconds, between the times a reader sees
    (`whole_second`): never one second off the times printed beside it."""
    return whole_second(end) - whole_second(start)


def is_future(moment: datetime, now: datetime) -> bool:
    """Whether `moment` is more than FUTURE_GRACE after `now` (both aware)."""
    return moment - now > FUTURE_GRACE


def check_not_future(moment: datetime, now: datetime) -> None:
    """ValueError (one line) if `moment` is more than a minute after `now`."""
    if is_future(moment, now):
        raise ValueError(
            f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC is in the future: an entry records "
            f"what has happened (now {now.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC)"
        )


def in_zone(moment: datetime, tz: tzinfo | None) -> datetime:
    """`moment` as local time in `tz` (None: the machine's zone); in UTC when that local time
    would be outside years 1–9999 (a stored time within hours of either end, in a zone whose
    offset takes it past)."""
    for zone in (tz, UTC):
        try:
            return moment.astimezone(zone)
        except (OverflowError, ValueError):
            continue
    return moment


def shifted(moment: datetime, delta: timedelta) -> datetime:
    """`moment + delta`, held at the first or last representable moment instead of raising
    OverflowError (a stored time may be any moment of years 1–9999)."""
    try:
        return moment + delta
    except OverflowError:
        return _LATEST if delta > timedelta(0) else _EARLIEST


def show(moment: datetime, pattern: str) -> str:
    """`moment.strftime(pattern)` with '%Y' always four digits (glibc writes year 1 as '1')."""
    return moment.strftime(pattern.replace("%Y", f"{moment.year:04d}"))


def to_iso(moment: datetime) -> str:
    """The stored form: '2026-11-27T14:02:07.123Z' (UTC, fixed width, sorts as text)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: a time zone is required")
    utc = moment.astimezone(UTC)
    # Not strftime: '%Y' is not zero-padded before year 1000 on glibc, which broke the fixed width
    # and made the stored text unreadable by from_iso.
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def from_iso(text: str) -> datetime:
    """Parse the stored form (or any ISO 8601 time with a zone) into an aware UTC datetime."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"time without a zone: {text!r}")
    if moment.tzinfo is UTC:  # the stored form ('…Z'): already UTC, skip the conversion
        return moment
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # '0001-01-01T00:30+01:00': before year 1 in UTC; held at the end
        return _EARLIEST if moment.year == 1 else _LATEST


def parse_when(text: str, now: datetime, local: tzinfo | None = None) -> datetime:
    """Read a time typed by a person, relative to `now`; ValueError with a hint if unreadable.

    Accepted: ISO 8601 ('2026-11-27T14:02:07Z', '2026-11-27 15:02+01:00'; no zone means local
    time), a clock time in local time ('14:02', '14:02:07': the latest such moment, today or
    yesterday, so never in the future), or an offset back from now
    ('-90s', '-5m', '-2h', '-5': minutes; or '5m ago', '90 s ago').
    """
    raw = text.strip()
    zone = local if local is not None else now.astimezone().tzinfo
    relative = _RELATIVE.match(raw)
    if relative:
        amount = float(relative.group(1) or relative.group(3))
        unit = (relative.group(2) or relative.group(4) or "m").lower()[0]
        seconds = amount * {"s": 1, "m": 60, "h": 3600}[unit]
        return truncate_ms(now - timedelta(seconds=seconds))
    clock = _CLOCK_TIME.match(raw)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        second = int(clock.group(3) or 0)
        millis = int((clock.group(4) or "0").ljust(3, "0"))
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"not a time of day: {text!r}")
        today: date = now.astimezone(zone).date()
        moment = datetime.combine(today, time(hour, minute, second, millis * 1000), tzinfo=zone)
        if moment > now + timedelta(minutes=1):
            moment -= timedelta(days=1)  # "23:58" typed just after midnight means last night
        return moment.astimezone(UTC)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            f"cannot read time {text!r}: use ISO 8601 (2026-11-27T14:02:07Z), "
            "a local clock time (14:02 or 14:02:07) or an offset (-5m, 90s ago, 2h ago)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        return truncate_ms(moment.astimezone(UTC))
    except OverflowError:
        raise ValueError(f"time {text!r} is out of range") from None


def format_offset(delta: timedelta) -> str:
    """T+ notation: 'T+00:04:22', 'T+1d 02:00:00', or 'T−00:01:00' for a time before the start."""
    total = int(delta.total_seconds())
    sign = "+" if total >= 0 else "\u2212"
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"T{sign}{days}d {clock}" if days else f"T{sign}{clock}"


def format_duration_exact(delta: timedelta) -> str:
    """A duration to the second: '4 min 22 s', '1 h 05 min 00 s', '12 s', '2 d 3 h 04 min 05 s'."""
    total = int(delta.total_seconds())
    sign = "\u2212" if total < 0 else ""
    days, rest = divmod(abs(total), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{sign}{days} d {hours} h {minutes:02d} min {seconds:02d} s"
    if hours:
        return f"{sign}{hours} h {minutes:02d} min {seconds:02d} s"
    if minutes:
        return f"{sign}{minutes} min {seconds} s"
    return f"{sign}{seconds} s"


def format_duration(delta: timedelta) -> str:
    """A duration for people: '42 min', '1 h 05 min', '3 d 2 h', '12 s'."""
    total = int(delta.total_seconds())
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"
