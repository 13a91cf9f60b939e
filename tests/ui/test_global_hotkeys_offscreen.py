"""Global hotkeys where there are none (offscreen, disabled): nothing is grabbed, nothing fails."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication

from incident_recorder.ui.capture import global_hotkeys
from incident_recorder.ui.common.actions import ACTIONS, action


def test_the_global_keys_are_in_the_actions_table() -> None:
    assert {s.id: s.shortcut for s in ACTIONS if s.global_key} == {
        "capture_screen": "Ctrl+Alt+S",
        "capture_all": "Ctrl+Alt+A",
        "capture_region": "Ctrl+Alt+R",
        "capture_window": "Ctrl+Alt+W",
        "focus_note": "Ctrl+Alt+N",
    }
    assert not action("new_incident").global_key


def test_shortcuts_parse_into_x_modifiers() -> None:
    from Xlib import X

    assert global_hotkeys._parse("Ctrl+Alt+S") == (X.ControlMask | X.Mod1Mask, "s")
    assert global_hotkeys._parse("Ctrl+Shift+F5") == (X.ControlMask | X.ShiftMask, "F5")


def test_disabled_by_the_environment(monkeypatch: pytest.MonkeyPatch, qapp) -> None:
    monkeypatch.setenv(global_hotkeys.DISABLE_ENV, "1")
    assert not global_hotkeys.available()


def test_no_global_keys_offscreen_and_the_window_keys_still_work(make_window, qtbot) -> None:
    if QGuiApplication.platformName() == "xcb":
        pytest.skip("runs on the offscreen platform")
    window = make_window()
    assert window.hotkey_messages == []
    assert global_hotkeys.grabbed_actions() == []
    window.focus_note()
    assert window.note_bar.occurred_at is not None
    window.close()


def test_focus_note_keeps_the_stamp_of_a_draft_under_way(make_window, qtbot, clock) -> None:
    window = make_window()
    window.note_bar.edit.setPlainText("typing")
    first = window.note_bar.occurred_at
    clock.advance(30)
    window.focus_note()
    assert window.note_bar.occurred_at == first
    window.note_bar.edit.clear()
    window.focus_note()
    assert window.note_bar.occurred_at == clock.now
