"""What the app writes under a report section from the record: one function per template fill.

Each fill (templates.FILLS) turns the record into blocks of the document model (report/
model.py): the metrics and milestones tables, entry lists of the matching kinds, the timeline
table with its kinds and images, the action items. Recorded text is always plain `Text`, so a
note can never add a heading, a table row, HTML or a link, in any output. Nothing is guessed:
a missing milestone is written as "not recorded" with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.actions import ActionType
from incident_recorder.domain.milestones import Metric, Milestone
from incident_recorder.report import facts
from incident_recorder.report.context import (
    MILESTONE_MARK,
    STAR,
    ReportContext,
    clock,
    row,
)
from incident_recorder.report.model import (
    Block,
    Break,
    Emph,
    Figure,
    Image,
    Items,
    Kind,
    Line,
    Link,
    Paragraph,
    Strong,
    Table,
    Text,
    line,
)
from incident_recorder.report.public import PUBLIC_MILESTONES

__all__ = ["FILL_FUNCTIONS", "ReportContext", "clock", "row"]

TIMELINE_COLUMNS = ("Local time", "UTC", "T+", "Kind", "Entry")
"""The timeline table's columns; without "Local time" when the report's zone is UTC."""
ACTION_COLUMNS = ("Item", "Owner", "Due", "Status", "Type", "Ticket")
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[^\s<>()\[\]\"'`\\|{}]*)?")
_RESOLUTION_KINDS = (EntryKind.MITIGATION, EntryKind.RESOLUTION)
_RESOLUTION_MILESTONES = (Milestone.MITIGATED, Milestone.RESOLVED)


def resolving_entries(
    entries: Sequence[Entry], milestone_entries: Mapping[int, Milestone]
) -> list[Entry]:
    """What mitigated or resolved the incident: mitigation and resolution entries and the
    entries of the mitigated and resolved milestones (never every action: the deploy that
    caused the outage was an action too). The Resolution section and its draft both use it."""
    return [
        entry
        for entry in entries
        if entry.kind in _RESOLUTION_KINDS
        or milestone_entries.get(entry.id) in _RESOLUTION_MILESTONES
    ]


def resolving(ctx: ReportContext) -> list[Entry]:
    return resolving_entries(ctx.entries, ctx.record.milestone_entries)


def metrics_table(ctx: ReportContext) -> Table:
    milestones = ctx.record.milestones
    rows: list[tuple[Line, ...]] = []
    for metric in Metric:
        value = milestones.metric(metric)
        if value is not None:
            shown = clock(value)
        else:
            why = (milestones.why_missing(metric) or "").removeprefix("not recorded: ")
            shown = f"not recorded ({why})"
        definition = metric.definition[:1].upper() + metric.definition[1:]
        rows.append((line(metric.label), line(shown), line(definition)))
    return Table(("Metric", "Value", "Definition"), tuple(rows))


def milestones_table(ctx: ReportContext) -> Table:
    columns = (
        ("Milestone", "UTC", "T+") if ctx.utc_only else ("Milestone", "Local time", "UTC", "T+")
    )
    rows: list[tuple[Line, ...]] = []
    for milestone in Milestone:
        when = ctx.record.milestones[milestone]
        if when is None:
            cells = [milestone.label, "not recorded", "not recorded", ""]
        else:
            cells = [
                milestone.label,
                facts.local_time(when, ctx.tz),
                facts.utc_time(when),
                ctx.offset(when),
            ]
        rows.append(
            tuple(line(cell) for cell in (cells[:1] + cells[2:] if ctx.utc_only else cells))
        )
    return Table(columns, tuple(rows))


def summary(ctx: ReportContext) -> list[Block]:
    return [
        Paragraph(line(Strong("Metrics"), ", each measured from the moment impact started:")),
        metrics_table(ctx),
        Paragraph(line(Strong("Milestones:"))),
        milestones_table(ctx),
    ]


def _fact(name: str, value: str) -> Line:
    """'**name:** value' (an item of a facts list)."""
    return line(Strong(f"{name}:"), f" {value}")


def detection(ctx: ReportContext) -> list[Block]:
    source = ctx.record.details.detection_source
    how = source.label if source else "not recorded"
    lines = [ctx.milestone_line(Milestone.DETECTED), _fact("How it was noticed", how)]
    ttd = ctx.record.milestones.metric(Metric.TIME_TO_DETECT)
    if ttd is not None:
        lines.append(_fact("Time to detect", f"{clock(ttd)} (measured from impact start)"))
    return [
        Items(tuple(lines)),
        *ctx.entry_list(ctx.of(EntryKind.DETECTION), "No detection entry."),
    ]


def _services(ctx: ReportContext) -> str:
    names = [service.name for service in ctx.record.details.services]
    return ", ".join(names) if names else "not recorded"


def impact(ctx: ReportContext) -> list[Block]:
    end = Milestone.MITIGATED if ctx.record.milestones[Milestone.MITIGATED] else Milestone.RESOLVED
    lines = (
        ctx.milestone_line(Milestone.IMPACT_STARTED),
        ctx.milestone_line(end, f"Impact ended ({end.label.lower()})"),
        _fact("Services affected", _services(ctx)),
    )
    return [Items(lines), *ctx.entry_list(ctx.of(EntryKind.IMPACT), "No impact entry.")]


def impact_window(ctx: ReportContext) -> list[Block]:
    """The public summary's facts: when impact started, was mitigated and resolved (UTC), in
    the words of `PUBLIC_MILESTONES` (the public timeline picture uses them too)."""
    milestones = ctx.record.milestones
    start = milestones[Milestone.IMPACT_STARTED]
    words = PUBLIC_MILESTONES
    lines = [
        _fact(words[Milestone.IMPACT_STARTED], facts.utc_time(start) if start else "not recorded")
    ]
    mitigated, end = milestones[Milestone.MITIGATED], milestones[Milestone.RESOLVED]
    if mitigated is not None:
        lines.append(_fact(words[Milestone.MITIGATED], facts.utc_time(mitigated)))
    resolved = facts.utc_time(end) if end else "not yet resolved"
    lines.append(_fact(words[Milestone.RESOLVED], resolved))
    return [Items(tuple(lines))]  # the services: in the report's header facts, said once


def root_cause(ctx: ReportContext) -> list[Block]:
    return ctx.entry_list(ctx.of(EntryKind.CAUSE), "No cause entry.")


def resolution(ctx: ReportContext) -> list[Block]:
    none = "No mitigation or resolution entry."
    return ctx.entry_list(resolving(ctx), none, kind=True)


def cause_and_fix(ctx: ReportContext) -> list[Block]:
    """The short report's one section: what the record says about the cause and the fix."""
    fixed = {entry.id for entry in resolving(ctx)}
    chosen = [e for e in ctx.entries if e.kind is EntryKind.CAUSE or e.id in fixed]
    return ctx.entry_list(chosen, "No cause, mitigation or resolution entry.", kind=True)


