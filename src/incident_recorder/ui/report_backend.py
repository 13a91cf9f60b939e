"""What the report window and the export dialog need from the report layer, in one place.

The report layer (templates, drafts, the full report document and its HTML, the review list,
the public status update, the writer with cancel) is built alongside this window. Each
function here calls the report layer's own function when the installed code has it, and
otherwise a smaller equivalent built on what is always there (the storage API and
`report.markdown.render_markdown`), so the window works with either. No Qt here: the
functions run in workers as well as on the UI thread.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from types import ModuleType
from typing import Any

from incident_recorder.domain import EntryKind
from incident_recorder.domain.actions import ActionItem
from incident_recorder.domain.blame import load_phrases
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.review import Finding
from incident_recorder.domain.review import review as run_review

PROMPTS: dict[str, str] = {
    "summary": "What happened, to whom, for how long, and how it ended — in three or four "
    "sentences a reader outside the team understands.",
    "detection": "How was it noticed, and by whom or what? How could we have cut the time to "
    "detection in half?",
    "impact": "Who was affected and how: customers, requests, revenue, data. For how long?",
    "root_cause_immediate": "The immediate cause: the change or condition that triggered it.",
    "root_cause_underlying": "The underlying conditions that let it happen or made it worse. "
    '"Operator error" is never a root cause: what made the mistake easy to make?',
    "resolution": "What brought service back, and why did that work?",
    "prevention": "What will keep this from happening again, or make it hurt less?",
    "public_summary": "For customers: what they saw, when it started and ended, and what we are "
    "doing about it. No internal names.",
    "public_prevention": "For customers: what we are changing so this does not happen again. "
    "No internal names or systems.",
}
"""The guiding prompt of each editable section (shown while the section is empty)."""

_FALLBACK_SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("detection", "Detection"),
    ("impact", "Impact"),
    ("root_cause_immediate", "Root cause: immediate cause"),
    ("root_cause_underlying", "Root cause: underlying issues"),
    ("resolution", "Resolution"),
    ("prevention", "Prevention"),
    ("public_summary", "Public summary"),
)
_DRAFT_KINDS: dict[str, tuple[EntryKind, ...]] = {
    "detection": (EntryKind.DETECTION,),
    "impact": (EntryKind.IMPACT,),
    "root_cause_immediate": (EntryKind.CAUSE,),
    "resolution": (EntryKind.MITIGATION, EntryKind.RESOLUTION),
}


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"incident_recorder.{name}")
    except ImportError:
        return None


def _templates() -> ModuleType | None:
    return _module("report.templates")


def editable_sections() -> tuple[tuple[str, str], ...]:
    """(key, label) of every section the editor shows, in report order."""
    templates = _templates()
    if templates is not None and hasattr(templates, "EDITABLE_SECTIONS"):
        return tuple(templates.EDITABLE_SECTIONS)
    return _FALLBACK_SECTIONS


@dataclass(frozen=True)
class TemplateChoice:
    name: str
    title: str
    description: str = ""
    public: bool = False


def template_dirs() -> list[Path]:
    """Where a team's own templates live besides the shipped ones: <data dir>/templates."""
    from incident_recorder import paths

    return [paths.data_dir() / "templates"]


def load_template(name: str) -> Any:
    """The report layer's template called `name` (None where templates are not installed)."""
    templates = _templates()
    if templates is None or not hasattr(templates, "load_template"):
        return None
    return templates.load_template(name, template_dirs())


def template_choices() -> list[TemplateChoice]:
    """The report templates a user can pick on export (the built-in default at least)."""
    templates = _templates()
    if templates is None or not hasattr(templates, "available_templates"):
        return [TemplateChoice("default", "Default (eight sections)")]
    found = templates.available_templates(template_dirs())
    choices = []
    for item in found:
        template = item if hasattr(item, "title") else load_template(str(item))
        choices.append(
            TemplateChoice(
                template.name, template.title, template.description, bool(template.public)
            )
        )
    return choices


def draft_texts(record: IncidentRecord, tz: tzinfo) -> dict[str, str]:
    """The pre-filled draft of each section, from the entries of its kinds and the metrics."""
    prefill = _module("report.prefill")
    if prefill is not None and hasattr(prefill, "draft_texts"):
        return dict(prefill.draft_texts(record, tz))
    shown = record.visible_entries()
    drafts: dict[str, str] = {}
    for key, kinds in _DRAFT_KINDS.items():
        lines = [
            f"- {entry.occurred_at.astimezone(tz):%H:%M} {' '.join(entry.text.split())}"
            for entry in shown
            if entry.kind in kinds and entry.text.strip()
        ]
        if lines:
            drafts[key] = "\n".join(lines)
    return drafts


