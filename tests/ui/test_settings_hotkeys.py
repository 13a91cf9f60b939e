"""Global hotkeys changed in the Settings dialog, on a real X server (xdotool, an xterm focused)."""

from __future__ import annotations

import pytest

from incident_recorder.ui.capture import global_hotkeys
from tests.ui.x_support import captures, xdotool

pytestmark = pytest.mark.xvfb

TAKEN = "Ctrl+Alt+X is already taken by another program; the in-window shortcut still works"


def test_a_new_global_key_is_grabbed_and_the_old_one_released(
    make_window, qtbot, other_app
) -> None:
    window = make_window()
    dialog = window.open_settings()
    dialog.set_key("capture_screen", "Ctrl+Alt+X")
    assert dialog.save()
    assert dialog.messages == []
    assert window.actions_by_id["capture_screen"].shortcut().toString() == "Ctrl+Alt+X"
    assert global_hotkeys.combinations()["capture_screen"] == "Ctrl+Alt+X"

    xdotool("windowfocus", "--sync", other_app)
    xdotool("key", "ctrl+alt+x")
    qtbot.waitUntil(lambda: len(captures(window)) == 1, timeout=10_000)
    assert captures(window)[0].capture.window_title == "Other app"

    xdotool("windowfocus", "--sync", other_app)
    xdotool("key", "ctrl+alt+s")
    qtbot.wait(700)
    assert len(captures(window)) == 1, "Ctrl+Alt+S no longer captures"


def test_global_hotkeys_switched_off_release_every_grab(make_window, qtbot) -> None:
    window = make_window()
    assert "capture_screen" in global_hotkeys.grabbed_actions()
    dialog = window.open_settings()
    dialog.global_box.setChecked(False)
    assert dialog.save()
    assert global_hotkeys.grabbed_actions() == []
    dialog = window.open_settings()
    dialog.global_box.setChecked(True)
    assert dialog.save()
    assert "capture_screen" in global_hotkeys.grabbed_actions()


def test_a_combination_taken_by_another_program_is_reported(
    make_window, qtbot, x_connection
) -> None:
    from Xlib import XK, X

    root = x_connection.screen().root
    keycode = x_connection.keysym_to_keycode(XK.string_to_keysym("x"))
    mods = X.ControlMask | X.Mod1Mask
    root.grab_key(keycode, mods, False, X.GrabModeAsync, X.GrabModeAsync)
    x_connection.sync()
    try:
        window = make_window()
        dialog = window.open_settings()
        dialog.set_key("capture_screen", "Ctrl+Alt+X")
        assert dialog.save()
        assert dialog.messages == [TAKEN]
        assert dialog.isVisible(), "the dialog stays open with the message"
        assert TAKEN in dialog.message.text()
        assert TAKEN in window.statusBar().currentMessage()
        assert window.actions_by_id["capture_screen"].shortcut().toString() == "Ctrl+Alt+X"
        grabbed = global_hotkeys.grabbed_actions()
        assert "capture_screen" not in grabbed and "capture_all" in grabbed
        dialog.close()
    finally:
        root.ungrab_key(keycode, mods)
        x_connection.sync()
