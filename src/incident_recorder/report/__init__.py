"""Reports: an incident record → Markdown / JSON files (HTML and PDF plug in). No Qt.

The report is data first (`build_report` → report/model.py's `Document`), rendered by each
format. The CLI and the GUI call `write_report`; the renderers (`render_report`, `record_json`,
`render_markdown`, `render_json`) are pure and can be used without a disk. This layer sees
domain objects only: the caller reads the incident file (`IncidentFile.record()`) and passes a
`load_png(capture_id)` function for the images. Templates (report/templates.py) choose the
sections; report/public.py cuts a record down to what may be published.
"""

from incident_recorder.report.document import render_report
from incident_recorder.report.escape import escape_text
from incident_recorder.report.facts import image_name
from incident_recorder.report.jsondoc import FORMAT as JSON_FORMAT
from incident_recorder.report.jsondoc import record_json, render_json
from incident_recorder.report.markdown import SECTIONS, render_markdown
from incident_recorder.report.prefill import draft_texts
from incident_recorder.report.public import public_record, status_update
from incident_recorder.report.templates import (
    DEFAULT_TEMPLATE,
    EDITABLE_SECTIONS,
    ReportTemplate,
    TemplateSection,
    available_templates,
    load_template,
)
from incident_recorder.report.writer import (
    FORMATS,
    REPORT_NAMES,
    ExportCancelled,
    FormatRenderer,
    ReportError,
    write_report,
)

__all__ = [
    "DEFAULT_TEMPLATE",
    "EDITABLE_SECTIONS",
    "FORMATS",
    "JSON_FORMAT",
    "REPORT_NAMES",
    "SECTIONS",
    "ExportCancelled",
    "FormatRenderer",
    "ReportError",
    "ReportTemplate",
    "TemplateSection",
    "available_templates",
    "draft_texts",
    "escape_text",
    "image_name",
    "load_template",
    "public_record",
    "record_json",
    "render_json",
    "render_markdown",
    "render_report",
    "status_update",
    "write_report",
]
