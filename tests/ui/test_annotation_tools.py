"""Annotating in the capture viewer: draw with the mouse at any zoom, undo, delete, save, export."""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QPoint, Qt

from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.entry import NewCapture
from incident_recorder.report import write_report

W, H = 400, 300


def _noisy() -> NewCapture:
    rng = random.Random(11)
    out = io.BytesIO()
    Image.frombytes("RGB", (W, H), rng.randbytes(W * H * 3)).save(out, "PNG")
    png = out.getvalue()
    thumb = io.BytesIO()
    Image.frombytes("RGB", (W // 4, H // 4), rng.randbytes(W * H * 3 // 16)).save(thumb, "PNG")
    return NewCapture(png, thumb.getvalue(), W, H, hashlib.sha256(png).hexdigest(), monitor=1)


def _open(window, qtbot):
    capture = _noisy()
    entry = window.file.add_capture(capture, text="token visible")
    window.model.add([entry])
    viewer = window.open_capture(entry)
    qtbot.waitUntil(viewer.isVisible)
    viewer.activateWindow()
    qtbot.waitUntil(viewer.isActiveWindow)
    qtbot.waitUntil(lambda: viewer.loaded)
    return viewer, entry, capture


def _at(viewer, x: int, y: int) -> QPoint:
    """The viewport position showing image pixel (x, y) at the current zoom."""
    shown = viewer.label.pixmap()
    left = (viewer.label.width() - shown.width()) // 2
    top = (viewer.label.height() - shown.height()) // 2
    inside = QPoint(left + round(x * viewer._scale), top + round(y * viewer._scale))
    return viewer.label.mapTo(viewer.scroll_area.viewport(), inside)


def _drag(qtbot, viewer, start: tuple[int, int], end: tuple[int, int]) -> None:
    port = viewer.scroll_area.viewport()
    qtbot.mousePress(port, Qt.MouseButton.LeftButton, pos=_at(viewer, *start))
    qtbot.mouseMove(port, _at(viewer, (start[0] + end[0]) // 2, (start[1] + end[1]) // 2))
    qtbot.mouseMove(port, _at(viewer, *end))
    qtbot.mouseRelease(port, Qt.MouseButton.LeftButton, pos=_at(viewer, *end))


def _close(box: tuple[int, int, int, int], expected: tuple[int, int, int, int]) -> bool:
    return all(abs(a - b) <= 1 for a, b in zip(box, expected, strict=True))


def test_a_redaction_drawn_by_mouse_is_saved_and_exported_solid(
    make_window, qtbot, tmp_path: Path
) -> None:
    window = make_window()
    viewer, entry, capture = _open(window, qtbot)
    assert viewer._scale != 1.0  # fit to window: mouse positions are not image pixels
    viewer.tool_actions["redact"].trigger()
    _drag(qtbot, viewer, (40, 50), (160, 90))
    assert len(viewer.editor.shapes) == 1
    qtbot.keyClick(viewer, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # save
    stored = window.file.annotations(entry.capture.id)
    assert len(stored) == 1 and stored[0].kind is ShapeKind.REDACTION
    box = stored[0].box()
    assert _close(box, (40, 50, 160, 90)), box
    assert not viewer.editor.dirty
    assert window.file.capture_png(entry.capture.id) == capture.png  # the original stays

    row = window.model.rowCount() - 1
    tooltip = window.model.data(window.model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "redacted" in tooltip
    thumb = window.model.thumbnail(entry.capture.id).toImage()
    assert thumb.pixelColor(25, 17).getRgb()[:3] == (0, 0, 0)  # (100, 70) in the thumbnail

    out = tmp_path / "out"
    write_report(
        out,
        "markdown",
        window.file.record(),
        window.file.capture_png,
        load_shapes=window.file.annotations,
    )
    [exported] = list((out / "images").iterdir())
    image, before = Image.open(exported), Image.open(io.BytesIO(capture.png))
    left, top, right, bottom = box
    for y in range(H):
        for x in range(W):
            if left <= x < right and top <= y < bottom:
                assert image.getpixel((x, y)) == (0, 0, 0), (x, y)
            else:
                assert image.getpixel((x, y)) == before.getpixel((x, y)), (x, y)
    viewer.close()


def test_drawing_respects_zoom_and_undo_delete_work(make_window, qtbot) -> None:
    window = make_window()
    viewer, entry, _ = _open(window, qtbot)
    qtbot.keyClick(viewer, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(viewer, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert viewer._scale == 1.25
    viewer.tool_actions["rectangle"].trigger()
    _drag(qtbot, viewer, (10, 10), (100, 80))
    viewer.tool_actions["arrow"].trigger()
    _drag(qtbot, viewer, (200, 200), (120, 120))
    rect, arrow = viewer.editor.shapes
    assert rect.kind is ShapeKind.RECTANGLE and _close(rect.box(), (10, 10, 100, 80))
    assert arrow.kind is ShapeKind.ARROW and _close(
        (arrow.x1, arrow.y1, arrow.x2, arrow.y2), (200, 200, 120, 120)
    )
    qtbot.keyClick(viewer, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert viewer.editor.shapes == [rect]
    viewer.tool_actions["select"].trigger()
    qtbot.mouseClick(
        viewer.scroll_area.viewport(), Qt.MouseButton.LeftButton, pos=_at(viewer, 50, 10)
    )  # on the rectangle's edge
    assert viewer.editor.selected == 0
    qtbot.keyClick(viewer, Qt.Key.Key_Delete)
    assert viewer.editor.shapes == []
    viewer.submit_annotations()  # nothing new to save: an empty list equals the saved one
    assert window.file.annotation_history(entry.capture.id) == []
    viewer.close()


def test_a_text_label_and_reopening_shows_saved_shapes(make_window, qtbot, monkeypatch) -> None:
    window = make_window()
    viewer, entry, _ = _open(window, qtbot)
    monkeypatch.setattr(viewer, "ask_text", lambda: "api token")
    viewer.tool_actions["text"].trigger()
    qtbot.mouseClick(
        viewer.scroll_area.viewport(), Qt.MouseButton.LeftButton, pos=_at(viewer, 30, 30)
    )
    [label] = viewer.editor.shapes
    assert label.kind is ShapeKind.TEXT and label.text == "api token"
    viewer.submit_annotations()
    viewer.close()
    again = window.open_capture(entry)
    assert again.editor.shapes == [label] and not again.editor.dirty
    assert window.file.sensitive_captures() == set()
    again.close()


def test_shapes_passed_in_are_painted(make_window, qtbot) -> None:
    window = make_window()
    viewer, entry, _ = _open(window, qtbot)
    window.file.set_annotations(
        entry.capture.id, [Shape(ShapeKind.REDACTION, 0, 0, 200, 150)], base_revision=0
    )
    viewer.close()
    again = window.open_capture(entry)
    qtbot.waitUntil(again.isVisible)
    shown = again.label.pixmap().toImage()
    assert shown.pixelColor(5, 5).getRgb()[:3] == (0, 0, 0)
    again.close()
