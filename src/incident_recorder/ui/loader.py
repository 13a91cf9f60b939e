"""Reads a whole large incident in the background, so its window shows at once.

The window first shows the newest entries (read in milliseconds); this job then reads every
record on its own connection and hands them back by signal, with the file's marks as they were
before the read, so the window can add whatever arrived since.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui.timeline_model import prepare


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
