"""What the report window and the export dialog ask of the report layer and the review.

Templates (the shipped ones and a team's own in <data dir>/templates), the pre-filled drafts,
the report as Markdown for the preview and its sanitized HTML, the public status update and
the review before export. No Qt here: these run in workers as well as on the UI thread.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from incident_recorder import paths
from incident_recorder.domain.actions import ActionItem
from incident_recorder.domain.blame import load_phrases
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.review import Finding
from incident_recorder.domain.review import review as run_review
from incident_recorder.report import draft_texts as _draft_texts
from incident_recorder.report import status_update as _status_update
from incident_recorder.report.document import build_report
from incident_recorder.report.html import render_html_fragment
from incident_recorder.report.model import Document
from incident_recorder.report.templates import (
    DEFAULT_TEMPLATE,
    EDITABLE_SECTIONS,
    PUBLIC_TEMPLATE,
    ReportTemplate,
    available_templates,
)
from incident_recorder.report.templates import load_template as _load_template

if TYPE_CHECKING:
    from incident_recorder.storage import IncidentFile


def section_prompts() -> dict[str, str]:
    """The guiding prompt of each editable section, the editor's placeholder while the section
    is empty: the prompts of the default and public templates, in their words (one text, in
    resources/templates/*.toml or a team's own). Reports and the preview never print them."""
    prompts: dict[str, str] = {}
    for name in (DEFAULT_TEMPLATE, PUBLIC_TEMPLATE):
        try:
            template = load_template(name)
        except ValueError:  # a team's broken template: the export says why; no prompt here
            continue
        for section in template.sections:
            if section.key and section.prompt:
                prompts.setdefault(section.key, section.prompt)
    return prompts


def editable_sections() -> tuple[tuple[str, str], ...]:
    """(key, label) of every section the editor shows, in report order."""
    return EDITABLE_SECTIONS


@dataclass(frozen=True)
class TemplateChoice:
    name: str
    title: str
    description: str = ""
    public: bool = False


def load_template(name: str) -> ReportTemplate:
    """The template called `name`, shipped or the team's; ValueError if there is none."""
    return _load_template(name, paths.template_dirs())


def template_choices() -> list[TemplateChoice]:
    """The report templates a user can pick on export."""
    return [
        TemplateChoice(t.name, t.title, t.description, bool(t.public))
        for t in available_templates(paths.template_dirs())
    ]


def draft_texts(record: IncidentRecord, tz: tzinfo) -> dict[str, str]:
    """The pre-filled draft of each section, from the entries of its kinds and the metrics."""
    return dict(_draft_texts(record, tz))


def with_edits(
    record: IncidentRecord, texts: dict[str, str], items: Sequence[ActionItem]
) -> IncidentRecord:
    """`record` as the editor now shows it (texts typed, action items edited, not yet read)."""
    return dataclasses.replace(record, report_texts=dict(texts), action_items=tuple(items))


def report_document(
    record: IncidentRecord, tz: tzinfo, template: str = DEFAULT_TEMPLATE
) -> Document:
    """The whole report as the preview shows it (no images, stamped now)."""
    try:
        chosen = load_template(template)
    except ValueError:  # a team template since removed: the preview uses the default
        chosen = load_template(DEFAULT_TEMPLATE)
    return build_report(
        record,
        template=chosen,
        image_files={},
        tz=tz,
        exported_at=datetime.now(UTC).replace(microsecond=0),
    )


def preview_html(document: Document) -> str:
    """Sanitized body HTML of the report, for the preview (no script, nothing remote)."""
    return render_html_fragment(document)


def status_update(record: IncidentRecord, *, now: datetime, tz: tzinfo) -> str:
    """The status-page text for the latest public entries."""
    return _status_update(record, now=now, tz=tz)


def review(record: IncidentRecord, *, now: datetime) -> list[Finding]:
    """The review check list (never blocking an export), most important first.

    The blame word lists are the shipped ones and the team's own (<data dir>/review/).
    """
    phrases = load_phrases(paths.review_word_lists())
    return run_review(record, phrases=phrases, now=now)


def sensitive_findings(file: IncidentFile) -> tuple[Finding, ...]:
    """What looks sensitive (a credential, an e-mail address, …) in notes, captions and the text
    read in captures that nobody redacted or dismissed: the warnings `incident-recorder review`
    ends with, as findings of the review (check "sensitive"); the value found is never shown."""
    from incident_recorder.session.findings import finding_rules, incident_findings, unhandled

    found = unhandled(incident_findings(file, finding_rules()))
    return tuple(
        Finding(check="sensitive", severity="warning", message=f.message, entry_id=f.entry_id)
        for f in found
    )
