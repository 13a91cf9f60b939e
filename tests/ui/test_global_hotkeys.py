"""Global hotkeys on a real X server: keys sent with xdotool while an xterm has the focus."""

from __future__ import annotations

import time
from typing import Any

import pytest

from incident_recorder.capture import Grabber, active_window_title
from incident_recorder.ui.capture import global_hotkeys
from incident_recorder.ui.common.actions import ACTIONS
from tests.ui.x_support import captures, xdotool

pytestmark = pytest.mark.xvfb


def focused_window() -> str:
    return xdotool("getwindowfocus")


def test_ctrl_alt_s_captures_while_another_app_has_focus(make_window, qtbot, other_app) -> None:
    window = make_window()
    assert "capture_screen" in global_hotkeys.grabbed_actions()
    xdotool("windowfocus", "--sync", other_app)
    xdotool("key", "ctrl+alt+s")
    qtbot.waitUntil(lambda: len(captures(window)) == 1, timeout=10_000)
    capture = captures(window)[0].capture
    assert (capture.width, capture.height) == (1920, 1080)
    assert capture.window_title == "Other app"
    assert focused_window() == other_app, "the other application keeps the focus"
    qtbot.wait(300)
    assert len(captures(window)) == 1, "the in-window action did not fire as well"


def test_ctrl_alt_w_captures_the_active_window_with_its_title(
    make_window, qtbot, other_app
) -> None:
    window = make_window()
    xdotool("windowfocus", "--sync", other_app)
    geometry = dict(
        line.split("=") for line in xdotool("getwindowgeometry", "--shell", other_app).split()
    )
    xdotool("key", "ctrl+alt+w")
    qtbot.waitUntil(lambda: len(captures(window)) == 1, timeout=10_000)
    capture = captures(window)[0].capture
    assert (capture.width, capture.height) == (int(geometry["WIDTH"]), int(geometry["HEIGHT"]))
    assert capture.window_title == "Other app"
    assert focused_window() == other_app


def test_ctrl_alt_a_captures_every_monitor(make_window, qtbot, other_app) -> None:
    window = make_window()
    with Grabber() as grabber:
        monitors = grabber.monitors()
    xdotool("windowfocus", "--sync", other_app)
    xdotool("key", "ctrl+alt+a")
    qtbot.waitUntil(lambda: len(captures(window)) == len(monitors), timeout=10_000)
    shots = [e.capture for e in captures(window)]
    assert [(c.width, c.height) for c in shots] == [(m["width"], m["height"]) for m in monitors]
    assert {c.window_title for c in shots} == {"Other app"}


def test_ctrl_alt_n_brings_the_recorder_forward_with_the_note_stamped(
    make_window, qtbot, other_app, clock
) -> None:
    window = make_window()
    xdotool("windowfocus", "--sync", other_app)
    qtbot.waitUntil(lambda: not window.isActiveWindow())
    pressed = clock.advance(42)
    xdotool("key", "ctrl+alt+n")
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.waitUntil(window.note_bar.edit.hasFocus)
    assert window.note_bar.occurred_at == pressed
    clock.advance(5)
    xdotool("type", "db failover")
    qtbot.waitUntil(lambda: window.note_bar.text() == "db failover")
    assert window.note_bar.occurred_at == pressed, "the key press, not the first keystroke"


def test_a_taken_combination_is_reported_and_the_window_key_still_works(
    make_window, qtbot, x_connection
) -> None:
    from Xlib import XK, X

    root = x_connection.screen().root
    keycode = x_connection.keysym_to_keycode(XK.string_to_keysym("s"))
    mods = X.ControlMask | X.Mod1Mask
    root.grab_key(keycode, mods, False, X.GrabModeAsync, X.GrabModeAsync)
    x_connection.sync()
    try:
        window = make_window()
        expected = (
            "Ctrl+Alt+S is already taken by another program; the in-window shortcut still works"
        )
        assert window.hotkey_messages == [expected]
        assert expected in window.statusBar().currentMessage()
        grabbed = global_hotkeys.grabbed_actions()
        assert "capture_screen" not in grabbed and "capture_window" in grabbed
        window.actions_by_id["capture_screen"].trigger()  # what the in-window key does
        qtbot.waitUntil(lambda: len(captures(window)) == 1, timeout=10_000)
    finally:
        root.ungrab_key(keycode, mods)
        x_connection.sync()


def test_grabs_are_released_when_the_last_window_closes(make_window, qtbot) -> None:
    first = make_window()
    second = make_window()
    assert global_hotkeys.grabbed_actions() == sorted(s.id for s in ACTIONS if s.global_key)
    first.close()
    assert global_hotkeys.grabbed_actions() != []
    second.close()
    assert global_hotkeys.grabbed_actions() == []
    third = make_window()  # grabs again: nothing was left held by the closed windows
    assert third.hotkey_messages == []
    assert global_hotkeys.grabbed_actions() != []


def test_active_window_title_follows_the_focus(other_app) -> None:
    assert active_window_title() == "Other app"


def test_many_windows_open_and_close_without_leaking(make_window, qtbot) -> None:
    import os

    before = len(os.listdir("/proc/self/fd"))
    started = time.perf_counter()
    for _ in range(5):
        make_window().close()
    assert (time.perf_counter() - started) < 20
    assert len(os.listdir("/proc/self/fd")) <= before + 2


def test_the_window_opens_the_x_connection_on_a_worker_and_grabs_with_it(
    make_window, qtbot, monkeypatch: pytest.MonkeyPatch, x_connection
) -> None:
    import threading

    opened_in: list[str] = []
    closed: list[object] = []
    real_open, real_discard = global_hotkeys.open_connection, global_hotkeys.discard

    def open_connection() -> Any:
        opened_in.append(threading.current_thread().name)
        return real_open()

    def discard(connection: Any) -> None:
        closed.append(connection)
        real_discard(connection)

    monkeypatch.setattr(global_hotkeys, "open_connection", open_connection)
    monkeypatch.setattr(global_hotkeys, "discard", discard)
    first = make_window()  # waits until subscribed
    assert len(opened_in) == 1 and opened_in[0] != threading.main_thread().name
    assert global_hotkeys.grabbed_actions() == sorted(s.id for s in ACTIONS if s.global_key)
    second = make_window()  # the grabs are held: no second connection is opened
    assert len(opened_in) == 1 and second.hotkeys_subscribed
    extra = real_open()  # one arriving when the grabs are held already is closed
    assert global_hotkeys.subscribe(second, lambda _: None, extra) == []
    assert closed[-1] is extra
    first.close()
    second.close()
    assert global_hotkeys.grabbed_actions() == []


def test_a_connection_arriving_after_the_window_closed_is_closed(
    make_window, qtbot, x_connection
) -> None:
    window = make_window()
    window.close()
    connection = global_hotkeys.open_connection()
    window._subscribe_hotkeys(connection)  # the worker's late answer
    assert global_hotkeys.grabbed_actions() == []
    from Xlib.error import ConnectionClosedError

    with pytest.raises(ConnectionClosedError):
        connection.screen().root.query_pointer()
