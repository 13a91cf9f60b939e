"""The F1 cheat sheet fits the screen: its rows scroll, the Close button is always on screen."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from incident_recorder.ui.dialogs.shortcuts_dialog import ShortcutsDialog


def test_the_cheat_sheet_is_never_taller_than_the_screen(qtbot) -> None:
    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    available = QGuiApplication.primaryScreen().availableGeometry()
    table = dialog.label.sizeHint().height()
    assert table > available.height() * dialog.SCREEN_SHARE, "the table is taller than allowed"
    assert dialog.frameGeometry().height() <= available.height()
    bar = dialog.scroll_area.verticalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0, "the rest is reached by scrolling"
    close = dialog.close_button
    corner = close.mapTo(dialog, QPoint(close.width(), close.height()))
    assert close.isVisible() and dialog.rect().contains(corner), "Close is inside the dialog"
    assert dialog.scroll_area.widget().width() <= dialog.scroll_area.viewport().width(), (
        "no row is cut off at the side"
    )
    assert dialog.scroll_area.hasFocus(), "arrows and Page Down scroll at once"
    for _ in range(10):
        qtbot.keyClick(dialog.scroll_area, Qt.Key.Key_PageDown)
    assert bar.value() == bar.maximum(), "the keyboard reaches the last row"
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_enter_and_esc_close_the_cheat_sheet(qtbot) -> None:
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        dialog = ShortcutsDialog()
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(dialog.scroll_area, key)
        assert not dialog.isVisible()
