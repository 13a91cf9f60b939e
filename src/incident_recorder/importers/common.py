"""What every importer shares: the error that lists every problem, and storing a parsed batch.

A parser reads its whole input first and raises `ImportFailed` with *all* the problems it found
(one line each, with the line, file or message they concern); only input without a problem is
stored, in one transaction, so nothing is ever half-imported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.times import FUTURE_GRACE, check_not_future
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFile

MAX_PROBLEMS = 100
"""Problems listed before the rest are only counted (a wrong file can have thousands)."""


class ImportFailed(Exception):
    """The input cannot be imported; `problems` are one-line messages, every one found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = [one_line(problem) for problem in problems]
        super().__init__("; ".join(self.problems[:3]) + ("; …" if len(self.problems) > 3 else ""))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(message: str) -> str:
    """`message` with line breaks and other control characters shown escaped (\\n), so a
    name or value quoted from the input cannot break the one-problem-per-line output."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], message)


class Problems:
    """Collects problems while parsing; `check()` raises ImportFailed if there were any."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.dropped = 0

    def add(self, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(message)
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def check(self) -> None:
        if self.items:
            more = [f"… and {self.dropped} more problems"] if self.dropped else []
            raise ImportFailed(self.items + more)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import stored."""

    entries: list[Entry]
    milestones: int
    notes: list[str]
    """Things worth telling the user (captures not found, messages skipped)."""

    @property
    def public(self) -> int:
        return sum(1 for entry in self.entries if entry.public)

    def line(self) -> str:
        """'imported 13 entries (5 milestones, 3 public)'."""
        count = len(self.entries)
        noun = "entry" if count == 1 else "entries"
        milestones = "milestone" if self.milestones == 1 else "milestones"
        return f"imported {count} {noun} ({self.milestones} {milestones}, {self.public} public)"


def store(
    handle: IncidentFile,
    items: Sequence[ImportedEntry],
    notes: Sequence[str] = (),
    *,
    milestones: Mapping[Milestone, datetime] | None = None,
) -> ImportSummary:
    """Store a parsed batch in one transaction; ImportFailed if the file refuses a text.

    A milestone the file already had at another time is moved to the imported time (the
    earlier value stays in its history) and a note says so.
    """
    before = handle.milestones()
    existing = {entry_key(e.kind, e.text, e.occurred_at) for e in handle.entries()}
    again = sum(1 for i in items if entry_key(i.kind, i.text, i.occurred_at) in existing)
    try:
        entries = handle.import_entries(items, milestones=milestones)
    except ValueError as error:
        raise ImportFailed([str(error)]) from None
    # The rules of the record apply to an import as to a key press (session/core.py).
    IncidentSession(handle).imported(entries, {m: before[m] for m in Milestone})
    imported = {item.milestone: item.occurred_at for item in items if item.milestone is not None}
    imported.update(milestones or {})
    moved = [
        f"milestone {milestone.cli_name} moved from {earlier:%Y-%m-%d %H:%M:%S} UTC to "
        f"{when:%Y-%m-%d %H:%M:%S} UTC (the earlier time stays in its history)"
        for milestone, when in imported.items()
        if (earlier := before[milestone]) is not None and earlier != when
    ]
    if again:
        moved.append(
            f"{again} of the imported entries read like entries the incident already had (same "
            "second, kind and text): if this was imported before, hide the copies"
        )
    return ImportSummary(entries, len(imported), [one_line(note) for note in (*notes, *moved)])


def past_example(now: datetime) -> str:
    """An example --start for a message: the hour before `now` ('2026-11-27T09:00:00Z')."""
    return f"{(now - timedelta(hours=1)).astimezone(UTC):%Y-%m-%dT%H:00:00Z}"


def normalized(text: str) -> str:
    """Text as compared for duplicates: NFKC, case-folded, spacing collapsed, surrounding
    punctuation dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split()).strip(" .!;:,")


def entry_key(kind: EntryKind, text: str, occurred_at: datetime) -> tuple[object, ...]:
    """What makes two entries the same one: the second they happened in, kind and text."""
    return (occurred_at.replace(microsecond=0), kind, normalized(text))


def offset_text(moment: datetime) -> str | None:
    """The UTC offset a time was written in ('+01:00'), or None for UTC."""
    offset = moment.utcoffset()
    if offset is None or offset == timedelta(0):
        return None
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def read_iso(text: str) -> tuple[datetime, str | None]:
    """An ISO 8601 time with a zone: (UTC truncated to milliseconds, the offset it was written
    in, None for UTC); ValueError otherwise."""
    raw = text.strip()
    if raw.endswith(("z", "Z")):
        raw = raw[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no zone (add Z for UTC, or an offset like +01:00)")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"time {text!r} is out of range") from None
    return utc.replace(microsecond=utc.microsecond - utc.microsecond % 1000), offset_text(moment)


__all__ = [
    "FUTURE_GRACE",
    "MAX_PROBLEMS",
    "ImportFailed",
    "ImportSummary",
    "Problems",
    "check_not_future",
    "entry_key",
    "normalized",
    "offset_text",
    "past_example",
    "read_iso",
    "store",
]
