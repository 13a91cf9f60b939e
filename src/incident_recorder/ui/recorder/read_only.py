"""A recorder window over an incident that cannot be written: a view-and-export window.

An incident file whose file or folder is not writable (a copy mailed to a reviewer, an archive
on a read-only mount, a file of another user) opens read-only rather than not at all: the
timeline, the capture viewer, the report preview and every export work (exports open the file
read-only in their own process); every action that would record into the file is disabled, and
a notice across the top says why and what to do about it. The note field says the same where the
user would type.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStatusBar

from incident_recorder.storage import IncidentFile
from incident_recorder.ui.capture.capture_controller import CaptureController
from incident_recorder.ui.common.banner import Banner
from incident_recorder.ui.recorder.header import IncidentHeader
from incident_recorder.ui.recorder.note_bar import NoteBar
from incident_recorder.ui.recorder.open_elsewhere import OPEN_ELSEWHERE, open_elsewhere

READ_ONLY_ACTIONS = frozenset(
    {
        "new_incident",
        "open_incident",
        "join_team",
        "export",
        "export_json",
        "write_status_page",
        "settings",
        "close_window",
        "entry_history",
        "filter_timeline",
        "show_hidden",
        "report",
        "refresh_report",
        "toggle_utc",
        "jump_latest",
        "shortcuts",
    }
)
"""The actions a read-only window keeps: reading, finding, previewing, exporting, windows."""
READ_ONLY_TITLE = "Read-only: viewing and exporting only"


def read_only_notice(reason: str) -> str:
    """What the notice says: the file's reason, then what still works."""
    return (
        f"{reason.rstrip('.')}. The timeline, captures, the report preview and exports work; "
        "nothing can be recorded into this file here. To record, copy it somewhere writable "
        "and open the copy."
    )


class ReadOnlyWindow(Protocol):
    """The parts of the recorder window a read-only incident changes."""

    read_only: str | None
    file: IncidentFile
    actions_by_id: dict[str, QAction]
    note_bar: NoteBar
    notice: Banner
    header: IncidentHeader

    def statusBar(self) -> QStatusBar: ...


def apply_access(
    window: ReadOnlyWindow, captures: CaptureController, drop_target: QObject, exposed: str | None
) -> None:
    """Once the window is built: read-only or recording, said in the status bar (unless the
    file's exposure to other users is, `exposed`), and a notice if another process has the
    file open too."""
    path = window.file.path
    if window.read_only is not None:  # the recording parts off, the notice says why
        make_read_only(window, captures, drop_target)
    doing = "Viewing (read-only)" if window.read_only else "Recording into"
    window.statusBar().showMessage(exposed or f"{doing} {path}")
    if window.read_only is None and (elsewhere := open_elsewhere(path)):
        window.notice.show_message(OPEN_ELSEWHERE, elsewhere)


def make_read_only(
    window: ReadOnlyWindow, captures: CaptureController, drop_target: QObject
) -> None:
    """Disable every recording action of the window, show the notice, lock the note field,
    refuse drops and pastes, lock the capture viewers' caption and annotations, and leave the
    title (the details dialog) unclickable."""
    reason = window.read_only or "This incident is read-only"
    note_bar = window.note_bar
    for action_id, action in window.actions_by_id.items():
        if action_id not in READ_ONLY_ACTIONS:
            action.setEnabled(False)
            action.setToolTip(f"{action.toolTip()} — not in a read-only incident")
    window.notice.show_message(READ_ONLY_TITLE, read_only_notice(reason), closable=False)
    captures.importer.unwatch(drop_target)
    captures.read_only = True
    note_bar.edit.paste_image = None
    title = window.header.title
    title.clicked.disconnect(window.header.title_clicked)
    title.unsetCursor()
    note_bar.edit.setReadOnly(True)
    note_bar.edit.setPlaceholderText("This incident is read-only: nothing can be recorded here")
    note_bar.kind_badge.setEnabled(False)
    note_bar.public_badge.setEnabled(False)
    note_bar.hint.setText("Read-only: nothing is recorded here")
