"""The start window from the keyboard: Enter opens the highlighted recent incident, Enter on a
focused button clicks it, and the list has the focus when it has rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from incident_recorder.storage import IncidentFile


def _shown(application, qtbot):
    application.show_start()
    start = application.start
    start.activateWindow()
    qtbot.waitUntil(start.isActiveWindow)
    return start


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_opens_the_highlighted_recent_incident(application, qtbot, tmp_path, key) -> None:
    paths = []
    for name in ("older", "newer"):
        paths.append(tmp_path / f"{name}.incident")
        IncidentFile.create(paths[-1], name.title()).close()
        application.recent.add(paths[-1], name.title(), f"2026-11-27T10:0{len(paths)}:00Z")
    start = _shown(application, qtbot)
    assert start.recent_list.hasFocus(), "the list, not the hint card's button"
    buttons = (start.new_button, start.open_button, start.remove_button)
    assert not any(b.isDefault() for b in buttons), "no button looks as if Enter were its"
    qtbot.keyClick(start.recent_list, Qt.Key.Key_Down)
    highlighted = Path(start.recent_list.currentItem().data(0, Qt.ItemDataRole.UserRole))
    with qtbot.waitSignal(start.open_requested, timeout=2000) as opened:
        qtbot.keyClick(start.recent_list, key)
    assert Path(opened.args[0]) == highlighted
    assert application.windows, "the incident opened"
    assert not start.isVisible()


def test_enter_on_a_focused_button_clicks_it(application, qtbot, monkeypatch) -> None:
    from incident_recorder.ui.dialogs.new_incident_dialog import NewIncidentDialog

    asked: list[bool] = []
    monkeypatch.setattr(NewIncidentDialog, "exec", lambda _self: asked.append(True) or 0)
    start = _shown(application, qtbot)
    assert start.new_button.hasFocus(), "no recent incident: New Incident has the focus"
    qtbot.keyClick(start.new_button, Qt.Key.Key_Return)
    assert asked == [True]
    start.open_button.setFocus()
    assert start.open_button.isDefault() and not start.new_button.isDefault(), (
        "the focused button is the one marked as Enter's"
    )
    start.hint.dismiss_button.setFocus()
    qtbot.keyClick(start.hint.dismiss_button, Qt.Key.Key_Return)
    assert not start.hint.isVisible(), "Enter on Got It dismisses the card"