def response(ctx: ReportContext) -> list[Block]:
    kinds = (EntryKind.ACTION, EntryKind.DECISION, EntryKind.COMMUNICATION)
    none = "No action, decision or communication entry."
    return [
        Items((ctx.milestone_line(Milestone.ACKNOWLEDGED),)),
        *ctx.entry_list(ctx.of(*kinds), none, kind=True),
    ]


def recovery(ctx: ReportContext) -> list[Block]:
    return [
        Items((ctx.milestone_line(Milestone.MITIGATED), ctx.milestone_line(Milestone.RESOLVED))),
        *ctx.entry_list(resolving(ctx), "No mitigation or resolution entry.", kind=True),
    ]


def leadup(ctx: ReportContext) -> list[Block]:
    start = ctx.record.milestones[Milestone.IMPACT_STARTED]
    if start is None:
        why = "Impact start not recorded: the entries before it cannot be told apart."
        return [Paragraph(line(Emph(why)))]
    before = [entry for entry in ctx.entries if entry.occurred_at < start]
    return ctx.entry_list(before, "No entry was recorded before impact started.", kind=True)


def communication(ctx: ReportContext) -> list[Block]:
    return ctx.entry_list(ctx.of(EntryKind.COMMUNICATION), "No communication entry.")


def ticket(text: str) -> Line:
    """A ticket cell: a link only for a plain http(s) URL, anything else as inert text."""
    value = text.strip()
    if _SAFE_URL.fullmatch(value):
        return line(Link(value.split("://", 1)[1], value))
    return line(value or "\u2014")


