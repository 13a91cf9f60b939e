"""Ctrl+Alt+R: the region overlay's logic (offscreen too) and the real thing under Xvfb."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from time import perf_counter
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage

from incident_recorder.capture.grabber import RawShot
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.capture.capture_service import FrozenFrame, _CaptureWorker
from incident_recorder.ui.capture.region_overlay import RegionOverlay, frame_image, size_text
from tests.ui.x_support import captures, xdotool

LEFT = Qt.MouseButton.LeftButton


def overlay_over(qtbot, image: QImage, size: tuple[int, int], last: QRect | None = None):
    overlay = RegionOverlay(image, screen_rect=QRect(0, 0, *size), last=last)
    overlay.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(overlay)
    overlay.show()
    qtbot.waitExposed(overlay)
    return overlay


def drag(qtbot, overlay, start: tuple[int, int], end: tuple[int, int]) -> None:
    qtbot.mousePress(overlay, LEFT, pos=QPoint(*start))
    qtbot.mouseMove(overlay, QPoint(*end))
    qtbot.mouseRelease(overlay, LEFT, pos=QPoint(*end))


def test_dragging_selects_a_rectangle_shown_undimmed_with_its_size(qtbot) -> None:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 100, 50))
    overlay = overlay_over(qtbot, image, (400, 300))
    qtbot.mousePress(overlay, LEFT, pos=QPoint(110, 70))
    qtbot.mouseMove(overlay, QPoint(10, 20))  # dragged up and left: still a proper rectangle
    assert overlay.selection() == QRect(10, 20, 100, 50)
    assert size_text(overlay.selection()) == "100 × 50"
    shown = overlay.grab().toImage()
    assert shown.pixelColor(50, 40) == QColor(200, 100, 50), "the selection is not dimmed"
    outside = shown.pixelColor(300, 250)
    assert outside.red() < 200 * 0.6 and outside.green() < 100 * 0.6, "the rest is dimmed"
    with qtbot.waitSignal(overlay.selected) as got:
        qtbot.mouseRelease(overlay, LEFT, pos=QPoint(10, 20))
    assert got.args == [QRect(10, 20, 100, 50)]
    assert not overlay.isVisible()


def test_a_tiny_drag_is_ignored_and_the_overlay_stays(qtbot) -> None:
    overlay = overlay_over(qtbot, QImage(400, 300, QImage.Format.Format_RGB32), (400, 300))
    with qtbot.assertNotEmitted(overlay.selected):
        drag(qtbot, overlay, (50, 50), (53, 90))
    assert overlay.isVisible() and "Too small" in overlay.hint
    with qtbot.waitSignal(overlay.selected):
        drag(qtbot, overlay, (50, 50), (54, 54))  # 4 px is enough


def test_esc_cancels_and_enter_takes_the_last_region(qtbot) -> None:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    overlay = overlay_over(qtbot, image, (400, 300))
    qtbot.keyClick(overlay, Qt.Key.Key_Return)
    assert overlay.isVisible() and "No region" in overlay.hint, "none yet: said so"
    with qtbot.waitSignal(overlay.cancelled), qtbot.assertNotEmitted(overlay.selected):
        qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    assert not overlay.isVisible()

    again = overlay_over(qtbot, image, (400, 300), last=QRect(5, 6, 70, 80))
    with qtbot.waitSignal(again.selected) as got:
        qtbot.keyClick(again, Qt.Key.Key_Enter)
    assert got.args == [QRect(5, 6, 70, 80)]


def test_a_scaled_screen_selects_in_frame_pixels(qtbot) -> None:
    overlay = overlay_over(qtbot, QImage(800, 600, QImage.Format.Format_RGB32), (400, 300))
    with qtbot.waitSignal(overlay.selected) as got:
        drag(qtbot, overlay, (10, 10), (110, 60))
    assert got.args == [QRect(20, 20, 200, 100)]


def test_frame_image_shows_grabbed_bgra_without_a_copy() -> None:
    bgra = bytes((10, 20, 30, 255)) * 6
    image = frame_image(bgra, 3, 2)
    assert image.size().toTuple() == (3, 2)
    assert image.pixelColor(2, 1) == QColor(30, 20, 10)


def test_the_worker_crops_encodes_and_saves_the_frozen_frame(tmp_path: Path, clock) -> None:
    path = tmp_path / "region.incident"
    IncidentFile.create(path, "Region", clock=clock).close()
    pressed_at = clock.now
    clock.advance(30)  # the user took their time dragging
    data = bytearray(bytes((0, 0, 255, 255)) * (64 * 48))
    data[(10 * 64 + 20) * 4 : (10 * 64 + 20) * 4 + 4] = bytes((255, 0, 0, 255))  # blue at (20,10)
    frame = FrozenFrame(RawShot(bytes(data), 64, 48, 1, 0, 0), "Grafana", pressed_at, 1.0, 1.001)
    worker = _CaptureWorker(path, clock)  # called directly, in this thread
    saved: list[Any] = []
    failed: list[str] = []
    worker.captured.connect(lambda entry, timings: saved.append(entry))
    worker.failed.connect(failed.append)
    worker.capture_region(frame, (20, 10, 30, 20))
    worker.capture_region(frame, (100, 100, 5, 5))  # outside: refused, reported
    (entry,) = saved
    assert len(failed) == 1 and "outside" in failed[0]
    assert entry.occurred_at == pressed_at
    assert (entry.capture.width, entry.capture.height) == (30, 20)
    assert (entry.capture.window_title, entry.capture.monitor) == ("Grafana", 1)
    with IncidentFile.open(path, clock=clock) as file:
        png = Image.open(BytesIO(file.capture_png(entry.capture.id))).convert("RGB")
    assert png.getpixel((0, 0)) == (0, 0, 255) and png.getpixel((1, 0)) == (255, 0, 0)
    worker._file.close()  # not shutdown(): that would quit this (the main) thread's loop


# -- the real thing: Xvfb, xdotool, an xterm with the focus ----------------------------------


def press_ctrl_alt_r(qtbot, window: Any) -> RegionOverlay:
    xdotool("key", "ctrl+alt+r")
    qtbot.waitUntil(lambda: window.capture_controller.region.overlay is not None, timeout=10_000)
    overlay = window.capture_controller.region.overlay
    qtbot.waitUntil(overlay.isVisible)
    xdotool("search", "--sync", "--onlyvisible", "--name", "^Select a region")  # mapped
    qtbot.waitUntil(lambda: RegionOverlay.keyboardGrabber() is overlay)
    qtbot.waitUntil(lambda: overlay.keys_grabbed)  # the X server's grab, not only Qt's
    return overlay


def xdrag(start: tuple[int, int], end: tuple[int, int]) -> None:
    xdotool("mousemove", *map(str, start), "mousedown", "1")
    xdotool("mousemove", str((start[0] + end[0]) // 2), str((start[1] + end[1]) // 2))
    xdotool("mousemove", *map(str, end), "mouseup", "1")


@pytest.mark.xvfb
def test_ctrl_alt_r_captures_the_dragged_region_as_it_was_at_the_key_press(
    make_window, qtbot, other_app, clock
) -> None:
    from incident_recorder.capture import Grabber

    window = make_window()
    window.move(1000, 600)  # off the xterm (no window manager: it moves as told)
    qtbot.waitUntil(lambda: window.geometry().top() >= 600)
    xdotool("windowraise", other_app)
    xdotool("windowfocus", "--sync", other_app)
    with Grabber() as grabber:
        before = grabber.grab(1)
    screen = Image.frombuffer("RGB", (before.width, before.height), before.bgra, "raw", "BGRX")
    pressed_at = clock.advance(10)
    started = perf_counter()
    press_ctrl_alt_r(qtbot, window)
    shown_ms = (perf_counter() - started) * 1000
    clock.advance(20)  # the drag comes later: the entry keeps the moment of the key press
    xdrag((100, 120), (400, 320))
    qtbot.waitUntil(lambda: len(captures(window)) == 1, timeout=10_000)
    assert (
        window.capture_controller.region.overlay is None and RegionOverlay.keyboardGrabber() is None
    )
    entry = captures(window)[0]
    assert (entry.capture.width, entry.capture.height) == (300, 200)
    assert entry.occurred_at == pressed_at
    assert entry.capture.window_title == "Other app"
    assert entry.capture.monitor == 1
    png = Image.open(BytesIO(window.file.capture_png(entry.capture.id))).convert("RGB")
    assert png.tobytes() == screen.crop((100, 120, 400, 320)).tobytes()
    assert png.getpixel((50, 50)) == (0x20, 0x30, 0x60), "the xterm, not the dimmed overlay"
    print(f"key press to overlay: {window.capture_controller.region.shown_ms:.1f} ms in-process, "
          f"{shown_ms:.1f} ms with xdotool")  # fmt: skip

    # Enter: the same region again
    press_ctrl_alt_r(qtbot, window)
    xdotool("key", "Return")
    qtbot.waitUntil(lambda: len(captures(window)) == 2, timeout=10_000)
    again = captures(window)[-1].capture
    assert (again.width, again.height) == (300, 200)


@pytest.mark.xvfb
def test_esc_records_nothing_and_enter_without_a_region_says_so(
    make_window, qtbot, other_app
) -> None:
    window = make_window()
    xdotool("windowfocus", "--sync", other_app)
    overlay = press_ctrl_alt_r(qtbot, window)
    xdotool("key", "Return")
    qtbot.waitUntil(lambda: "No region" in overlay.hint)
    xdrag((500, 500), (502, 503))  # a slip of the mouse: ignored
    qtbot.waitUntil(lambda: "Too small" in overlay.hint)
    xdotool("key", "Escape")
    qtbot.waitUntil(lambda: window.capture_controller.region.overlay is None)
    assert "cancelled" in window.statusBar().currentMessage()
    assert RegionOverlay.keyboardGrabber() is None
    qtbot.wait(200)
    assert captures(window) == []


def test_a_frame_arriving_after_the_window_closed_shows_no_overlay(make_window, qtbot) -> None:
    """Ctrl+Alt+R, then the window closes before the frame comes back: nothing is shown,
    no keyboard grab is left, no capture thread restarts, nothing is written."""
    from PySide6.QtWidgets import QWidget

    from incident_recorder.capture import RawShot
    from incident_recorder.ui.capture.capture_service import FrozenFrame

    window = make_window()
    region = window.capture_controller.region
    window.close()
    shot = RawShot(bytes(64 * 64 * 4), 64, 64, 1, 0, 0)
    frame = FrozenFrame(shot, None, window._clock(), 0.0, 0.0)
    region._frozen(frame)
    assert region.overlay is None
    assert QWidget.keyboardGrabber() is None
    window.captures.request(window._clock(), 0.0)
    assert window.captures._thread is None
