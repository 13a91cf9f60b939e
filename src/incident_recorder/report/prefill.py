"""Draft texts for the report editor: a starting point for each section, from the record.

`draft_texts(record, tz)` gives one Markdown draft per editable section (templates.
EDITABLE_SECTIONS), written from the entries of the matching kinds and the metrics, in
blameless words: what the system did and what the team saw and did, never who was at fault.
The editor shows a draft in a section that is still empty; drafts are never saved by
themselves: the team reads, corrects and keeps them. Entry text is quoted through
report/escape.py, so a note cannot add structure to the draft either.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.actions import ActionType
from incident_recorder.domain.details import DetectionSource
from incident_recorder.domain.milestones import Metric, Milestone
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.times import elapsed
from incident_recorder.report import facts
from incident_recorder.report.context import clock
from incident_recorder.report.escape import HARD_BREAK, escape_inline, escape_text
from incident_recorder.report.fills import resolving_entries


def _when(moment: datetime, tz: tzinfo) -> str:
    if facts.is_utc(tz, moment):
        return facts.utc_time(moment)
    return f"{facts.local_time(moment, tz)} ({facts.utc_time(moment, with_date=False)})"


def _items(entries: Sequence[Entry], tz: tzinfo, *, kind: bool = False) -> list[str]:
    lines = []
    for entry in entries:
        label = f"{entry.kind.label}: " if kind else ""
        text = escape_text(entry.text, line_break=HARD_BREAK) if entry.text else "(capture)"
        when = facts.local_time(entry.occurred_at, tz, with_date=False)
        lines.append(f"- {when} \u2014 {label}{text}")
    return lines


def _metric(record: IncidentRecord, metric: Metric) -> str | None:
    value = record.milestones.metric(metric)
    return None if value is None else clock(value)


def _summary(record: IncidentRecord, tz: tzinfo) -> str:
    details, milestones = record.details, record.milestones
    services = ", ".join(escape_inline(s.name) for s in details.services)
    what = escape_inline(record.title, at_line_start=True) + (
        f" affected {services}" if services else ""
    )
    start = milestones[Milestone.IMPACT_STARTED]
    sentence = f"{what}, starting {_when(start, tz)}" if start else what
    parts = [sentence + "."]
    if details.severity:
        parts.append(f"It was rated {escape_inline(details.severity)}.")
    facts_ = []
    for metric, words in (
        (Metric.TIME_TO_DETECT, "detected after"),
        (Metric.TIME_TO_MITIGATE, "mitigated after"),
        (Metric.TIME_TO_RESOLVE, "resolved after"),
    ):
        value = _metric(record, metric)
        if value:
            facts_.append(f"{words} {value}")
    if facts_:
        parts.append("The incident was " + ", ".join(facts_) + " (measured from impact start).")
    else:
        parts.append("Impact start and end were not recorded as milestones.")
    return " ".join(parts)


def _of(record: IncidentRecord, *kinds: EntryKind) -> list[Entry]:
    return [
        e for e in facts.in_order(record.visible_entries(), record.uids.entries) if e.kind in kinds
    ]


_NOTICED = {
    DetectionSource.CUSTOMER: "A customer reported it.",
    DetectionSource.INTERNAL: "Someone on the team noticed it.",
    DetectionSource.AUTOMATED: "Automated alerting detected it.",
}


def _public_summary(record: IncidentRecord) -> str:
    """For customers: when and what (public services only), in UTC. Not the updates: the
    public report lists them under Updates."""
    milestones = record.milestones
    start = milestones[Milestone.IMPACT_STARTED]
    end = milestones[Milestone.MITIGATED] or milestones[Milestone.RESOLVED]
    services = ", ".join(escape_inline(s.name) for s in record.details.public_services())
    what = services or "the service"
    if start and end:
        opening = f"Between {facts.utc_time(start)} and {facts.utc_time(end)}, {what} was affected."
    elif start:
        opening = f"Since {facts.utc_time(start)}, {what} has been affected."
    else:
        opening = ""
    return opening


def _detection(record: IncidentRecord, tz: tzinfo) -> str:
    source = record.details.detection_source
    how = _NOTICED[source] if source else ""
    ttd = _metric(record, Metric.TIME_TO_DETECT)
    if ttd:
        how += f" Time to detect: {ttd} from impact start."
    items = _items(_of(record, EntryKind.DETECTION), tz)
    return "\n".join([how.strip(), "", *items]).strip()


def _impact(record: IncidentRecord, tz: tzinfo) -> str:
    milestones = record.milestones
    start, end = (
        milestones[Milestone.IMPACT_STARTED],
        (milestones[Milestone.MITIGATED] or milestones[Milestone.RESOLVED]),
    )
    lines = []
    if start and end:
        lasted = clock(elapsed(start, end))
        lines.append(f"Impact lasted {lasted}, from {_when(start, tz)} to {_when(end, tz)}.")
    elif start:
        lines.append(f"Impact started {_when(start, tz)}; its end was not recorded.")
    services = ", ".join(escape_inline(s.name) for s in record.details.services)
    if services:
        lines.append(f"Services affected: {services}.")
    return "\n".join([" ".join(lines), "", *_items(_of(record, EntryKind.IMPACT), tz)]).strip()


def _resolution(record: IncidentRecord, tz: tzinfo) -> str:
    shown = facts.in_order(record.visible_entries(), record.uids.entries)
    entries = resolving_entries(shown, record.milestone_entries)
    intro = "What mitigated and resolved it, in order:" if entries else ""
    return "\n".join([intro, "", *_items(entries, tz, kind=True)]).strip()


def draft_texts(record: IncidentRecord, tz: tzinfo) -> dict[str, str]:
    """A Markdown draft for every editable section (empty where nothing was recorded)."""
    causes = _items(_of(record, EntryKind.CAUSE), tz)
    cause_intro = "What the record says about the cause:" if causes else ""
    prevent = [
        f"- {escape_text(item.description, line_break=HARD_BREAK)}"
        for item in record.action_items
        if not item.hidden and item.type is ActionType.PREVENT
    ]
    return {
        "summary": _summary(record, tz),
        "detection": _detection(record, tz),
        "impact": _impact(record, tz),
        "root_cause_immediate": "\n".join([cause_intro, "", *causes]).strip(),
        "root_cause_underlying": "",
        "resolution": _resolution(record, tz),
        "prevention": "\n".join(["Planned measures:", "", *prevent]) if prevent else "",
        "public_summary": _public_summary(record),
        "public_prevention": "",
    }
