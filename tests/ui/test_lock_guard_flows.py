"""Every window flow that can touch a file leaves the window's SQLite locks in place.

Each flow runs in this process with an incident open in a recorder window, in the incident's own
folder (so a file dialog lists the incident, its -wal and -shm); then a second process asks the
kernel who holds the locks on the file: it must still be this process. Before the fix, Qt's file
dialog sniffed the listed files' types by opening them, and the Open dialog alone dropped them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QThreadPool, QTimer, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog

from incident_recorder.domain import EntryKind
from tests.storage.lock_probe import lock_holders
from tests.ui.test_paste_drop import _drop

pytestmark = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="the lock checks read /proc (Linux)"
)


class DialogCloser:
    """Cancels each file dialog once it has listed its folder and shown it for a moment (long
    enough for Qt to ask the icon provider about every file in view)."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._shown_at: dict[int, int] = {}
        self._ticks = 0
        self._timer = QTimer()
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        self._ticks += 1
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog) or not dialog.isVisible():
            return
        first = self._shown_at.setdefault(id(dialog), self._ticks)
        if self._ticks - first >= 16:  # 800 ms on screen: listed, icons and types fetched
            self.seen.append(dialog.windowTitle())
            dialog.reject()

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def recorder(application, tmp_path: Path, qtbot):
    from incident_recorder.storage import IncidentFile

    path = tmp_path / "t.incident"
    IncidentFile.create(path, "Lock test").close()
    window = application.open_path(path, in_background=False)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.save_note("a first note", EntryKind.OBSERVATION, None)
    return window


def _assert_locks_held(path: Path) -> None:
    assert lock_holders(path) == (os.getpid(), os.getpid()), "the window lost its SQLite locks"


def _flows(application, window, tmp_path: Path) -> dict[str, Callable[[], object]]:
    from incident_recorder.ui.dialogs.new_incident_dialog import NewIncidentDialog
    from incident_recorder.ui.dialogs.settings_general import GeneralPage
    from incident_recorder.ui.dialogs.settings_store import SettingsStore
    from incident_recorder.ui.report.export_dialog import ExportDialog

    def new_incident() -> None:
        dialog = NewIncidentDialog(tmp_path, datetime.now(UTC), window)
        dialog._browse()
        dialog.reject()

    def export_folder() -> None:
        dialog = ExportDialog(
            window.file.path,
            clock=window._clock,
            tz=UTC,
            settings_store=SettingsStore(tmp_path / "settings.ini"),
            thread_pool=QThreadPool(),
            parent=window,
        )
        dialog.folder.setText(str(tmp_path))
        dialog._choose_folder()
        dialog.reject()

    def settings_folder() -> None:
        page = GeneralPage()
        page.folder_edit.setText(str(tmp_path))
        page._browse()
        page.deleteLater()

    return {
        "Open (Ctrl+O)": lambda: application.ask_open(window),
        "New Incident, Browse": new_incident,
        "Export, Choose folder": export_folder,
        "Settings, data folder": settings_folder,
        "Status page folder": lambda: window.write_status_page(),
        "Quick export folder": lambda: window.export("markdown"),
    }


@pytest.mark.parametrize(
    "flow",
    [
        "Open (Ctrl+O)",
        "New Incident, Browse",
        "Export, Choose folder",
        "Settings, data folder",
        "Status page folder",
        "Quick export folder",
    ],
)
def test_a_file_dialog_opened_and_cancelled_keeps_the_locks(
    flow, application, recorder, tmp_path, qtbot
) -> None:
    path = recorder.file.path
    _assert_locks_held(path)
    closer = DialogCloser()
    try:
        _flows(application, recorder, tmp_path)[flow]()
    finally:
        closer.stop()
    assert closer.seen, f"{flow}: no file dialog was shown"
    _assert_locks_held(path)
    recorder.save_note("after the dialog", EntryKind.OBSERVATION, None)
    assert recorder.model.rowCount() == 2


def test_dropping_or_pasting_the_incident_file_itself_keeps_the_locks(
    recorder, qtbot, tmp_path
) -> None:
    path = recorder.file.path
    refused: list[str] = []
    recorder.capture_controller.importer.refused.connect(refused.append)
    for target in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(target))])
        refused.clear()
        _drop(recorder, mime)
        qtbot.waitUntil(lambda: bool(refused), timeout=10_000)
        assert "part of an incident open in this program" in refused[0]
        _assert_locks_held(path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    QGuiApplication.clipboard().setMimeData(mime)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().mimeData().hasUrls())
    refused.clear()
    assert recorder.capture_controller.importer.paste()
    qtbot.waitUntil(lambda: bool(refused), timeout=10_000)
    _assert_locks_held(path)
    assert recorder.model.rowCount() == 1  # nothing was recorded from the file itself
