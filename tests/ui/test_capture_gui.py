"""Ctrl+Alt+S in the recorder window: a real grab of the Xvfb screen, off the UI thread."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from incident_recorder.settings import Settings
from incident_recorder.ui.capture.capture_viewer import CaptureViewer


@pytest.mark.xvfb
def test_ctrl_alt_s_captures_the_screen_and_leaves_the_note_alone(
    make_window, qtbot, clock
) -> None:
    window = make_window()
    window.apply_settings(replace(Settings(), author="Ada Lovelace"))  # Settings ▸ Your name
    qtbot.keyClicks(window.note_bar.edit, "half-typed note")
    stamped = window.note_bar.occurred_at
    pressed_at = clock.advance(3)
    with qtbot.waitSignal(window.captures.captured, timeout=10_000):
        qtbot.keyClick(
            window.note_bar.edit,
            Qt.Key.Key_S,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
        )
    assert window.note_bar.text() == "half-typed note"
    assert window.note_bar.occurred_at == stamped
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    entry = window.model.entry_at(0)
    assert entry.capture is not None
    assert (entry.capture.width, entry.capture.height) == (1920, 1080)
    assert entry.occurred_at == pressed_at
    assert window.file.entry(entry.id).author == "Ada Lovelace", "named as a note is"
    png = window.file.capture_png(entry.capture.id)
    assert Image.open(BytesIO(png)).size == (1920, 1080)
    assert window.model.thumbnail(entry.capture.id) is not None
    timings = window.capture_controller.last_capture_timings
    assert timings is not None and timings.grabbed <= timings.durable


@pytest.mark.xvfb
def test_double_click_opens_the_capture_full_size(make_window, qtbot) -> None:
    window = make_window()
    with qtbot.waitSignal(window.captures.captured, timeout=10_000):
        window.actions_by_id["capture_screen"].trigger()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    index = window.model.index(0, 3)
    rect = window.view.visualRect(index)
    # Qt 6's QTest double-click needs the press that a real first click gives.
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    viewer = window.findChild(CaptureViewer)
    assert viewer is not None and viewer.isVisible()
    assert (viewer.pixmap.width(), viewer.pixmap.height()) == (1920, 1080)
    shown = viewer.label.pixmap()
    area = viewer.scroll_area.viewport().size()
    assert shown.width() >= area.width() - 2 or shown.height() >= area.height() - 2, "fits"
    viewer.close()


def test_capture_without_a_usable_display_gives_a_clear_message(
    make_window, qtbot, monkeypatch
) -> None:
    monkeypatch.setenv("DISPLAY", ":987")  # no X server there
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    window = make_window()
    qtbot.keyClicks(window.note_bar.edit, "keep me")
    with qtbot.waitSignal(window.captures.failed, timeout=10_000) as failed:
        window.actions_by_id["capture_screen"].trigger()
    assert "display" in failed.args[0].lower()
    assert window.note_bar.text() == "keep me"
    assert window.file.entry_count() == 0
    assert window.last_error == failed.args[0]
