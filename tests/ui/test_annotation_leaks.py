"""Annotations are never lost or bypassed in the GUI: one viewer per capture, a stale save is
refused, closing saves, Ctrl+C copies the redacted image, and degenerate boxes are not drawn."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox
from test_annotation_tools import _drag, _open

from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.ui.capture.annotation_tools import AnnotationEditor

REDACT = Shape(ShapeKind.REDACTION, 10, 10, 120, 80)
ARROW = Shape(ShapeKind.ARROW, 200, 200, 150, 150)


def _close_boxes(window) -> None:
    for box in window.findChildren(QMessageBox):
        box.close()


def test_opening_a_capture_twice_raises_its_viewer(make_window, qtbot) -> None:
    window = make_window()
    viewer, entry, _ = _open(window, qtbot)
    assert window.open_capture(entry) is viewer
    assert window.capture_controller.viewers == {entry.capture.id: viewer}
    viewer.close()
    qtbot.waitUntil(lambda: entry.capture.id not in window.capture_controller.viewers)
    again = window.open_capture(entry)
    assert again is not viewer and window.capture_controller.viewers[entry.capture.id] is again
    again.close()


def test_a_stale_viewer_cannot_drop_a_redaction(make_window, qtbot) -> None:
    """Viewer 2 opened before viewer 1 saved a redaction: its save is refused, it reloads."""
    window = make_window()
    viewer, entry, _ = _open(window, qtbot)
    cid = entry.capture.id
    # Another viewer of the same capture (e.g. an entry deduped onto the same capture row)
    # saves a redaction after this one opened.
    window.file.set_annotations(cid, [REDACT], base_revision=viewer.revision)
    viewer.editor.add(ARROW)
    assert viewer.submit_annotations() is False
    assert window.file.annotations(cid) == [REDACT]  # the redaction is still there
    assert "changed elsewhere" in window.last_error
    assert "Not saved" in viewer.annotation_status.text()
    assert viewer.editor.shapes == [REDACT] and not viewer.editor.dirty  # reloaded
    assert viewer.revision == 1
    viewer.editor.add(ARROW)
    assert viewer.submit_annotations() is True
    assert window.file.annotations(cid) == [REDACT, ARROW]
    _close_boxes(window)
    viewer.close()


def test_closing_a_viewer_saves_its_unsaved_annotations(make_window, qtbot) -> None:
    window = make_window()
    viewer, entry, _ = _open(window, qtbot)
    viewer.tool_actions["redact"].trigger()
    _drag(qtbot, viewer, (40, 50), (160, 90))
    assert viewer.editor.dirty
    viewer.close()
    assert not viewer.isVisible()
    [stored] = window.file.annotations(entry.capture.id)
    assert stored.kind is ShapeKind.REDACTION
    assert window.statusBar().currentMessage() == "Annotations saved (revision 1)"


def test_esc_also_saves(make_window, qtbot) -> None:
    window = make_window()
    viewer, entry, _ = _open(window, qtbot)
    viewer.editor.add(REDACT)
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()
    assert window.file.annotations(entry.capture.id) == [REDACT]


def test_a_failed_save_on_close_keeps_the_viewer_open(make_window, qtbot) -> None:
    window = make_window()
    viewer, entry, _ = _open(window, qtbot)
    window.file.set_annotations(entry.capture.id, [REDACT], base_revision=0)
    viewer.editor.add(ARROW)
    viewer.close()
    assert viewer.isVisible()
    assert "changed elsewhere" in window.last_error
    assert window.file.annotations(entry.capture.id) == [REDACT]
    _close_boxes(window)
    viewer.close()  # reloaded, nothing unsaved now
    assert not viewer.isVisible()


def test_closing_the_window_saves_its_viewers(make_window, qtbot) -> None:
    window = make_window()
    viewer, entry, _ = _open(window, qtbot)
    path, cid = window.file.path, entry.capture.id
    viewer.editor.add(REDACT)
    window.close()
    assert not window.isVisible()
    from incident_recorder.storage import IncidentFile

    with IncidentFile.open(path, readonly=True) as handle:
        assert handle.annotations(cid) == [REDACT]


def test_closing_the_window_stays_open_when_a_viewer_cannot_save(make_window, qtbot) -> None:
    window = make_window()
    viewer, entry, _ = _open(window, qtbot)
    window.file.set_annotations(entry.capture.id, [REDACT], base_revision=0)
    viewer.editor.add(ARROW)
    window.close()
    assert window.isVisible() and viewer.isVisible()
    assert "changed elsewhere" in window.last_error
    _close_boxes(window)


def test_ctrl_c_copies_the_redacted_image(make_window, qtbot) -> None:
    window = make_window()
    viewer, entry, capture = _open(window, qtbot)
    viewer.editor.add(REDACT)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(viewer, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not QGuiApplication.clipboard().image().isNull())
    copied = QGuiApplication.clipboard().image()
    assert copied.size().toTuple() == (capture.width, capture.height)
    for x, y in ((10, 10), (60, 40), (119, 79)):
        assert copied.pixelColor(x, y).getRgb()[:3] == (0, 0, 0), (x, y)
    assert copied.pixelColor(300, 250) == viewer.image.pixelColor(300, 250)
    viewer.close()


def test_a_flat_rectangle_or_redaction_is_not_drawn() -> None:
    editor = AnnotationEditor()
    for tool in ("rectangle", "redact"):
        editor.tool = tool
        for end in (QPoint(150, 10), QPoint(10, 150), QPoint(12, 150), QPoint(150, 12)):
            editor.press(QPoint(10, 10))
            assert editor.release(end) is None, (tool, end)
        editor.press(QPoint(10, 10))
        assert editor.release(QPoint(13, 13)) is not None
    editor.tool = "arrow"
    editor.press(QPoint(10, 10))
    assert editor.release(QPoint(150, 10)) is not None  # a flat arrow is an arrow
    assert len(editor.shapes) == 3
