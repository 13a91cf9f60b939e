"""Writing a report from the GUI: which formats exist, and one call that writes one, cancellable.

`export_formats()` lists what can be written: Markdown, HTML (report.html_export), PDF
(render.pdf, Qt's PDF writer) and JSON. `export_report` reads the whole
record on the caller's connection and calls the report layer's `write_report` with a
template, the public switch, progress, a cancel check, the renderers and the timeline
picture; a cancelled export raises `ExportCancelled` and writes no report file. No widgets
here: this runs in the export worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path

from incident_recorder.report.html_export import timeline_pictures, write_html
from incident_recorder.report.writer import ExportCancelled, FormatRenderer, write_report
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.report.report_backend import load_template

__all__ = ["FORMAT_LABELS", "ExportCancelled", "export_formats", "export_report", "renderers"]

FORMAT_LABELS: dict[str, str] = {
    "markdown": "Markdown",
    "html": "HTML (self-contained)",
    "pdf": "PDF",
    "json": "JSON (the full record)",
}


def renderers() -> dict[str, FormatRenderer]:
    """The renderers of the formats beyond Markdown and JSON: self-contained HTML, and PDF
    through Qt's own PDF writer (usable from a worker thread)."""
    from incident_recorder.render.pdf import write_pdf_report

    return {"html": write_html, "pdf": write_pdf_report}


def export_formats() -> list[str]:
    """The formats the Export dialog offers, in menu order."""
    return list(FORMAT_LABELS)


def export_report(
    source: IncidentFile,
    out_dir: Path,
    fmt: str,
    *,
    template: str = "default",
    public: bool = False,
    tz: tzinfo | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Path:
    """Write `source`'s report as `fmt` into `out_dir`; the report's path.

    ReportError (one line) on failure, ExportCancelled when `cancelled()` turned true first.
    """
    source.check_pixels_here()
    record = source.record()
    if cancelled():
        raise ExportCancelled("export cancelled")
    return write_report(
        out_dir,
        fmt,
        record,
        source.capture_png,
        template=load_template(template),
        public=public,
        tz=tz,
        progress=progress,
        cancelled=cancelled,
        load_shapes=source.annotations,
        renderers=renderers(),
        picture=timeline_pictures,
    )
