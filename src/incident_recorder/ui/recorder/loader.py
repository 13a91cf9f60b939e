"""Reads a whole large incident in the background, so its window shows at once.

The window first shows the newest entries (read in milliseconds). `EarlierEntries` then, after
the first paint, runs `LoadAllJob` on the pool: it reads every record on its own connection and
hands them back by signal, with the file's marks as they were before the read, so that whatever
arrived since is added too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui.common import startup_measures
from incident_recorder.ui.common.window_host import WindowHost
from incident_recorder.ui.timeline.timeline_model import Prepared, TimelineModel, prepare


class LoadSignals(QObject):
    loaded = Signal(object, object)
    failed = Signal(str)


class LoadAllJob(QRunnable):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.signals = LoadSignals()

    def run(self) -> None:
        try:
            with IncidentFile.open(self.path, readonly=True) as source:
                marks = source.marks()  # before the read: what follows it is re-read later
                records = source.records(check=True)  # hidden ones too: shown on request
            self.signals.loaded.emit(prepare(records), marks)
        except IncidentFileError as error:
            self.signals.failed.emit(str(error))


class EarlierEntries(QObject):
    """The entries of a window's incident beyond the `shown` newest, read when `start`ed.

    `show_loading(total)` tells the header how many there are (None: all are shown).
    """

    done = Signal()
    """The load finished or failed: the capture worker's warm-up may start (it waits)."""

    def __init__(
        self,
        file: IncidentFile,
        model: TimelineModel,
        shown: int,
        show_loading: Callable[[int | None], None],
        *,
        pool: QThreadPool,
        jobs: list[QRunnable],
        host: WindowHost,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._file = file
        self._model = model
        self._show_loading = show_loading
        self._pool = pool
        self._jobs = jobs
        self._host = host
        self._closing = False
        total = file.entry_count()
        self.pending = total > shown
        """Some entries are not in the model yet (until the load has finished or failed)."""
        if self.pending:
            show_loading(total)

    def start(self) -> None:
        """Read every entry in the background; until then the newest `shown` are shown."""
        job = LoadAllJob(self._file.path)
        job.setAutoDelete(False)
        job.signals.loaded.connect(self._all_loaded)
        job.signals.failed.connect(self._load_failed)
        self._jobs.append(job)
        self._host.statusBar().showMessage("Loading earlier entries…")
        self._pool.start(job)

    def _loaded(self) -> None:
        self.pending = False
        self._show_loading(None)

    def _load_failed(self, message: str) -> None:
        if not self._closing:
            self._loaded()
            self.done.emit()
            self._host.show_error("Earlier entries could not be read", message)

    def _all_loaded(self, records: Prepared, marks: tuple[int, int]) -> None:
        if self._closing:
            return
        self._model.reset(records)
        self._model.add(self._file.changes_since(*marks).entries)
        # The loaded records live as long as the window: keep the cyclic garbage collector from
        # walking them on every full collection (tens of milliseconds each with 100,000 rows).
        startup_measures.freeze()
        self._loaded()
        count = self._model.rowCount()
        self._host.statusBar().showMessage(f"All {count:,} entries loaded", 4000)
        self.done.emit()  # the capture worker's warm-up, now that the load is done

    def close(self) -> None:
        """The window is closing: a load finishing now is dropped."""
        self._closing = True
