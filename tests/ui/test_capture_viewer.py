"""The capture viewer: zoom, copy, caption as a revision, background decoding, damaged data."""

from __future__ import annotations

from io import BytesIO

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from incident_recorder.domain.entry import NewCapture
from incident_recorder.ui.capture import capture_viewer
from incident_recorder.ui.capture.capture_viewer import DAMAGED


def _capture(size: tuple[int, int], png: bytes | None = None) -> NewCapture:
    out = BytesIO()
    Image.new("RGB", size, (90, 90, 90)).save(out, format="PNG")
    data = out.getvalue() if png is None else png
    return NewCapture(data, data, size[0], size[1], "0" * 64)


def _open(window, qtbot, capture: NewCapture):
    entry = window.file.add_capture(capture, text="")
    window.model.add([entry])
    viewer = window.open_capture(entry)
    qtbot.waitUntil(viewer.isVisible)
    viewer.activateWindow()
    qtbot.waitUntil(viewer.isActiveWindow)  # its keys are window shortcuts
    return viewer


def test_zoom_in_out_and_actual_size(make_window, qtbot) -> None:
    window = make_window()
    viewer = _open(window, qtbot, _capture((400, 300)))
    qtbot.keyClick(viewer, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert viewer.label.pixmap().size().toTuple() == (400, 300)
    qtbot.keyClick(viewer, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert viewer.label.pixmap().width() == 500
    qtbot.keyClick(viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert viewer.label.pixmap().width() == 320
    qtbot.keyClick(viewer, Qt.Key.Key_F)
    assert viewer.fit_action.isChecked()
    viewer.close()


def test_ctrl_c_copies_the_full_image(make_window, qtbot) -> None:
    window = make_window()
    viewer = _open(window, qtbot, _capture((123, 45)))
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(viewer, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().image().width() == 123)
    assert QGuiApplication.clipboard().image().size().toTuple() == (123, 45)
    viewer.close()


def test_a_caption_is_a_revision_and_shows_in_the_row(make_window, qtbot) -> None:
    window = make_window()
    viewer = _open(window, qtbot, _capture((64, 64)))
    entry_id = viewer.entry.id
    viewer.caption_edit.setFocus()
    qtbot.keyClicks(viewer.caption_edit, "Failed logins at 40%")
    qtbot.keyClick(viewer.caption_edit, Qt.Key.Key_Return)
    history = window.file.history(entry_id)
    assert [(e.revision, e.text) for e in history] == [(1, ""), (2, "Failed logins at 40%")]
    row = window.model.row_of(entry_id)
    assert window.model.entry_at(row).text == "Failed logins at 40%"
    assert viewer.isVisible(), "Enter in the caption saves; it does not close the viewer"
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not viewer.isVisible())


def test_a_large_png_is_decoded_off_the_ui_thread(make_window, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(capture_viewer, "DECODE_IN_BACKGROUND", 10)
    window = make_window()
    entry = window.file.add_capture(_capture((800, 600)))
    viewer = window.open_capture(entry)
    assert viewer.decode_job is not None
    qtbot.waitUntil(lambda: viewer.loaded, timeout=10_000)
    assert viewer.pixmap.size().toTuple() == (800, 600)
    viewer.close()


def test_a_damaged_png_says_so(make_window, qtbot) -> None:
    window = make_window()
    viewer = _open(window, qtbot, _capture((10, 10), png=b"\x89PNG\r\n\x1a\nbroken"))
    assert viewer.label.text() == DAMAGED
    viewer.close()
