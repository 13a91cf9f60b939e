"""Shows entries that other programs (the CLI, a second window) add to the open file.

Polls SQLite's `PRAGMA data_version` — a cheap read that changes only when another connection
commits — and, when it moves, reads what is new since the last look into the timeline model and
emits `changed` (the window then re-reads the milestones and details: only after such a commit).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui.timeline.timeline_model import TimelineModel

POLL_INTERVAL_MS = 250


class LiveUpdates(QObject):
    changed = Signal()
    """Another connection committed (entries, milestones, details…): emitted after the entries
    are in the model."""

    def __init__(
        self,
        incident_file: IncidentFile,
        model: TimelineModel,
        on_error: Callable[[str], None],
        start: tuple[int, tuple[int, int]],
        parent: QObject | None = None,
    ) -> None:
        """`start` is (data_version, marks) read *before* the model was filled, so nothing
        committed in between is missed (re-reading an entry the model has is harmless)."""
        super().__init__(parent)
        self._file = incident_file
        self._model = model
        self._on_error = on_error
        self._version, (self._entry_mark, self._revision_mark) = start
        self._failing = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    def poll(self) -> None:
        if not self._timer.isActive():
            return  # stopped: the window is closing and its file may be closed already
        try:
            self._file.check_still_there()
            version = self._file.data_version()
            if version == self._version:
                return
            self._version = version
            changes = self._file.changes_since(self._entry_mark, self._revision_mark)
        except IncidentFileError as error:
            if not self._failing:
                self._failing = True
                self._on_error(str(error))
            return
        self._failing = False
        self._entry_mark, self._revision_mark = changes.entry_mark, changes.revision_mark
        if changes.entries:
            self._model.add(changes.entries)
        self.changed.emit()

    def stop(self) -> None:
        self._timer.stop()
