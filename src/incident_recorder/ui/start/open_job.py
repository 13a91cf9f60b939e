"""Opening a large incident file for recording without freezing the window it is opened from.

Opening a file for writing checks the pages that hold the record (about a second for a cold
2 GB file) and brings an older file to the current format (a new index over the captures: many
seconds on a 2 GB file). ``PrepareJob`` does that once on a worker thread with a connection of
its own and closes it; the window then opens the file on the UI thread, where the same checks
find the pages cached and nothing left to migrate. ``PrepareProgress`` tells the user what is
happening meanwhile (only if it takes longer than a moment).

The file is never written to unless a migration is needed, and a migration is one transaction
per format step: a refusal or a crash leaves the file as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from incident_recorder.domain.times import Clock
from incident_recorder.storage import IncidentFile, IncidentFileError

PREPARE_BYTES = 64 * 2**20
"""Files at least this large are checked (and migrated) on a worker before they are opened."""


def needs_preparing(path: Path) -> bool:
    """Whether opening `path` for writing may take long enough to freeze a window."""
    try:
        return Path(path).stat().st_size >= PREPARE_BYTES
    except OSError:
        return False  # the synchronous open gives the clear message


class _Signals(QObject):
    prepared = Signal(object)  # the path
    failed = Signal(object, str)  # the path, the one-line reason


class PrepareJob(QRunnable):
    """Open `path` for writing on a worker (checks, migration), then close it again."""

    def __init__(self, path: Path, clock: Clock) -> None:
        super().__init__()
        self.path = Path(path)
        self.clock = clock
        self.signals = _Signals()

    def run(self) -> None:
        try:
            IncidentFile.open(self.path, clock=self.clock).close()
        except IncidentFileError as error:
            self.signals.failed.emit(self.path, str(error))
        except OSError as error:  # e.g. the folder vanished meanwhile
            self.signals.failed.emit(self.path, error.strerror or str(error))
        else:
            self.signals.prepared.emit(self.path)


def _size_text(size: int) -> str:
    return f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:.0f} MB"


class PrepareProgress(QProgressDialog):
    """A busy indicator for one file being prepared; appears only after 400 ms."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        try:
            size = _size_text(Path(path).stat().st_size)
        except OSError:
            size = "large file"
        self.setWindowTitle("Opening incident")
        self.setLabelText(
            f"Checking {Path(path).name} ({size}) and updating it to the current format if it "
            "needs it…\nNothing recorded in it is changed."
        )
        self.setAccessibleName("Opening incident")
        self.setRange(0, 0)  # busy: the steps report no progress
        self.setCancelButton(None)
        self.setMinimumDuration(400)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
