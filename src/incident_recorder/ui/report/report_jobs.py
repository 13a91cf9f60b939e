"""Background work of the report window: reading the record, rendering the preview.

Each job runs on a thread pool and never touches widgets: it reads the incident file on its own
connection (a SQLite connection belongs to the thread that opened it) or renders immutable
values, and hands its result back by signal. Every result carries the generation it was asked
for, so the window drops a result that a newer request has overtaken.
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from incident_recorder import gc_pause
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui.report import report_backend


class JobSignals(QObject):
    done = Signal(int, object)
    """(generation, result)"""
    failed = Signal(int, str)


class RecordJob(QRunnable):
    """Read the record of `path` and the pre-filled drafts: done(generation, (record, drafts))."""

    def __init__(self, path: Path, tz: tzinfo, generation: int = 0) -> None:
        super().__init__()
        self.path = path
        self.tz = tz
        self.generation = generation
        self.signals = JobSignals()

    def run(self) -> None:
        try:
            with IncidentFile.open(self.path, readonly=True) as source:
                record = source.record()
            drafts = report_backend.draft_texts(record, self.tz)
        except IncidentFileError as error:
            self.signals.failed.emit(self.generation, str(error))
        except Exception as error:  # a failure must reach the window, never vanish
            self.signals.failed.emit(self.generation, f"{type(error).__name__}: {error}")
        else:
            self.signals.done.emit(self.generation, (record, drafts))


class PreviewJob(QRunnable):
    """Render `record` (as edited) to sanitized HTML: done(generation, html)."""

    def __init__(self, record: IncidentRecord, tz: tzinfo, template: str, generation: int) -> None:
        super().__init__()
        self.record = record
        self.tz = tz
        self.template = template
        self.generation = generation
        self.signals = JobSignals()

    def run(self) -> None:
        try:
            with gc_pause.paused():
                document = report_backend.report_document(self.record, self.tz, self.template)
                html = report_backend.preview_html(document)
        except Exception as error:  # shown in the preview pane instead of the report
            self.signals.failed.emit(self.generation, f"{type(error).__name__}: {error}")
        else:
            self.signals.done.emit(self.generation, html)
