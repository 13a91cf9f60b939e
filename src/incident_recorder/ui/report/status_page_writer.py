"""Incident ▸ Write Status Page…: the customer status page, kept current while the window is open.

The folder is chosen once; the page (report/status_page.py: index.html and feed.xml) is written
then, and again whenever the public part of the record changes — a public entry added or
revised, the status or public services changed — while the window is open. Each write runs
on the window's thread pool: the record is read through a connection of the job's own and
the files are written there, never on the UI thread. Changes that come while a write runs are
gathered into one more write after it.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from incident_recorder.domain.record import IncidentRecord
from incident_recorder.storage import IncidentFile, IncidentFileError

DEBOUNCE_MS = 300
"""Changes within this time of the first become one write."""


class _Signals(QObject):
    written = Signal(object, object)  # (paths or None when nothing public changed, public record)
    failed = Signal(str)


class StatusPageJob(QRunnable):
    """Reads the record and writes the page when its public part differs from `last`."""

    def __init__(
        self, path: Path, out_dir: Path, zone: tzinfo | None, last: IncidentRecord | None
    ) -> None:
        super().__init__()
        self.signals = _Signals()
        self._path, self._out, self._zone, self._last = path, out_dir, zone, last

    def run(self) -> None:
        # The report package is imported here, on the worker, the first time a page is written:
        # it is not on the start-up path.
        from incident_recorder.report.files import ReportError
        from incident_recorder.report.public import public_record
        from incident_recorder.report.status_page import write_status_page

        try:
            with IncidentFile.open(self._path, readonly=True) as handle:
                record = handle.record()
            public = public_record(record)
            written = None
            if public != self._last:
                zone = self._zone or datetime.now().astimezone().tzinfo or UTC
                written = write_status_page(record, self._out, now=datetime.now(UTC), tz=zone)
        except (IncidentFileError, ReportError) as error:
            self.signals.failed.emit(str(error))
            return
        self.signals.written.emit(written, public)


class StatusPageWriter(QObject):
    """Keeps one folder's status page current (see the module docstring)."""

    written = Signal(object)
    """The paths written (index.html, feed.xml)."""
    failed = Signal(str)
    checked = Signal()
    """A write job finished (whether or not anything public had changed)."""

    def __init__(
        self,
        path: Path,
        pool: QThreadPool,
        zone: tzinfo | None,
        jobs: list[QRunnable],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.out_dir: Path | None = None
        self._pool, self._zone, self._jobs = pool, zone, jobs
        self._last: IncidentRecord | None = None
        self._running = False
        self._again = False
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._write)

    def start(self, out_dir: Path) -> None:
        """Write into `out_dir` now and after every public change from here on."""
        self.out_dir = out_dir
        self._last = None  # a new folder: write it whatever was written elsewhere
        self._write()

    def changed(self, *_: object) -> None:
        """Something in the record may have changed (a debounced write follows)."""
        if self.out_dir is not None and not self._stopped and not self._timer.isActive():
            self._timer.start()  # not restarted: a steady stream of events still gets written

    def _write(self) -> None:
        if self.out_dir is None or self._stopped:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        job = StatusPageJob(self.path, self.out_dir, self._zone, self._last)
        job.setAutoDelete(False)
        job.signals.written.connect(self._written)
        job.signals.failed.connect(self._failed)
        self._jobs.append(job)
        self._pool.start(job)

    def _done(self) -> None:
        self._running = False
        self.checked.emit()
        if self._again:
            self._again = False
            self._write()

    def _written(self, paths: list[Path] | None, public: IncidentRecord) -> None:
        self._last = public
        if paths is not None and not self._stopped:
            self.written.emit(paths)
        self._done()

    def _failed(self, message: str) -> None:
        if not self._stopped:
            self.failed.emit(message)
        self._done()

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
