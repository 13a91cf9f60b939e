"""How one report writes times, entries and milestones: the same way in every section.

`ReportContext` holds the record, the zone and the export time, and knows T+ (from the
"impact started" milestone, else from the first shown entry), whether the zone is plain UTC
(then each time is written once), and how an entry line and its marks (★ starred, ◆ milestone)
look, as pieces of the document model (report/model.py): entry text is always plain `Text`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.times import elapsed, format_offset, in_zone
from incident_recorder.report import facts
from incident_recorder.report.model import Block, Emph, Items, Line, Paragraph, Strong, line

STAR = "\u2605"
MILESTONE_MARK = "\u25c6"


def row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def clock(delta: timedelta) -> str:
    """A span as '00:04:22' (hours may exceed 24: '27:00:05'); negative spans get '−'."""
    total = int(delta.total_seconds())
    sign = "\u2212" if total < 0 else ""
    hours, rest = divmod(abs(total), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


class ReportContext:
    """The record and how times are written, the same way everywhere in one report."""

    def __init__(
        self,
        record: IncidentRecord,
        tz: tzinfo,
        exported_at: datetime,
        image_files: Mapping[int, str],
        captures: Mapping[int, facts.ExportedCapture],
        timeline_picture: str | None = None,
    ) -> None:
        self.record = record
        self.entries = facts.in_order(record.visible_entries(), record.uids.entries)
        self.tz = tz
        self.exported_at = exported_at
        self.image_files = image_files
        self.captures = captures
        self.timeline_picture = timeline_picture
        impact = record.milestones[Milestone.IMPACT_STARTED]
        first = self.entries[0].occurred_at if self.entries else None
        self.start = impact or first
        self.start_label = "impact started" if impact else "the first entry"
        dates = {in_zone(entry.occurred_at, tz).date() for entry in self.entries}
        self.with_date = len(dates) > 1
        self.utc_only = facts.is_utc(tz, first or exported_at)
        self.lists_entries = True
        """False while a section the team wrote is filled: its words replace the automatic
        entry list (report/document.py sets it)."""

    def of(self, *kinds: EntryKind) -> list[Entry]:
        return [entry for entry in self.entries if entry.kind in kinds]

    def offset(self, moment: datetime) -> str:
        return format_offset(elapsed(self.start, moment)) if self.start else ""

    def both(self, moment: datetime, *, with_date: bool = True) -> str:
        """'2026-11-27 15:02:07 CET (14:02:07 UTC, T+00:02:07)'; in UTC '… UTC (T+…)'."""
        local = facts.local_time(moment, self.tz, with_date=with_date)
        after = [] if self.utc_only else [facts.utc_time(moment, with_date=False)]
        if self.start is not None:
            after.append(self.offset(moment))
        return f"{local} ({', '.join(after)})" if after else local

    def local_and_utc(self, moment: datetime) -> str:
        local = facts.local_time(moment, self.tz)
        return local if self.utc_only else f"{local} ({facts.utc_time(moment, with_date=False)})"

    def marks(self, entry: Entry) -> Line:
        """'★ ' for a starred entry, '◆ **Detected:** ' for a milestone's entry."""
        mark = line(f"{STAR} ") if entry.starred else ()
        milestone = self.record.milestone_entries.get(entry.id)
        if milestone is not None:
            mark += line(f"{MILESTONE_MARK} ", Strong(f"{milestone.label}:"), " ")
        return mark

    def entry_line(self, entry: Entry, *, kind: bool = False) -> Line:
        milestone = entry.id in self.record.milestone_entries
        label = line(Strong(entry.kind.label), " ") if kind and not milestone else ()
        text = line(entry.text) if entry.text else line(Emph("(capture without text)"))
        when = self.both(entry.occurred_at, with_date=self.with_date)
        return line(f"{when} \u2014 ", *self.marks(entry), *label, *text)

    def entry_list(self, entries: Sequence[Entry], none: str, *, kind: bool = False) -> list[Block]:
        """The entries as a list (or the `none` line); nothing when the team wrote the section."""
        if not self.lists_entries:
            return []
        if not entries:
            return [Paragraph(line(Emph(none)))]
        return [Items(tuple(self.entry_line(entry, kind=kind) for entry in entries))]

    def milestone_line(self, milestone: Milestone, label: str | None = None) -> Line:
        when = self.record.milestones[milestone]
        name = label or milestone.label
        if when is None:
            why = f" not recorded (no \u201c{milestone.label.lower()}\u201d milestone)"
            return line(Strong(f"{name}:"), why)
        return line(Strong(f"{name}:"), f" {self.both(when)}")
