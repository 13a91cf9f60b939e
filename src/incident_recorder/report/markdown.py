"""The Markdown incident report: a blameless-postmortem skeleton pre-filled from the timeline.

`render_markdown` is a pure function (no disk, no clock): the eight sections of the team's
report guide, in order, each pre-filled from the entries of the matching kinds, with a guiding
prompt in italics where people have to write. Hidden entries never appear. Every piece of
recorded text goes through `escape`, so a note can never add a heading, a table row, HTML or a
link (see docs/export.md). When the report's zone is UTC, each time is written once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo

from incident_recorder.domain import Entry, EntryKind, Incident
from incident_recorder.domain.times import format_duration, format_offset
from incident_recorder.report import facts
from incident_recorder.report.escape import BR, code_span, escape_heading, escape_text

SECTIONS = (
    "Summary",
    "Detection",
    "Impact",
    "Timeline",
    "Root cause analysis",
    "Resolution",
    "Prevention",
    "Action items",
)
"""The level-2 headings of every report, in this order."""

SUBSECTIONS = ("Immediate cause", "Underlying issues")
"""The level-3 headings (both under Root cause analysis)."""

TIMELINE_COLUMNS = ("Local time", "UTC", "T+", "Kind", "Entry")
"""The timeline table's columns; without "Local time" when the report's zone is UTC."""

ACTION_COLUMNS = ("Item", "Owner", "Due", "Status", "Type")

PROMPTS = {
    "Summary": "In two or three sentences: what happened, who was affected, how long it "
    "lasted and how it was brought to an end.",
    "Detection": "How was it noticed: by a customer, a person on the team, or an automated "
    "alert? How could we have cut the time to detection in half?",
    "Impact": "Who and what was affected, and how badly: services, customers, orders, data? "
    "Give numbers where you have them.",
    "Immediate cause": "What, directly, made the system fail at this moment?",
    "Underlying issues": "Which conditions let the immediate cause do harm (design, tooling, "
    "process, missing safeguards)? Ask why again until you reach them. Blameless: "
    "\u201coperator error\u201d is never a root cause; ask why the system let it happen.",
    "Resolution": "What brought the service back, and what was tried that did not help? "
    "What slowed the recovery?",
    "Prevention": "What will stop this from happening again, or make it smaller and shorter "
    "next time? Which of the underlying issues does each measure address?",
    "Action items": "One row per action: a concrete task with one owner and a due date. "
    "Type: mitigate (reduce the impact next time) or prevent (stop it recurring).",
}

_RESOLUTION_KINDS = (EntryKind.ACTION, EntryKind.DECISION, EntryKind.RESOLUTION)


def _prompt(name: str) -> str:
    return f"_{PROMPTS[name]}_"


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


class _Context:
    """Times written the same way everywhere in one report."""

    def __init__(self, entries: Sequence[Entry], tz: tzinfo, reference: datetime) -> None:
        self.tz = tz
        self.start = entries[0].occurred_at if entries else None
        dates = {entry.occurred_at.astimezone(tz).date() for entry in entries}
        self.with_date = len(dates) > 1
        self.utc_only = facts.is_utc(tz, reference)
        """Local time is UTC: each time is written once, and the timeline has no local column."""

    def both(self, moment: datetime) -> str:
        """'2026-11-27 15:02:07 CET (14:02:07 UTC, T+00:02:07)'; in UTC, '… 14:02:07 UTC (T+…)'."""
        local = facts.local_time(moment, self.tz)
        after = [] if self.utc_only else [facts.utc_time(moment, with_date=False)]
        if self.start is not None:
            after.append(format_offset(moment - self.start))
        return f"{local} ({', '.join(after)})" if after else local

    def local_and_utc(self, moment: datetime) -> str:
        """'2026-11-27 15:02:07 CET (14:02:07 UTC)'; in UTC, '2026-11-27 14:02:07 UTC'."""
        local = facts.local_time(moment, self.tz)
        if self.utc_only:
            return local
        return f"{local} ({facts.utc_time(moment, with_date=False)})"

    def entry_line(self, entry: Entry, *, kind: bool = False) -> str:
        label = f"**{entry.kind.label}** " if kind else ""
        text = escape_text(entry.text) if entry.text else "_(capture without text)_"
        return f"- {self.both(entry.occurred_at)} \u2014 {label}{text}"

    def moment_line(self, label: str, entry: Entry | None, note: str = "") -> str:
        if entry is None:
            return f"- **{label}:** not recorded"
        suffix = f" ({note})" if note else ""
        return f"- **{label}:** {self.both(entry.occurred_at)}{suffix}"


def _entry_list(
    ctx: _Context, entries: Sequence[Entry], none: str, *, kind: bool = False
) -> list[str]:
    if not entries:
        return [f"_{none}_"]
    return [ctx.entry_line(entry, kind=kind) for entry in entries]


def _header(
    incident: Incident, entries: Sequence[Entry], ctx: _Context, exported_at: datetime
) -> list[str]:
    moments = facts.key_moments(entries)
    captures = sum(1 for entry in entries if entry.capture is not None)
    duration = moments.duration
    first, last = moments.first_entry, moments.last_entry
    zone = facts.describe_zone(ctx.tz, first.occurred_at if first else exported_at)
    if ctx.utc_only:
        zone_line = f"times are in {escape_heading(zone)}, each followed by T+"
    else:
        zone_line = f"local times are {escape_heading(zone)}; each is followed by UTC and T+"
    return [
        f"# {escape_heading(incident.title)}",
        "",
        f"- **Incident:** {code_span(incident.uuid)}",
        f"- **Created:** {ctx.both(incident.created_at)}",
        f"- **First entry:** {ctx.both(first.occurred_at) if first else 'none'}",
        f"- **Last entry:** {ctx.both(last.occurred_at) if last else 'none'}",
        f"- **Duration:** {format_duration(duration) if duration is not None else 'unknown'}"
        " (first to last entry)",
        f"- **Entries:** {len(entries)}, of which {captures} with a capture",
        f"- **Exported:** {ctx.local_and_utc(exported_at)}",
        f"- **Time zone:** {zone_line} (time since the first entry)",
    ]


def _summary(incident: Incident, entries: Sequence[Entry], ctx: _Context) -> list[str]:
    moments = facts.key_moments(entries)
    duration = moments.duration
    lines = [
        f"**{escape_heading(incident.title)}**, "
        f"{format_duration(duration) if duration is not None else 'no entries recorded'}"
        " from the first to the last entry.",
        "",
        "Key moments:",
        "",
        ctx.moment_line("First detection", moments.first_detection),
        ctx.moment_line("First impact", moments.impact_start),
        ctx.moment_line("First resolution entry", moments.first_resolution),
    ]
    lines.append(
        _measured(
            "Time to detect",
            moments.time_to_detect,
            moments.why_no_time_to_detect,
            "impact start to first detection entry",
        )
    )
    lines.append(
        _measured(
            "Time to resolve",
            moments.time_to_resolve,
            moments.why_no_time_to_resolve,
            "impact start to the first resolution entry after it",
        )
    )
    return [*lines, "", _prompt("Summary")]


def _measured(label: str, value: timedelta | None, why_not: str | None, definition: str) -> str:
    """A measured span with its definition, or why it is not measurable: never a guess."""
    if value is None:
        return f"- **{label}:** not measurable ({why_not or 'not recorded'})"
    return f"- **{label}:** {format_duration(value)} ({definition})"


def _impact(entries: Sequence[Entry], ctx: _Context) -> list[str]:
    moments = facts.key_moments(entries)
    impacts = [entry for entry in entries if entry.kind is EntryKind.IMPACT]
    return [
        ctx.moment_line("Impact start", moments.impact_start, "first impact entry"),
        ctx.moment_line(
            "Impact end", moments.impact_end, "first resolution entry after the impact start"
        ),
        "",
        *_entry_list(ctx, impacts, "No impact entry was recorded."),
        "",
        _prompt("Impact"),
    ]


def _capture_note(written: facts.ExportedCapture | None) -> str:
    if written is None or not written.annotations:
        return ""
    return " (redacted)" if written.redacted else " (annotated)"


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


def _timeline(
    entries: Sequence[Entry],
    ctx: _Context,
    image_files: Mapping[int, str],
    captures: Mapping[int, facts.ExportedCapture],
) -> list[str]:
    columns = TIMELINE_COLUMNS[1:] if ctx.utc_only else TIMELINE_COLUMNS
    lines = [_row(columns), _row("---" for _ in columns)]
    for entry in entries:
        moment = entry.occurred_at
        cell = escape_text(entry.text)
        if entry.capture is not None:
            capture = entry.capture
            alt = (
                f"Capture at {facts.utc_time(moment, with_date=False)} \u2014 "
                f"{capture.width}\u00d7{capture.height}"
                f"{_capture_note(captures.get(entry.id))}"
            )
            name = image_files.get(entry.id)
            image = f"![{alt}]({name})" if name else f"_({alt}: image not exported)_"
            cell = f"{cell}{BR}{image}" if cell else image
        cells = [
            facts.local_time(moment, ctx.tz, with_date=ctx.with_date),
            facts.utc_time(moment, with_date=ctx.with_date),
            format_offset(moment - ctx.start) if ctx.start else "",
            entry.kind.label,
            cell,
        ]
        lines.append(_row(cells[1:] if ctx.utc_only else cells))
    if not entries:
        lines += ["", "_No entries were recorded._"]
    return lines


def render_markdown(
    incident: Incident,
    entries: Sequence[Entry],
    image_files: Mapping[int, str],
    tz: tzinfo,
    *,
    exported_at: datetime | None = None,
    captures: Mapping[int, facts.ExportedCapture] | None = None,
) -> str:
    """The report as Markdown text. Hidden entries are left out.

    captures (from write_images) marks annotated and redacted captures in the timeline and, when
    originals were exported, adds a warning line to the header.

    image_files maps an entry id to its capture's path relative to the report
    ('images/entry-0007-….png'); a capture without one is named but not embedded.
    exported_at (default: the last entry's or the incident's creation time, so the output
    depends only on the arguments) is stated in the header.
    """
    shown = facts.in_order([entry for entry in entries if not entry.hidden])
    if exported_at is None:
        exported_at = shown[-1].occurred_at if shown else incident.created_at
    ctx = _Context(shown, tz, shown[0].occurred_at if shown else exported_at)

    def of(*kinds: EntryKind) -> list[Entry]:
        return [entry for entry in shown if entry.kind in kinds]

    body: dict[str, list[str]] = {
        "Summary": _summary(incident, shown, ctx),
        "Detection": [
            *_entry_list(ctx, of(EntryKind.DETECTION), "No detection entry was recorded."),
            "",
            _prompt("Detection"),
        ],
        "Impact": _impact(shown, ctx),
        "Timeline": _timeline(shown, ctx, image_files, captures or {}),
        "Root cause analysis": [
            *_entry_list(ctx, of(EntryKind.CAUSE), "No cause entry was recorded."),
            "",
            "### Immediate cause",
            "",
            _prompt("Immediate cause"),
            "",
            "### Underlying issues",
            "",
            _prompt("Underlying issues"),
        ],
        "Resolution": [
            *_entry_list(
                ctx,
                of(*_RESOLUTION_KINDS),
                "No action, decision or resolution entry was recorded.",
                kind=True,
            ),
            "",
            _prompt("Resolution"),
        ],
        "Prevention": [_prompt("Prevention")],
        "Action items": [
            _prompt("Action items"),
            "",
            _row(ACTION_COLUMNS),
            _row("---" for _ in ACTION_COLUMNS),
        ],
    }
    lines = _header(incident, shown, ctx, exported_at) + _originals(captures or {})
    for name in SECTIONS:
        lines += ["", f"## {name}", "", *body[name]]
    return "\n".join(lines) + "\n"
