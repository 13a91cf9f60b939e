"""The incident report: a template's sections, the team's text, the recorded facts.

`build_report` is a pure function (no disk, no clock) from the record to the document model
(report/model.py); `render_report` is that document as Markdown. The report opens with the
title and the incident's details (severity, status, impact duration, services, detection,
roles; a public report names no roles and no internal service), then each section of the
template in order: its heading, the team's free text for it (report_texts[key], placed by
report/freetext.py), then what the app fills in from the record (report/fills.py). A writing
prompt is never written: it is the editor's placeholder. A section with neither text nor facts
is left out; once the team wrote a section, its words replace the automatic entry list (a used
draft already lists them). The HTML and PDF exports render this same document, each in its
own way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo

from incident_recorder.domain.details import Role
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.times import elapsed
from incident_recorder.report import facts
from incident_recorder.report.context import ReportContext, clock
from incident_recorder.report.fills import FILL_FUNCTIONS
from incident_recorder.report.freetext import place_free_text
from incident_recorder.report.model import (
    Block,
    Code,
    Document,
    Emph,
    Heading,
    Items,
    Line,
    Paragraph,
    Strong,
    Written,
    line,
    to_markdown,
)
from incident_recorder.report.public import public_record
from incident_recorder.report.templates import ReportTemplate, TemplateSection


def _impact_line(ctx: ReportContext) -> str:
    milestones = ctx.record.milestones
    start = milestones[Milestone.IMPACT_STARTED]
    if start is None:
        return "not recorded (no \u201cimpact started\u201d milestone)"
    for end in (Milestone.MITIGATED, Milestone.RESOLVED):
        when = milestones[end]
        if when is not None:
            return f"{clock(elapsed(start, when))} (impact started to {end.label.lower()})"
    return f"ongoing: {clock(elapsed(start, ctx.exported_at))} at export (not yet mitigated)"


def _originals(captures: Mapping[int, facts.ExportedCapture]) -> list[Line]:
    """The warning line the header carries when unredacted originals were exported."""
    with_original = [c for c in captures.values() if c.original_file is not None]
    if not with_original:
        return []
    sensitive = sum(1 for c in with_original if c.redacted)
    return [
        _fact(
            "Originals included",
            f"{facts.ORIGINALS_DIR}/ holds the unannotated original of "
            f"{len(with_original)} capture(s), {sensitive} of them with redacted content "
            "\u2014 do not share that folder",
        )
    ]


def _fact(name: str, value: str) -> Line:
    return line(Strong(f"{name}:"), f" {value}")


def header(ctx: ReportContext, template: ReportTemplate) -> list[Block]:
    """Title, kind of report, and the details list."""
    record, details = ctx.record, ctx.record.details
    blocks: list[Block] = [Heading(1, record.title), Paragraph(line(Emph(template.title)))]
    services = ", ".join(s.name for s in details.services) or "not recorded"
    lines: list[Line]
    if template.public:
        lines = [_fact("Status", record.status.label), _fact("Services affected", services)]
    else:
        source = details.detection_source
        lines = [
            _fact("Severity", details.severity or "not set"),
            _fact("Status", record.status.label),
            _fact("Duration of impact", _impact_line(ctx)),
            _fact("Services affected", services),
            _fact("Detected by", source.label if source else "not recorded"),
        ]
        for role in Role:
            name = details.roles.get(role)
            if name:
                lines.append(_fact(role.label, name))
    captures = sum(1 for entry in ctx.entries if entry.capture is not None)
    first = ctx.entries[0].occurred_at if ctx.entries else ctx.exported_at
    zone = facts.describe_zone(ctx.tz, first)
    if ctx.utc_only:
        zone_line = f"times are in {zone}, each followed by T+"
    else:
        zone_line = f"local times are {zone}; each is followed by UTC and T+"
    if not template.public:
        with_capture = f"of which {captures} with a capture" if captures else "none with a capture"
        lines += [
            line(Strong("Incident:"), " ", Code(record.incident.uuid)),
            _fact("Entries", f"{len(ctx.entries)}, {with_capture}"),
        ]
    lines += [
        _fact("Exported", ctx.local_and_utc(ctx.exported_at)),
        _fact("Time zone", f"{zone_line} (time since {ctx.start_label})"),
    ]
    return [*blocks, Items(tuple(lines + _originals(ctx.captures)))]


_LEAD_INS = {"impact_window": "At a glance"}
"""The caption put between the team's text and a fill that starts with a list (default
`FROM_THE_RECORD`): two lists one after the other merge into one in Markdown renderers."""
FROM_THE_RECORD = "From the record"


def _team_text(ctx: ReportContext, spec: TemplateSection) -> str:
    text = ctx.record.report_texts.get(spec.key, "")
    return place_free_text(text, spec.level) if text.strip() else ""


def section(ctx: ReportContext, spec: TemplateSection, *, written: bool = False) -> list[Block]:
    """One section: heading, the team's text, then the filled-in facts; [] when it has
    neither (a writing prompt belongs to the editor, never to a report). Once the team wrote
    the section (`written`: here or in a sub-part), its words replace the automatic entry
    list: a used draft is not printed twice."""
    placed = _team_text(ctx, spec)
    ctx.lists_entries = not (placed or written)
    try:
        filled = FILL_FUNCTIONS[spec.fill](ctx)
    finally:
        ctx.lists_entries = True
    if not placed and not filled:
        return []
    blocks: list[Block] = [Heading(spec.level, spec.heading)]
    if placed:
        blocks.append(Written(placed))
        if filled and isinstance(filled[0], Items):
            lead_in = f"{_LEAD_INS.get(spec.fill, FROM_THE_RECORD)}:"
            blocks.append(Paragraph(line(Strong(lead_in))))
    return blocks + filled


def _below(template: ReportTemplate, index: int) -> list[int]:
    """The sub-parts of section `index`: the deeper sections up to the next of its level."""
    level, found = template.sections[index].level, []
    for later in range(index + 1, len(template.sections)):
        if template.sections[later].level <= level:
            break
        found.append(later)
    return found


def sections(ctx: ReportContext, template: ReportTemplate) -> list[Block]:
    """The template's sections in order, the empty ones left out. A section with nothing of
    its own stays when one of its sub-parts has something: its heading carries them."""
    specs = template.sections
    below = [_below(template, index) for index in range(len(specs))]
    parts = [
        section(ctx, spec, written=any(_team_text(ctx, specs[sub]) for sub in below[index]))
        for index, spec in enumerate(specs)
    ]
    blocks: list[Block] = []
    for index, spec in enumerate(specs):
        part = parts[index]
        if not part and any(parts[sub] for sub in below[index]):
            part = [Heading(spec.level, spec.heading)]
        blocks += part
    return blocks


def build_report(
    record: IncidentRecord,
    *,
    template: ReportTemplate,
    image_files: Mapping[int, str],
    tz: tzinfo,
    exported_at: datetime,
    captures: Mapping[int, facts.ExportedCapture] | None = None,
    timeline_picture: str | None = None,
) -> Document:
    """The report as a document (report/model.py); the arguments as for `render_report`."""
    if template.public:
        record = public_record(record)
    ctx = ReportContext(record, tz, exported_at, image_files, captures or {}, timeline_picture)
    return Document(record.title, tuple(header(ctx, template) + sections(ctx, template)))


def render_report(
    record: IncidentRecord,
    *,
    template: ReportTemplate,
    image_files: Mapping[int, str],
    tz: tzinfo,
    exported_at: datetime,
    captures: Mapping[int, facts.ExportedCapture] | None = None,
    timeline_picture: str | None = None,
) -> str:
    """The report as Markdown text. Hidden entries are left out; a public template shows only
    what `public_record` keeps.

    image_files maps an entry id to its capture's path relative to the report
    ('images/entry-0007-….png'); a capture without one is named but not embedded. captures
    (from write_images) marks annotated and redacted captures and, when originals were
    exported, adds a warning line. timeline_picture ('images/timeline.svg') is embedded at
    the top of the Timeline section when given.
    """
    document = build_report(
        record,
        template=template,
        image_files=image_files,
        tz=tz,
        exported_at=exported_at,
        captures=captures,
        timeline_picture=timeline_picture,
    )
    return to_markdown(document)
