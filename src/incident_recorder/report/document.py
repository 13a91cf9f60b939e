"""The Markdown incident report: a template's sections, the team's text, the recorded facts.

`render_report` is a pure function (no disk, no clock). The report opens with the title and the
incident's details (severity, status, impact duration, services, detection, roles; a public
report names no roles and no internal service), then each section of the template in order:
its heading, the team's free text for it (report_texts[key], placed by report/freetext.py),
then what the app fills in from the record (report/fills.py). A writing prompt is never
written: it is the editor's placeholder. A section with neither text nor facts is left out;
once the team wrote a section, its words replace the automatic entry list (a used draft
already lists them). The HTML and PDF exports render this same text.
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
from incident_recorder.report.escape import code_span, escape_heading, escape_inline
from incident_recorder.report.fills import FILL_FUNCTIONS
from incident_recorder.report.freetext import place_free_text
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


def _originals(captures: Mapping[int, facts.ExportedCapture]) -> list[str]:
    """The warning line the header carries when unredacted originals were exported."""
    with_original = [c for c in captures.values() if c.original_file is not None]
    if not with_original:
        return []
    sensitive = sum(1 for c in with_original if c.redacted)
    return [
        f"- **Originals included:** {facts.ORIGINALS_DIR}/ holds the unannotated original of "
        f"{len(with_original)} capture(s), {sensitive} of them with redacted content "
        "\u2014 do not share that folder"
    ]


def header(ctx: ReportContext, template: ReportTemplate) -> list[str]:
    """Title, kind of report, and the details list."""
    record, details = ctx.record, ctx.record.details
    lines = [f"# {escape_heading(record.title)}", "", f"_{escape_inline(template.title)}_", ""]
    services = ", ".join(escape_inline(s.name) for s in details.services) or "not recorded"
    if template.public:
        lines += [f"- **Status:** {record.status.label}", f"- **Services affected:** {services}"]
    else:
        source = details.detection_source
        lines += [
            f"- **Severity:** {escape_inline(details.severity or 'not set')}",
            f"- **Status:** {record.status.label}",
            f"- **Duration of impact:** {_impact_line(ctx)}",
            f"- **Services affected:** {services}",
            f"- **Detected by:** {source.label if source else 'not recorded'}",
        ]
        for role in Role:
            name = details.roles.get(role)
            if name:
                lines.append(f"- **{role.label}:** {escape_inline(name)}")
    captures = sum(1 for entry in ctx.entries if entry.capture is not None)
    first = ctx.entries[0].occurred_at if ctx.entries else ctx.exported_at
    zone = escape_inline(facts.describe_zone(ctx.tz, first))
    if ctx.utc_only:
        zone_line = f"times are in {zone}, each followed by T+"
    else:
        zone_line = f"local times are {zone}; each is followed by UTC and T+"
    if not template.public:
        lines += [
            f"- **Incident:** {code_span(record.incident.uuid)}",
            f"- **Entries:** {len(ctx.entries)}, "
            + (f"of which {captures} with a capture" if captures else "none with a capture"),
        ]
    lines += [
        f"- **Exported:** {ctx.local_and_utc(ctx.exported_at)}",
        f"- **Time zone:** {zone_line} (time since {ctx.start_label})",
    ]
    return lines + _originals(ctx.captures)


_LEAD_INS = {"impact_window": "At a glance"}
"""The caption put between the team's text and a fill that starts with a list (default
`FROM_THE_RECORD`): two lists one after the other merge into one in Markdown renderers."""
FROM_THE_RECORD = "From the record"


def _team_text(ctx: ReportContext, spec: TemplateSection) -> str:
    text = ctx.record.report_texts.get(spec.key, "")
    return place_free_text(text, spec.level) if text.strip() else ""


def section(ctx: ReportContext, spec: TemplateSection, *, written: bool = False) -> list[str]:
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
    lines = ["", f"{'#' * spec.level} {escape_heading(spec.heading)}", ""]
    if placed:
        lines += [placed, ""]
        if filled and filled[0].startswith("- "):
            lines += [f"**{_LEAD_INS.get(spec.fill, FROM_THE_RECORD)}:**", ""]
    lines += filled
    if lines[-1] == "":
        lines.pop()
    return lines


def _below(template: ReportTemplate, index: int) -> list[int]:
    """The sub-parts of section `index`: the deeper sections up to the next of its level."""
    level, found = template.sections[index].level, []
    for later in range(index + 1, len(template.sections)):
        if template.sections[later].level <= level:
            break
        found.append(later)
    return found


def sections(ctx: ReportContext, template: ReportTemplate) -> list[str]:
    """The template's sections in order, the empty ones left out. A section with nothing of
    its own stays when one of its sub-parts has something: its heading carries them."""
    specs = template.sections
    below = [_below(template, index) for index in range(len(specs))]
    parts = [
        section(ctx, spec, written=any(_team_text(ctx, specs[sub]) for sub in below[index]))
        for index, spec in enumerate(specs)
    ]
    lines: list[str] = []
    for index, spec in enumerate(specs):
        part = parts[index]
        if not part and any(parts[sub] for sub in below[index]):
            part = ["", f"{'#' * spec.level} {escape_heading(spec.heading)}"]
        lines += part
    return lines


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
    if template.public:
        record = public_record(record)
    ctx = ReportContext(record, tz, exported_at, image_files, captures or {}, timeline_picture)
    return "\n".join(header(ctx, template) + sections(ctx, template)) + "\n"
