"""Report export on the thread pool: reads the file on its own connection, writes the report.

The job never touches widgets: progress, the written path, a failure or the cancellation come
back by signal. `cancel()` may be called from the UI thread at any time; the writer checks it
between images and before the report file, so a cancelled export writes no report file.
"""

from __future__ import annotations

import threading
import time
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui import gc_pause

PROGRESS_INTERVAL_S = 0.05
"""At most ~20 progress signals a second: each one is work for the UI thread."""


class ExportSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(str)
    failed = Signal(str)
    cancelled = Signal()


class ExportJob(QRunnable):
    """Export `path` as `fmt` into `out_dir`; never touches widgets (results by signal)."""

    def __init__(
        self,
        path: Path,
        out_dir: Path,
        fmt: str,
        *,
        template: str = "default",
        public: bool = False,
        tz: tzinfo | None = None,
    ) -> None:
        super().__init__()
        self.path = path
        self.out_dir = out_dir
        self.fmt = fmt
        self.template = template
        self.public = public
        self.tz = tz
        self.signals = ExportSignals()
        self._cancel = threading.Event()
        self._last_progress = 0.0

    def cancel(self) -> None:
        """Ask the export to stop (it stops before writing the report file)."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done in (0, total) or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            self.signals.progress.emit(done, total)

    def run(self) -> None:
        from incident_recorder.report import ReportError  # in the worker, lazily
        from incident_recorder.ui.report_export import ExportCancelled, export_report

        try:
            with gc_pause.paused(), IncidentFile.open(self.path, readonly=True) as source:
                written = export_report(
                    source,
                    self.out_dir,
                    self.fmt,
                    template=self.template,
                    public=self.public,
                    tz=self.tz,
                    progress=self._progress,
                    cancelled=self._cancel.is_set,
                )
        except ExportCancelled:
            self.signals.cancelled.emit()
        except (IncidentFileError, ReportError) as error:
            self.signals.failed.emit(str(error))
        except Exception as error:  # a failed export must be reported, never lost silently
            self.signals.failed.emit(f"export failed: {type(error).__name__}: {error}")
        else:  # cancelled after the report file was written: it stands, and is reported
            self.signals.finished.emit(str(written))
