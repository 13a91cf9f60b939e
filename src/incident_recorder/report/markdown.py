"""render_markdown: the default report for bare entries (no milestones, details or texts).

The report itself is `report/document.py` (`render_report`, from an IncidentRecord and a
template); this wrapper keeps the older entry-list signature for callers and tests that have
only an incident and its entries. The constants name the default template's headings and
prompts, read from resources/templates/default.toml.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo

from incident_recorder.domain import Entry, Incident
from incident_recorder.domain.details import IncidentDetails
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.report import facts
from incident_recorder.report.document import render_report
from incident_recorder.report.fills import ACTION_COLUMNS, TIMELINE_COLUMNS
from incident_recorder.report.templates import DEFAULT_TEMPLATE, ReportTemplate, load_template

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
"""The level-2 headings of the default report, in order (a test checks default.toml agrees)."""

SUBSECTIONS = ("Immediate cause", "Underlying issues")
"""The level-3 headings (both under Root cause analysis)."""

__all__ = ["ACTION_COLUMNS", "SECTIONS", "SUBSECTIONS", "TIMELINE_COLUMNS", "render_markdown"]


@functools.cache
def _default() -> ReportTemplate:
    return load_template(DEFAULT_TEMPLATE)  # read once, when first needed


def __getattr__(name: str) -> object:
    """PROMPTS: each default section's guiding prompt, by heading (read from default.toml)."""
    if name == "PROMPTS":
        return {s.heading: s.prompt for s in _default().sections if s.prompt}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render_markdown(
    incident: Incident,
    entries: Sequence[Entry],
    image_files: Mapping[int, str],
    tz: tzinfo,
    *,
    exported_at: datetime | None = None,
    captures: Mapping[int, facts.ExportedCapture] | None = None,
) -> str:
    """The default report of `entries` (hidden ones left out) as Markdown text.

    exported_at defaults to the last entry's or the incident's creation time, so the output
    depends only on the arguments.
    """
    shown = facts.in_order(entries)
    if exported_at is None:
        visible = [entry for entry in shown if not entry.hidden]
        exported_at = visible[-1].occurred_at if visible else incident.created_at
    record = IncidentRecord(
        incident=incident, details=IncidentDetails(incident.title), entries=tuple(shown)
    )
    return render_report(
        record,
        template=_default(),
        image_files=image_files,
        tz=tz,
        exported_at=exported_at,
        captures=captures,
    )
