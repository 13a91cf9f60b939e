"""Writing a report from the GUI: which formats exist, and one call that writes one, cancellable.

`export_formats()` lists the formats the installed report layer can write (Markdown and JSON
always; HTML and PDF once their renderers are installed). `export_report` calls the report
layer's `write_report` with the whole incident record, a template, the public switch, progress
and a cancel check; where the installed writer predates those, it writes the same report.md
itself (the editor's sections, the action items and the timeline) through the writer's own
atomic file and image functions. Either way a cancelled export raises `ExportCancelled` before
the report file is written. No Qt here: this runs in the export worker.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from incident_recorder.domain.record import IncidentRecord
from incident_recorder.report import writer
from incident_recorder.storage import IncidentFile

FORMAT_LABELS: dict[str, str] = {
    "markdown": "Markdown",
    "html": "HTML (self-contained)",
    "pdf": "PDF",
    "json": "JSON (the full record)",
}


class _Cancelled(Exception):
    """The export was cancelled before its report file was written."""


ExportCancelled: type[Exception] = getattr(writer, "ExportCancelled", _Cancelled)
"""Raised when an export is cancelled (the report layer's own class where it has one)."""


def _new_writer() -> bool:
    """True when the installed write_report takes a whole record, a template and a cancel check."""
    parameters = inspect.signature(writer.write_report).parameters
    return "cancelled" in parameters and "record" in parameters


def renderers() -> dict[str, Any]:
    """The renderers of formats beyond Markdown and JSON that are installed: "html" (report
    layer) and "pdf" (Qt's PDF writer, in the UI layer), each writing its file from the
    finished Markdown report."""
    found: dict[str, Any] = {}
    for fmt, module_name, function in (
        ("html", "incident_recorder.report.html_export", "write_html"),
        ("pdf", "incident_recorder.ui.pdf", "write_pdf_report"),
    ):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, function):
            found[fmt] = getattr(module, function)
    return found


def _picture() -> Any:
    """The timeline picture maker (record, tz) → {file name: bytes}, where installed."""
    try:
        module = importlib.import_module("incident_recorder.report.html_export")
    except ImportError:
        return None
    return getattr(module, "timeline_pictures", None)


def export_formats() -> list[str]:
    """The formats that can be written now, in menu order."""
    if not _new_writer():
        return ["markdown", "json"]
    known = {"markdown", "json", *renderers()}
    return [fmt for fmt in FORMAT_LABELS if fmt in known]


def public_view(record: IncidentRecord) -> IncidentRecord:
    """Only what a public report may show (the report layer's rules where installed)."""
    try:
        public: Any = importlib.import_module("incident_recorder.report.public")
    except ImportError:
        public = None
    if public is not None and hasattr(public, "public_record"):
        result: IncidentRecord = public.public_record(record)
        return result
    entries = []
    for entry in record.entries:
        if entry.hidden or not entry.public:
            continue
        capture = entry.capture
        if capture is not None and capture.id not in record.sensitive_captures:
            capture = None  # only captures with a redaction are published
        entries.append(dataclasses.replace(entry, capture=capture, author=None))
    return dataclasses.replace(record, entries=tuple(entries))


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
    if _new_writer():
        from incident_recorder.ui.report_backend import load_template

        write: Any = writer.write_report  # the report layer's newer signature
        options: dict[str, Any] = {"renderers": renderers()}
        parameters = inspect.signature(writer.write_report).parameters
        if "picture" in parameters and _picture() is not None:
            options["picture"] = _picture()
        written: Path = write(
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
            **options,
        )
        return written
    return _write_with_current_writer(source, record, out_dir, fmt, public, tz, progress, cancelled)


def _write_with_current_writer(
    source: IncidentFile,
    record: IncidentRecord,
    out_dir: Path,
    fmt: str,
    public: bool,
    tz: tzinfo | None,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool],
) -> Path:
    from incident_recorder.report import facts
    from incident_recorder.ui.report_backend import report_markdown_with_images

    if fmt not in ("markdown", "json"):
        raise writer.ReportError(f"the {fmt} format is not available in this installation")
    if public:
        record = public_view(record)
    zone = tz or facts.local_zone()

    def step(done: int, total: int) -> None:
        if cancelled():
            raise ExportCancelled("export cancelled")
        if progress is not None:
            progress(done, total)

    out_dir = Path(out_dir)
    if fmt == "json":
        return writer.write_report(
            out_dir,
            "json",
            record.incident,
            list(record.entries),
            source.capture_png,
            tz=zone,
            progress=step,
            load_shapes=source.annotations,
        )
    writer._make_dir(out_dir)
    mode = writer.file_mode()
    shown = record.visible_entries()
    before = _our_images(out_dir)
    try:
        captures = writer.write_images(
            out_dir, shown, source.capture_png, step, mode, load_shapes=source.annotations
        )
        if cancelled():
            raise ExportCancelled("export cancelled")
    except ExportCancelled:
        for path in _our_images(out_dir) - before:  # nothing of a cancelled export stays
            path.unlink(missing_ok=True)
        raise
    images = {entry_id: capture.file for entry_id, capture in captures.items()}
    now = datetime.now(UTC).replace(microsecond=0)
    text = report_markdown_with_images(record, zone, images, now)
    target = out_dir / "report.md"
    writer.write_atomically(target, text.encode("utf-8", errors="replace"), mode)
    writer.remove_stale_images(out_dir, captures, False)
    return target


def _our_images(out_dir: Path) -> set[Path]:
    folder = out_dir / "images"
    try:
        return {path for path in folder.iterdir() if writer.OUR_IMAGE.fullmatch(path.name)}
    except OSError:
        return set()
