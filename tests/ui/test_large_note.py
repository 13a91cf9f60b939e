"""A very large note (a pasted log) is confirmed on an inline bar before it is saved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from incident_recorder.domain.text import LARGE_NOTE_CHARS

LOG_LINE = "2026-11-27T13:59:59Z checkout-api ERROR upstream connect timeout pool=db-7\n"


def _paste(qtbot, window, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    qtbot.waitUntil(lambda: len(QGuiApplication.clipboard().text()) == len(text))
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def _log(lines: int) -> str:
    return LOG_LINE * lines


def test_a_huge_paste_asks_once_and_enter_again_saves_it(make_window, qtbot) -> None:
    window = make_window()
    log = _log(400)  # 30,000 characters
    assert len(log) > LARGE_NOTE_CHARS
    _paste(qtbot, window, log)
    bar = window.note_bar.large_bar
    assert bar.isVisible()
    assert "30,000 characters, 401 lines" in bar.label.text()
    assert "Save it as a note?" in bar.label.text()
    assert window.file.entry_count() == 0

    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)  # the answer: save it
    assert window.file.entry_count() == 1
    assert window.file.entries()[0].text == log.strip("\n")
    assert not bar.isVisible()
    assert window.note_bar.text() == ""


def test_esc_keeps_editing_the_draft_and_enter_asks_before_saving(make_window, qtbot) -> None:
    window = make_window()
    log = _log(400)
    _paste(qtbot, window, log)
    bar = window.note_bar.large_bar
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Escape)  # Keep editing, not discard
    assert not bar.isVisible()
    assert window.note_bar.text() == log
    assert window.file.entry_count() == 0

    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)  # asks, saves nothing
    assert bar.isVisible()
    assert window.file.entry_count() == 0
    assert window.note_bar.text() == log
    qtbot.mouseClick(bar.keep_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible() and window.note_bar.edit.hasFocus()
    assert window.file.entry_count() == 0 and window.note_bar.text() == log

    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Escape)  # no question open: discards
    assert window.note_bar.text() == ""


def test_trimming_below_the_threshold_removes_the_question(make_window, qtbot) -> None:
    window = make_window()
    _paste(qtbot, window, _log(400))
    bar = window.note_bar.large_bar
    assert bar.isVisible()
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.note_bar.edit, "pool=db-7 timeouts, log in the ticket")
    assert not bar.isVisible()
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)
    assert [e.text for e in window.file.entries()] == ["pool=db-7 timeouts, log in the ticket"]


def test_the_save_button_saves_the_large_note(make_window, qtbot) -> None:
    window = make_window()
    qtbot.keyClicks(window.note_bar.edit, "Log from db-7:")
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    _paste(qtbot, window, _log(300))
    bar = window.note_bar.large_bar
    assert bar.isVisible()
    qtbot.mouseClick(bar.save_button, Qt.MouseButton.LeftButton)
    (entry,) = window.file.entries()
    assert entry.text.startswith("Log from db-7:") and len(entry.text) > LARGE_NOTE_CHARS
    assert not bar.isVisible()


def test_a_small_paste_saves_at_once(make_window, qtbot) -> None:
    window = make_window()
    _paste(qtbot, window, _log(3))
    assert not window.note_bar.large_bar.isVisible()
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)
    assert window.file.entry_count() == 1
