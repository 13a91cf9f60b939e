"""The public side of an incident: what a customer-facing report and a status page may show.

`public_record` cuts a record down to what may be published: the entries marked public (not
hidden), without their authors or stars; no roles; only the services marked public; only the
public_* report texts; no action items; captures only when they were reviewed for redaction
(they are then exported as the rendered, redaction-burned copy, never the original), no
window titles, and only the milestones a customer is told of (`PUBLIC_MILESTONES`: when it
started, when service was restored, when it was resolved; detected and acknowledged are the
team's own). The result says it is public (`IncidentRecord.public`). Every public renderer
(Markdown, JSON, HTML, PDF, the timeline picture, the status page) starts from it, so a format
cannot forget a rule. `status_update` writes the plain text a status page takes.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, tzinfo

from incident_recorder.domain import Entry
from incident_recorder.domain.details import Status
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.record import GlobalIds, IncidentRecord
from incident_recorder.domain.times import in_zone, show

PUBLIC_TEXT_PREFIX = "public_"
PUBLIC_MILESTONES: dict[Milestone, str] = {
    Milestone.IMPACT_STARTED: "Started",
    Milestone.MITIGATED: "Service restored",
    Milestone.RESOLVED: "Resolved",
}
"""The milestones a public report, picture and status page show, with the words they use."""
WITHHELD = "screenshot withheld: not yet reviewed for redaction"


def _public_entry(entry: Entry, reviewed: frozenset[int]) -> Entry:
    capture, text = entry.capture, entry.text
    if capture is not None and capture.id not in reviewed:
        capture = None
        text = f"{text}\n({WITHHELD})" if text.strip() else f"({WITHHELD})"
    elif capture is not None:
        capture = dataclasses.replace(capture, window_title=None)
    # Stars are the team's own curation marks: a customer reads every update the same way.
    return dataclasses.replace(entry, author=None, starred=False, capture=capture, text=text)


def public_record(record: IncidentRecord) -> IncidentRecord:
    """What of `record` may be published (see the module docstring). Applying it twice
    changes nothing more."""
    entries = tuple(
        _public_entry(entry, record.reviewed_captures)
        for entry in record.entries
        if entry.public and not entry.hidden
    )
    kept = {entry.id for entry in entries}
    captures = {entry.capture.id for entry in entries if entry.capture is not None}
    # The public text names the status and the public services only: the team's severity
    # scale and how the incident was detected stay internal in every public format.
    details = dataclasses.replace(
        record.details,
        roles={},
        services=record.details.public_services(),
        severity=None,
        detection_source=None,
    )
    milestones = Milestones(
        {m: when for m, when in record.milestones.reached() if m in PUBLIC_MILESTONES}
    )
    return dataclasses.replace(
        record,
        public=True,
        details=details,
        entries=entries,
        milestones=milestones,
        milestone_entries={
            k: v
            for k, v in record.milestone_entries.items()
            if k in kept and v in PUBLIC_MILESTONES
        },
        report_texts={
            key: text
            for key, text in record.report_texts.items()
            if key.startswith(PUBLIC_TEXT_PREFIX)
        },
        action_items=(),
        reviewed_captures=frozenset(captures),
        corrected_at={k: v for k, v in record.corrected_at.items() if k in kept},
        uids=GlobalIds(
            entries={k: v for k, v in record.uids.entries.items() if k in kept},
            captures={k: v for k, v in record.uids.captures.items() if k in captures},
        ),
        sensitive_captures=record.sensitive_captures & frozenset(captures),
    )


def _utc(moment: datetime) -> str:
    return show(in_zone(moment, UTC), "%Y-%m-%d %H:%M UTC")


def _state(record: IncidentRecord) -> str:
    """Where things stand, from `record.status` (the one rule: domain.record.current_status)."""
    milestones = record.milestones
    status = record.status
    if status is Status.RESOLVED:
        resolved = milestones[Milestone.RESOLVED]
        return "Resolved" + (f" at {_utc(resolved)}" if resolved else "")
    mitigated = milestones[Milestone.MITIGATED]
    if status is Status.MONITORING and mitigated is not None:
        return f"Monitoring: a fix has been in place since {_utc(mitigated)}"
    return status.label


def status_update(record: IncidentRecord, *, now: datetime, tz: tzinfo, latest: int = 3) -> str:
    """Plain text for a status page: the title, where things stand, the latest public entries
    (newest first) with their times in UTC. `tz` is accepted for symmetry with the reports;
    a status page reader's zone is unknown, so every time is UTC."""
    public = public_record(record)
    lines = [" ".join(public.title.split()), f"Status: {_state(public)}"]
    start = public.milestones[Milestone.IMPACT_STARTED]
    if start is not None:
        lines.append(f"Started: {_utc(start)}")
    services = ", ".join(" ".join(s.name.split()) for s in public.details.services)
    if services:
        lines.append(f"Affected: {services}")
    updates = sorted(public.entries, key=lambda e: (e.occurred_at, e.id), reverse=True)
    if updates and latest > 0:
        lines.append("")
        for entry in updates[:latest]:
            text = " ".join(entry.text.split())
            lines.append(f"{_utc(entry.occurred_at)} \u2014 {text}")
    lines += ["", f"Updated {_utc(now)}"]
    return "\n".join(lines) + "\n"
