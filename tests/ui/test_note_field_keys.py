"""Window keys that a text field would otherwise take work from the note field (Ctrl+End)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from incident_recorder.domain import EntryKind


def test_ctrl_end_in_the_note_field_jumps_to_the_newest_entry(make_window, clock, qtbot) -> None:
    window = make_window()
    for number in range(80):
        window.session.add_note(f"checkout-api note {number}", EntryKind.OBSERVATION)
        clock.advance(1)
    bar = window.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(0)  # the user scrolled up to read
    assert not window.view.following
    edit = window.note_bar.edit
    assert QApplication.focusWidget() is edit
    qtbot.keyClicks(edit, "payments back to normal")
    edit.moveCursor(edit.textCursor().MoveOperation.Start)
    qtbot.keyClick(edit, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert window.view.following, "Ctrl+End jumps to the newest entry, as the README says"
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())
    assert edit.toPlainText() == "payments back to normal", "the note being typed is kept"
    assert QApplication.focusWidget() is edit
    qtbot.keyClicks(edit, "!")  # and the typing goes on where it was
    assert window.note_bar.text() in ("!payments back to normal", "payments back to normal!")
