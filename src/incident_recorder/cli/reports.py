"""Commands that write what the record says: export, status-page, review."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incident_recorder.cli.common import PROG, CliError
from incident_recorder.cli.text import refuse_unhandled_findings, review_findings

if TYPE_CHECKING:
    from incident_recorder.report.model import Document
    from incident_recorder.report.writer import FormatRenderer


EXPORT_FORMATS = {
    "markdown": "DIR/report.md, the report (default)",
    "html": "DIR/report.html, the report as one self-contained, printable page",
    "pdf": "DIR/report.pdf, the report on A4 pages",
    "json": "DIR/incident.json, the record as data",
}
"""(With --public: report-public.md, report-public.html, report-public.pdf,
incident-public.json: report.writer.report_name.)"""
"""The --format choices and what each writes; a format with a renderer adds itself here and
in `export_renderers`."""


def export_formats() -> tuple[str, ...]:
    return tuple(EXPORT_FORMATS)


def export_renderers() -> dict[str, FormatRenderer]:
    """Renderers for formats beyond markdown and json (report.writer.FormatRenderer), made
    lazily: a PDF renderer needs Qt, which only this layer may import."""
    from incident_recorder.report.html_export import write_html

    return {"html": write_html, "pdf": _write_pdf}


def _write_pdf(
    document: Document,
    images: Mapping[str, Path],
    out_dir: Path,
    title: str,
    *,
    name: str | None = None,
) -> Path:
    """The "pdf" renderer: Qt's PDF writer, in an offscreen QGuiApplication made for it.

    Painting a PDF needs fonts, not a screen: unless QT_QPA_PLATFORM says otherwise the
    offscreen platform is used, so a missing or unreachable display can never abort the export.
    """

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from incident_recorder.render.pdf import write_pdf_report

    app = QGuiApplication.instance() or QGuiApplication([PROG])  # alive until the PDF is written
    written = write_pdf_report(document, images, out_dir, title, name=name)
    del app
    return written


def cmd_export(args: argparse.Namespace) -> int:
    """Write the report. SIGTERM or Ctrl+C stops it at the next image: no report file is written
    and a report already in DIR stays as it was (report/export_protocol.py)."""
    from incident_recorder import paths
    from incident_recorder.report import ExportCancelled, ReportError, load_template, write_report
    from incident_recorder.report.export_protocol import ProgressPrinter, cancel_on_signals
    from incident_recorder.report.html_export import timeline_pictures
    from incident_recorder.report.writer import ReportExists
    from incident_recorder.session.findings import with_readings
    from incident_recorder.storage import IncidentFile
    from incident_recorder.storage.errors import StoppedError

    if args.public and args.include_originals:
        raise CliError(
            "--include-originals cannot be used with --public (originals are unredacted)"
        )
    template = None
    if args.template is not None:
        try:
            template = load_template(args.template, paths.template_dirs())
        except ValueError as error:
            raise CliError(str(error)) from None
    printer = ProgressPrinter() if args.progress else None
    with cancel_on_signals() as cancelled, IncidentFile.open(args.file, readonly=True) as handle:
        handle.check_pixels_here()
        if args.public:
            refuse_unhandled_findings(handle)
        handle.stop_when(cancelled)  # SIGTERM stops a long read too, not only between images
        try:
            written = write_report(
                args.out,
                args.format,
                with_readings(handle, handle.record()),
                handle.capture_png,
                template=template,
                public=args.public,
                tz=args.tz,
                progress=printer.progress if printer is not None else None,
                cancelled=cancelled,
                load_shapes=handle.annotations,
                include_originals=args.include_originals,
                renderers=export_renderers(),
                picture=timeline_pictures,
                overwrite=args.force,
            )
        except ReportExists as error:
            raise CliError(f"{error} (--force replaces it)") from None
        except (ExportCancelled, StoppedError):
            if printer is not None:
                printer.cancelled()
            raise CliError("export cancelled: no report was written") from None
        except ReportError as error:
            raise CliError(str(error)) from None
    if printer is not None:
        printer.written(written)
        return 0
    print(f"Wrote {written}")
    if args.include_originals:
        print(f"Unredacted originals of annotated captures: {args.out / 'images' / 'originals'}")
    return 0


WATCH_INTERVAL_S = 0.5
"""How often `status-page --watch` looks at the file's data_version (a cheap read)."""


