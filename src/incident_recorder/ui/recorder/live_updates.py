"""Shows entries that other programs (the CLI, a second window, the team sync) add to the file.

Polls SQLite's `PRAGMA data_version` — a cheap read that changes only when another connection
commits — and, when it moves, reads what is new since the last look into the timeline model and
emits `changed` (the window then re-reads the milestones and details: only after such a commit).

A few new rows (a note from the CLI) are read in place, in a millisecond. More than
`SMALL_READ` (a teammate's catch-up, a large import) are read on a thread of their own, with its
own read-only connection, and reach the model through a `BlockFeed`: a block of rows per short
event-loop turn, so the window never stops answering while thousands arrive.

The team sync commits teammates' entries through its own connection and shows them itself
(ui/recorder/team_sync.py, through the session); it says which (`shown_elsewhere`), and a poll
that finds only those new entries moves its marks past them without reading them again (and
re-reads the header's milestones and details only if their rows moved too). Mixed
with other programs' rows, they are read, and not handed to the model a second time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal

from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.storage.incident_file import Changes
from incident_recorder.ui.recorder.block_feed import BlockFeed
from incident_recorder.ui.timeline.timeline_model import TimelineModel

POLL_INTERVAL_MS = 250
SMALL_READ = 50
"""New entries and revisions (by the file's marks) from which the read leaves the UI thread."""


class LiveUpdates(QObject):
    changed = Signal()
    """Another connection committed (entries, milestones, details…): emitted after the entries
    are in the model."""
    _read = Signal(object)
    _read_failed = Signal(str)

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
        self.feed = BlockFeed(model.add, self)
        self._elsewhere: dict[int, int] = {}  # entry id → revision, shown by the team sync
        # Re-reading the header's milestones and details costs the UI thread ~3 ms: after a
        # commit of only entries the team sync showed, only when these marks moved.
        self._header = (-1, -1)  # unknown: the first such poll re-reads
        self._reader: threading.Thread | None = None
        self._read.connect(self._read_done)
        self._read_failed.connect(self._failed)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    @property
    def reading(self) -> bool:
        """A large read is under way on its own thread."""
        return self._reader is not None

    def shown_elsewhere(self, entries: Iterable[tuple[int, int]]) -> None:
        """(entry id, revision) pairs already in the model by another path (the team sync's
        feed): not read nor added again."""
        self._elsewhere.update(entries)

    def _only_shown_elsewhere(self, entry_mark: int, revision_mark: int) -> bool:
        """Whether every new row since the marks is an entry shown elsewhere (entry ids are
        rowids, given in order and never removed)."""
        if revision_mark != self._revision_mark or entry_mark <= self._entry_mark:
            return False
        new = range(self._entry_mark + 1, entry_mark + 1)
        if len(new) > len(self._elsewhere) or not all(i in self._elsewhere for i in new):
            return False
        for entry_id in new:
            del self._elsewhere[entry_id]
        return True

    def poll(self) -> None:
        if not self._timer.isActive() or self._reader is not None:
            return  # stopped (the window is closing), or a read under way: it looks again
        try:
            self._file.check_still_there()
            version = self._file.data_version()
            if version == self._version:
                return
            self._version = version
            entry_mark, revision_mark = self._file.marks()
            if self._only_shown_elsewhere(entry_mark, revision_mark):
                self._entry_mark = entry_mark
                header = self._file.header_marks()
                if header != self._header:  # a milestone or detail came in too
                    self._header = header
                    self.changed.emit()
                return
            new = entry_mark - self._entry_mark + revision_mark - self._revision_mark
            if new > SMALL_READ:
                self._read_elsewhere()
                return
            changes = self._file.changes_since(self._entry_mark, self._revision_mark)
        except IncidentFileError as error:
            self._failed(str(error))
            return
        self._apply(changes)

    def _read_elsewhere(self) -> None:
        path, marks = self._file.path, (self._entry_mark, self._revision_mark)

        def read() -> None:
            try:
                with IncidentFile.open(path, readonly=True) as source:
                    changes = source.changes_since(*marks)  # sorted as the model keeps them
            except Exception as error:  # said as a failed poll says it (never left hanging)
                self._read_failed.emit(str(error))
                return
            self._read.emit(changes)

        self._reader = threading.Thread(target=read, name="live updates", daemon=True)
        self._reader.start()

    def _read_done(self, changes: Changes) -> None:
        self._reader = None
        if self._timer.isActive():
            self._apply(changes)

    def _apply(self, changes: Changes) -> None:
        self._failing = False
        self._entry_mark, self._revision_mark = changes.entry_mark, changes.revision_mark
        if self._elsewhere:
            shown = self._elsewhere
            entries = [e for e in changes.entries if shown.get(e.id) != e.revision]
            for entry in changes.entries:
                if shown.get(entry.id) == entry.revision:
                    del shown[entry.id]
            changes = replace(changes, entries=entries)
        if len(changes.entries) > SMALL_READ or self.feed.pending:
            self.feed.put(changes.entries, then=self.changed.emit)  # in blocks, in order
            return
        if changes.entries:
            self._model.add(changes.entries)
        self.changed.emit()

    def _failed(self, message: str) -> None:
        self._reader = None
        if not self._failing and self._timer.isActive():
            self._failing = True
            self._on_error(message)

    def stop(self) -> None:
        self._timer.stop()
        self.feed.stop()
        if self._reader is not None:
            self._reader.join(timeout=5)  # its result, if any, is dropped (the timer stopped)
