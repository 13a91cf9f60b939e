"""Report export on the thread pool: reads the file on its own connection, writes the report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from incident_recorder.storage import IncidentFile, IncidentFileError


class ExportSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(str)
    failed = Signal(str)


class ExportJob(QRunnable):
    """Export `path` as `fmt` into `out_dir`; never touches widgets (results by signal)."""

    def __init__(self, path: Path, out_dir: Path, fmt: str) -> None:
        super().__init__()
        self.path = path
        self.out_dir = out_dir
        self.fmt = fmt
        self.signals = ExportSignals()

    def run(self) -> None:
        from incident_recorder.report import ReportError, write_report  # in the worker, lazily

        try:
            with IncidentFile.open(self.path, readonly=True) as source:
                written = write_report(
                    self.out_dir,
                    self.fmt,
                    source.record(),
                    source.capture_png,
                    progress=self.signals.progress.emit,
                    load_shapes=source.annotations,  # annotated copies; originals stay
                )
            self.signals.finished.emit(str(written))
        except (IncidentFileError, ReportError) as error:
            self.signals.failed.emit(str(error))
        except Exception as error:  # a failed export must be reported, never lost silently
            self.signals.failed.emit(f"export failed: {type(error).__name__}: {error}")