def _write_page(handle: Any, args: argparse.Namespace, last: object) -> object:
    """Write the status page when the public part of the record differs from `last`; the
    public part now (compare it next time)."""
    from datetime import UTC

    from incident_recorder.report import ReportError
    from incident_recorder.report.facts import local_zone
    from incident_recorder.report.public import public_record
    from incident_recorder.report.status_page import write_status_page

    record = handle.record()
    public = public_record(record)
    if public == last:
        return last
    try:
        written = write_status_page(
            record, args.out, now=datetime.now(UTC), tz=local_zone(), base_url=args.base_url
        )
    except ReportError as error:
        raise CliError(str(error)) from None
    count = len(public.entries)
    shown = f"{count} public update{'s' if count != 1 else ''}"
    print(f"Wrote {written[0]} and {written[1].name} ({shown})", flush=True)
    return public


def watch_status_page(args: argparse.Namespace, stop: Any) -> None:
    """Write the page, then again whenever the public record changes, until `stop` (a
    threading.Event) is set. The file is polled every WATCH_INTERVAL_S by data_version."""
    from incident_recorder.storage import IncidentFile

    with IncidentFile.open(args.file, readonly=True) as handle:
        version = handle.data_version()
        last = _write_page(handle, args, None)
        if not args.watch:
            return
        print(
            f"Watching {args.file}: the page is written again when a public update is added "
            "(Ctrl+C stops)",
            flush=True,
        )
        while not stop.wait(WATCH_INTERVAL_S):
            handle.check_still_there()
            now = handle.data_version()
            if now != version:
                version = now
                last = _write_page(handle, args, last)


def cmd_status_page(args: argparse.Namespace) -> int:
    import signal
    import threading

    stop = threading.Event()
    previous = {}
    if args.watch:
        previous = {
            number: signal.signal(number, lambda *_: stop.set())
            for number in (signal.SIGINT, signal.SIGTERM)
        }
    try:
        watch_status_page(args, stop)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if args.watch:
        print("Stopped.", flush=True)
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from incident_recorder import paths
    from incident_recorder.domain.blame import load_phrases
    from incident_recorder.domain.review import review
    from incident_recorder.domain.times import in_zone
    from incident_recorder.storage import IncidentFile

    phrases = load_phrases(paths.review_word_lists())
    for problem in phrases.problems:
        print(f"{PROG}: warning: {problem}", file=sys.stderr)
    with IncidentFile.open(args.file, readonly=True) as handle:
        record = handle.record()
    now = datetime.now().astimezone()
    findings = review(record, phrases=phrases, now=now, gap=timedelta(minutes=args.gap))
    times = {entry.id: entry.occurred_at for entry in record.entries}
    for finding in findings:
        at = times.get(finding.entry_id) if finding.entry_id is not None else finding.start
        parts = [f"{finding.severity}:"]
        if at is not None:
            parts.append(f"{in_zone(at, None):%H:%M:%S}")
        parts.append(finding.message)
        if finding.sentence:
            parts.append(f"— “{finding.sentence}”")
        if finding.hint:
            parts.append(f"Hint: {finding.hint}")
        print(" ".join(" ".join(parts).split()))
    sensitive = review_findings(args.file)
    for line in sensitive:
        print(line)
    if not findings and not sensitive:
        print("No findings: nothing to check before export.")
    warnings = sum(finding.severity == "warning" for finding in findings) + len(sensitive)
    if args.strict and warnings:
        print(f"{PROG}: {warnings} warning(s) (--strict)", file=sys.stderr)
        return 1
    return 0
