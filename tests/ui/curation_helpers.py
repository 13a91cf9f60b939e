"""Helpers for the curation tests: pick a timeline row with the mouse, press a window key."""

from __future__ import annotations

from PySide6.QtCore import Qt

from incident_recorder.ui.timeline.timeline_model import COL_ENTRY

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL_SHIFT = CTRL | SHIFT


def click_row(qtbot, window, row: int, *, double: bool = False) -> None:
    view = window.curation.view
    view.scrollTo(view.model().index(row, COL_ENTRY))
    rect = view.visualRect(view.model().index(row, COL_ENTRY))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if double:  # as a real double-click: press, release, then the double-click event
        qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def press(qtbot, window, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key typed where the user types: the focused note field."""
    qtbot.keyClick(window.note_bar.edit, key, modifiers)


def last_dialog(window, kind: type):
    dialogs = [d for d in window.curation.dialogs if isinstance(d, kind)]
    assert dialogs, f"no {kind.__name__} was opened"
    return dialogs[-1]
