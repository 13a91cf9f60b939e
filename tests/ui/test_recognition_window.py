"""Text recognition in the window: a pasted screen is read by the child process, its viewer
proposes redactions, one action accepts them, Ctrl+Shift+C copies the text without them."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage

sys.path.insert(0, str(Path(__file__).parents[1] / "recognition"))

from text_images import text_png  # noqa: E402

KEY = "AKIAIOSFODNN7EXAMPLE"
SCREEN = ["14:02:09 INFO aws_access_key_id = " + KEY, "14:02:11 ERROR pool exhausted on orders-db"]


def test_a_pasted_screen_is_read_then_its_secret_redacted_in_one_action(make_window, qtbot) -> None:
    window = make_window()
    QGuiApplication.clipboard().setImage(QImage.fromData(text_png(SCREEN)))
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().mimeData().hasImage())
    with qtbot.waitSignal(window.recognition.idle, timeout=60_000):
        qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    entry = window.model.entry_at(0)
    assert entry.capture is not None
    hits = window.file.search("exhausted")
    assert [(h.entry_id, h.where) for h in hits] == [(entry.id, "capture text")]

    viewer = window.capture_controller.open_capture(entry)
    assert viewer is not None
    layer = viewer.text_layer
    assert layer.recognised and "exhausted" in [w.text for w in layer.words]
    assert len(layer.pending()) == 1  # the AWS key
    viewer.activateWindow()
    qtbot.waitUntil(viewer.isActiveWindow)
    qtbot.keyClick(
        viewer,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.file.annotation_revision(entry.capture.id) == 1
    assert layer.pending() == [] and not viewer.editor.dirty
    qtbot.keyClick(
        viewer,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    copied = QGuiApplication.clipboard().text()
    assert "pool exhausted on orders-db" in copied and KEY not in copied
    assert "[redacted]" in copied
    viewer.close()


def test_without_tesseract_the_window_says_so_once_and_captures_still_work(
    make_window, qtbot, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # the child finds no English data
    window = make_window()
    messages: list[str] = []
    window.recognition.unavailable.connect(messages.append)
    QGuiApplication.clipboard().setImage(QImage.fromData(text_png(SCREEN)))
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().mimeData().hasImage())
    with qtbot.waitSignal(window.recognition.unavailable, timeout=60_000):
        qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.model.rowCount() == 1  # the capture is recorded all the same
    window.recognition.kick()  # another capture later: not tried again, not said again
    assert not window.recognition.is_running() and len(messages) == 1
    assert "tesseract-ocr-eng" in messages[0]
    assert "not available" in window.statusBar().currentMessage()


def test_the_filter_bar_finds_text_inside_captures(make_window, qtbot) -> None:
    window = make_window()
    window.file.add_note("paged the database team")
    QGuiApplication.clipboard().setImage(QImage.fromData(text_png(SCREEN)))
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().mimeData().hasImage())
    with qtbot.waitSignal(window.recognition.idle, timeout=60_000):
        qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    window.model.reset(window.file.records())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.curation.bar
    qtbot.keyClicks(bar.search, "exhausted orders")  # words of the screen, not of any note
    qtbot.waitUntil(
        lambda: window.curation.filtering and window.curation.view.model().rowCount() == 1
    )
    shown = window.curation.view.model().entry_at(0)
    assert shown.capture is not None and shown.source == "paste"