def with_edits(
    record: IncidentRecord, texts: Mapping[str, str], items: Sequence[ActionItem]
) -> IncidentRecord:
    """`record` as the editor now shows it (texts typed, action items edited, not yet read)."""
    return dataclasses.replace(record, report_texts=dict(texts), action_items=tuple(items))


def report_markdown_with_images(
    record: IncidentRecord,
    tz: tzinfo,
    image_files: Mapping[int, str],
    exported_at: datetime | None = None,
) -> str:
    """The timeline report of `record` with the editor's sections and the action items in it.

    Each section the editor has text for replaces the generated one (entries and prompt);
    the others, the header and the timeline stay as `render_markdown` writes them.
    """
    from incident_recorder.report.escape import escape_text
    from incident_recorder.report.markdown import render_markdown

    generated = render_markdown(
        record.incident, record.visible_entries(), image_files, tz, exported_at=exported_at
    )
    preamble, *chunks = generated.split("\n## ")
    sections = dict(chunk.split("\n", 1) for chunk in chunks)
    texts = {key: record.report_texts.get(key, "").strip() for key, _ in editable_sections()}
    for key, heading in _HEADINGS.items():
        if texts.get(key):
            sections[heading] = f"\n{texts[key]}\n"
    immediate, underlying = texts.get("root_cause_immediate"), texts.get("root_cause_underlying")
    if (immediate or underlying) and "Root cause analysis" in sections:
        causes = sections["Root cause analysis"].split("\n### Immediate cause", 1)[0]
        prompt = "_Not written yet._"
        sections["Root cause analysis"] = (
            f"{causes}\n### Immediate cause\n\n{immediate or prompt}\n\n"
            f"### Underlying issues\n\n{underlying or prompt}\n"
        )
    if record.action_items:
        rows = ["", "| Item | Owner | Due | Status | Type | Ticket |", "| --- " * 6 + "|"]
        for item in record.action_items:
            cells = [item.description, item.owner, str(item.due or ""), item.status.label]
            cells += [item.type.label, item.ticket]
            rows.append("| " + " | ".join(_cell(escape_text(c)) for c in cells) + " |")
        sections["Action items"] = "\n".join(rows) + "\n"
    body = "".join(f"\n## {heading}\n{text}" for heading, text in sections.items())
    return preamble + body


_HEADINGS = {
    "summary": "Summary",
    "detection": "Detection",
    "impact": "Impact",
    "resolution": "Resolution",
    "prevention": "Prevention",
}


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def report_markdown(record: IncidentRecord, tz: tzinfo, template: str = "default") -> str:
    """The whole report as Markdown, as the editor shows it (no images)."""
    document = _module("report.document")
    if document is not None and hasattr(document, "render_report"):
        try:
            chosen = load_template(template)
        except ValueError:  # a team template since removed: the preview uses the default
            chosen = load_template("default")
        return str(
            document.render_report(
                record,
                template=chosen,
                image_files={},
                tz=tz,
                exported_at=datetime.now(UTC).replace(microsecond=0),
            )
        )
    return report_markdown_with_images(record, tz, {})


def preview_html(markdown_text: str) -> str:
    """Sanitized body HTML of `markdown_text`, for the preview (no script, nothing remote)."""
    html = _module("report.html")
    if html is not None and hasattr(html, "render_html_fragment"):
        return str(html.render_html_fragment(markdown_text))
    import markdown
    import nh3

    body = markdown.markdown(markdown_text, extensions=["tables", "fenced_code", "sane_lists"])
    return str(nh3.clean(body, url_schemes={"http", "https", "mailto"}))


def status_update(record: IncidentRecord, *, now: datetime, tz: tzinfo) -> str:
    """The status-page text for the latest public entries."""
    public = _module("report.public")
    if public is not None and hasattr(public, "status_update"):
        return str(public.status_update(record, now=now, tz=tz))
    entries = [e for e in record.visible_entries() if getattr(e, "public", False)]
    lines = [f"{record.title} — update {now.astimezone(tz):%Y-%m-%d %H:%M %Z}", ""]
    summary = record.report_texts.get("public_summary", "").strip()
    if summary:
        lines += [summary, ""]
    for entry in entries[-5:]:
        lines.append(f"{entry.occurred_at.astimezone(tz):%H:%M} — {' '.join(entry.text.split())}")
    if not entries and not summary:
        lines.append("No entry is marked public yet.")
    return "\n".join(lines)


def review(record: IncidentRecord, *, now: datetime) -> list[Finding]:
    """The review check list (never blocking an export), most important first.

    The blame word lists are the shipped ones and the team's own (<data dir>/review/).
    """
    from incident_recorder import paths

    phrases = load_phrases(paths.review_word_lists())
    return run_review(record, phrases=phrases, now=now)