def action_items(ctx: ReportContext) -> list[Block]:
    items = [item for item in ctx.record.action_items if not item.hidden]
    if not items:
        return [Paragraph(line(Emph("No action items yet.")))]
    rows = [
        (
            line(item.description),
            line(item.owner) if item.owner.strip() else line(Emph("no owner")),
            line(item.due.isoformat()) if item.due else line(Emph("no due date")),
            line(item.status.label),
            line(item.type.label),
            ticket(item.ticket),
        )
        for item in items
    ]
    return [Table(ACTION_COLUMNS, tuple(rows))]


def prevention(ctx: ReportContext) -> list[Block]:
    items = [i for i in ctx.record.action_items if not i.hidden and i.type is ActionType.PREVENT]
    if not ctx.lists_entries:  # the team's text (a used draft lists them) replaces the list
        return []
    return [Items(tuple(line(item.description) for item in items))] if items else []


def _capture_note(written: facts.ExportedCapture | None) -> str:
    if written is None or not written.annotations:
        return ""
    return " (redacted)" if written.redacted else " (annotated)"


def _timeline_cell(ctx: ReportContext, entry: Entry) -> Line:
    cell = (*ctx.marks(entry), *line(entry.text))
    if entry.author:
        cell += line(" \u2014 ", Emph(entry.author))
    if entry.capture is not None:
        capture = entry.capture
        alt = (
            f"Capture at {facts.utc_time(entry.occurred_at, with_date=False)} \u2014 "
            f"{capture.width}\u00d7{capture.height}{_capture_note(ctx.captures.get(entry.id))}"
        )
        reading = ctx.record.readings.get(entry.id)
        summary = reading.summary() if reading is not None else ""
        if summary:  # for screen readers: what the screen says (caption is in the cell)
            alt += f": {summary}"
        name = ctx.image_files.get(entry.id)
        image = line(Image(name, alt)) if name else line(Emph(f"({alt}: image not exported)"))
        cell = (*cell, Break(), *image) if cell else image
    reading = ctx.record.readings.get(entry.id)
    if reading is not None and reading.unhandled():
        labels = ", ".join(dict.fromkeys(f.label for f in reading.unhandled()))
        warning = Strong("\u26a0 Looks sensitive, not yet redacted or dismissed:")
        cell = (*cell, Break(), warning, Text(f" {labels}"))
    return cell


def timeline(ctx: ReportContext) -> list[Block]:
    blocks: list[Block] = []
    if ctx.timeline_picture:
        blocks.append(Figure(Image(ctx.timeline_picture, "Timeline of the incident")))
    columns = TIMELINE_COLUMNS[1:] if ctx.utc_only else TIMELINE_COLUMNS
    rows = []
    for entry in ctx.entries:
        moment = entry.occurred_at
        cells = [
            line(facts.local_time(moment, ctx.tz, with_date=ctx.with_date)),
            line(facts.utc_time(moment, with_date=ctx.with_date)),
            line(ctx.offset(moment)),
            line(Kind(entry.kind)),
            _timeline_cell(ctx, entry),
        ]
        rows.append(tuple(cells[1:] if ctx.utc_only else cells))
    blocks.append(Table(columns, tuple(rows)))
    if not ctx.entries:
        return [*blocks, Paragraph(line(Emph("No entries were recorded.")))]
    legend = f"T+ is the time since {ctx.start_label}."
    if any(entry.starred for entry in ctx.entries):
        legend += f" {STAR} marks a key moment."
    if ctx.record.milestone_entries:
        legend += f" {MILESTONE_MARK} marks a milestone."
    return [*blocks, Paragraph(line(Emph(legend)))]


FILL_FUNCTIONS: dict[str, Callable[[ReportContext], list[Block]]] = {
    "none": lambda ctx: [],
    "summary": summary,
    "metrics": summary,
    "detection": detection,
    "impact": impact,
    "impact_window": impact_window,
    "timeline": timeline,
    "root_cause": root_cause,
    "resolution": resolution,
    "cause_and_fix": cause_and_fix,
    "response": response,
    "recovery": recovery,
    "leadup": leadup,
    "communication": communication,
    "prevention": prevention,
    "action_items": action_items,
}
"""templates.FILLS → the function writing it (a test checks both lists agree)."""
