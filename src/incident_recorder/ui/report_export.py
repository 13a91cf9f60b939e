"""Writing a report from the GUI: which formats exist, and one call that writes one, cancellable.

`export_formats()` lists what can be written: Markdown and JSON always, HTML and PDF when
their renderers are installed (report.html_export, ui.pdf). `export_report` reads the whole
record on the caller's connection and calls the report layer's `write_report` with a
template, the public switch, progress, a cancel check, the renderers and the timeline
picture; a cancelled export raises `ExportCancelled` and writes no report file. No widgets
here: this runs in the export worker.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import Any

from incident_recorder.report.writer import ExportCancelled, write_report
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.report_backend import load_template

__all__ = ["FORMAT_LABELS", "ExportCancelled", "export_formats", "export_report", "renderers"]

FORMAT_LABELS: dict[str, str] = {
    "markdown": "Markdown",
    "html": "HTML (self-contained)",
    "pdf": "PDF",
    "json": "JSON (the full record)",
}

_RENDERERS = (
    ("html", "incident_recorder.report.html_export", "write_html"),
    ("pdf", "incident_recorder.ui.pdf", "write_pdf_report"),
)


def _attribute(module_name: str, name: str) -> Any:
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, name, None)


def renderers() -> dict[str, Any]:
    """The renderers installed for formats beyond Markdown and JSON, by format."""
    found = {fmt: _attribute(module, name) for fmt, module, name in _RENDERERS}
    return {fmt: renderer for fmt, renderer in found.items() if renderer is not None}


def export_formats() -> list[str]:
    """The formats that can be written now, in menu order."""
    known = {"markdown", "json", *renderers()}
    return [fmt for fmt in FORMAT_LABELS if fmt in known]


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
        picture=_attribute("incident_recorder.report.html_export", "timeline_pictures"),
    )
