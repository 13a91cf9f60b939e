"""Reports: an incident and its entries → Markdown / JSON files. Pure functions, no Qt.

The CLI and the GUI call `write_report`; the renderers (`render_markdown`, `render_json`) are
pure and can be used without a disk. This layer sees domain objects only: the caller reads the
incident file and passes a `load_png(capture_id)` function for the images.
"""

from incident_recorder.report.escape import escape_text
from incident_recorder.report.facts import image_name
from incident_recorder.report.jsondoc import FORMAT as JSON_FORMAT
from incident_recorder.report.jsondoc import render_json
from incident_recorder.report.markdown import SECTIONS, render_markdown
from incident_recorder.report.writer import FORMATS, REPORT_NAMES, ReportError, write_report

__all__ = [
    "FORMATS",
    "JSON_FORMAT",
    "REPORT_NAMES",
    "SECTIONS",
    "ReportError",
    "escape_text",
    "image_name",
    "render_json",
    "render_markdown",
    "write_report",
]
