"""The tray icon: only where the platform has a tray; its menu drives the window's own actions."""

from __future__ import annotations

from PySide6.QtWidgets import QSystemTrayIcon

from incident_recorder.ui.recorder import tray as tray_module
from incident_recorder.ui.recorder.tray import install_tray, notify


def test_without_a_tray_nothing_is_created_and_closing_closes(make_window, qtbot) -> None:
    window = make_window()
    if QSystemTrayIcon.isSystemTrayAvailable():
        window.tray = None  # a desktop with a tray: check the no-tray path all the same
    assert install_tray(window, available=False) is None
    assert window.tray is None
    assert not window.findChildren(QSystemTrayIcon)
    notify(window, "The screen was not captured", "no display")
    assert window.statusBar().currentMessage() == "The screen was not captured: no display"
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()
    assert not window.isVisible()


def test_bare_xvfb_and_offscreen_have_no_tray(make_window) -> None:
    window = make_window()
    assert window.tray is None or QSystemTrayIcon.isSystemTrayAvailable()


def test_tray_menu_calls_the_window(make_window, qtbot, monkeypatch) -> None:
    window = make_window()
    tray = install_tray(window, available=True)
    assert tray is not None
    window.tray = tray
    texts = [a.text() for a in tray.menu.actions()]
    assert texts == ["Capture Screen", "New Note", "Show/Hide Recorder", "Quit"]
    calls: list[str] = []
    monkeypatch.setattr(window, "capture_screen", lambda: calls.append("capture"))
    monkeypatch.setattr(window, "focus_note", lambda: calls.append("note"))
    monkeypatch.setattr(tray_module, "_quit_app", lambda w: calls.append(f"quit {w is window}"))
    tray.actions_by_id["capture_screen"].trigger()
    tray.actions_by_id["new_note"].trigger()
    tray.actions_by_id["quit"].trigger()
    assert calls == ["capture", "note", "quit True"]
    tray.actions_by_id["show_hide"].trigger()
    assert not window.isVisible()
    tray.actions_by_id["show_hide"].trigger()
    qtbot.waitUntil(window.isVisible)
    tray.remove()


def test_new_note_stamps_the_note_like_ctrl_alt_n(make_window, clock) -> None:
    window = make_window()
    tray = install_tray(window, available=True)
    assert tray is not None
    at = clock.advance(30)
    tray.actions_by_id["new_note"].trigger()
    assert window.note_bar.occurred_at == at
    tray.remove()


def test_tooltip_names_the_incident_and_counts_entries(make_window, qtbot) -> None:
    window = make_window(title="Checkout outage")
    tray = install_tray(window, available=True)
    assert tray is not None
    assert tray.icon.toolTip() == "Checkout outage — 0 entries"
    window.save_note("db primary failing over", window.note_bar.kind, None)
    qtbot.waitUntil(lambda: tray.icon.toolTip() == "Checkout outage — 1 entry", timeout=3000)
    tray.remove()


def test_notices_become_tray_messages(make_window, monkeypatch) -> None:
    window = make_window()
    tray = install_tray(window, available=True)
    assert tray is not None
    window.tray = tray
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(tray, "show_message", lambda t, m: shown.append((t, m)))
    notify(window, "Interval capture stopped", "no display")
    tray._capture_failed("no display")
    assert shown == [
        ("Interval capture stopped", "no display"),
        ("The screen was not captured", "no display"),
    ]
    tray.remove()
