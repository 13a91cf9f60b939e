"""Smaller things the window does to what the user sees: Add Past Entry says nothing wrong
before anything is typed and takes the kind keys; a failed New Incident keeps the title."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from incident_recorder.domain import EntryKind

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _past_entry_dialog(window, qtbot):
    from incident_recorder.ui.recorder.past_entry import PastEntryDialog

    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_N, CTRL_SHIFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), PastEntryDialog))
    return QApplication.activeWindow()


def test_add_past_entry_shows_no_error_before_anything_is_typed(make_window, qtbot) -> None:
    window = make_window()
    dialog = _past_entry_dialog(window, qtbot)
    assert not dialog.message.isVisible()
    preview = dialog.when.preview
    assert preview.isVisible() and preview.styleSheet() == "", "no red text before typing"
    assert preview.text().startswith("When it happened")
    qtbot.keyClicks(QApplication.focusWidget(), "13:x")  # a real mistake is said at once
    assert "b91c1c" in preview.styleSheet() or "f87171" in preview.styleSheet()
    dialog.reject()


def test_the_kind_keys_work_in_add_past_entry(make_window, qtbot, clock) -> None:
    window = make_window()
    dialog = _past_entry_dialog(window, qtbot)
    qtbot.keyClicks(QApplication.focusWidget(), "13:58")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "config push went out")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_4, CTRL)
    assert dialog.kind.currentData() == EntryKind.ACTION
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2, CTRL)
    assert dialog.kind.currentData() == EntryKind.DETECTION
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: len(window.file.entries()) == 1)
    [entry] = window.file.entries()
    assert (entry.text, entry.kind) == ("config push went out", EntryKind.DETECTION)


def test_a_failed_new_incident_keeps_the_typed_title(application, qtbot, tmp_path) -> None:
    from incident_recorder.ui.dialogs.new_incident_dialog import NewIncidentDialog

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    good = tmp_path / "incidents" / "checkout.incident"
    seen: list[str] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, NewIncidentDialog) or not dialog.isVisible():
            if len(seen) < 3 and application.windows == []:  # stops once the test is over
                QTimer.singleShot(50, drive)
            return
        if not seen:  # first time: type a title, a file that cannot be made, Start Recording
            qtbot.keyClicks(dialog.title_edit, "Checkout errors after config push")
            dialog.path_edit.setText(str(blocker / "checkout.incident"))
            seen.append("typed")
            qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)
            QTimer.singleShot(50, drive)
            return
        seen.append(dialog.title_edit.text())  # asked again: what was typed is still there
        seen.append(dialog.error.text() if dialog.error.isVisible() else "")
        dialog.path_edit.setText(str(good))
        qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)

    QTimer.singleShot(0, drive)
    window = application.ask_new(application.start)
    assert seen[1] == "Checkout errors after config push"
    assert "Could not create" in seen[2] and "not-a-folder" in seen[2]
    assert window is not None and window.incident.title == "Checkout errors after config push"
    assert Path(window.file.path) == good
