"""Opening and creating an incident file for a window, in the words the window shows.

A file that cannot be written is opened read-only (a view-and-export window, see
ui/recorder/read_only.py) with the reason; a file that cannot be created gives the reason as one
line, so the New Incident dialog can say it and keep what was typed. No Qt at import time.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from incident_recorder.domain.times import Clock

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from incident_recorder.storage import IncidentFile


def raise_window(window: QWidget) -> None:
    """Bring a window to the front (restored if minimised)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def writable(path: Path) -> bool:
    """Whether `path` and its folder may be written (else it opens read-only, at once)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def open_incident(path: Path, clock: Clock) -> tuple[IncidentFile, str | None]:
    """The file open for recording, or read-only with the reason it cannot be written.
    IncidentFileError if it cannot be opened at all."""
    from incident_recorder.storage import IncidentFile
    from incident_recorder.storage.errors import ReadOnlyFileError

    try:
        return IncidentFile.open(path, clock=clock), None
    except ReadOnlyFileError as error:
        reason = str(error).split(": it can be exported")[0]
        return IncidentFile.open(path, readonly=True, clock=clock), reason


def create_incident(
    path: Path, title: str, severity: str | None, clock: Clock
) -> IncidentFile | str:
    """A new incident file, open; or why it could not be made (one line)."""
    from incident_recorder.storage import IncidentFile, IncidentFileError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = IncidentFile.create(path, title, clock=clock)
        if severity:
            handle.set_details(replace(handle.details(), severity=severity))
    except (IncidentFileError, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        return f"Could not create {path}: {reason}"
    return handle
