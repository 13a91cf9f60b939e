"""Ctrl+V of an image and drops on the timeline become capture entries, off the UI thread."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from incident_recorder.settings import Settings


def _png_file(path: Path, size: tuple[int, int]) -> Path:
    Image.new("RGB", size, (10, 120, 200)).save(path, format="PNG")
    return path


def _drop(window, mime: QMimeData) -> None:
    """Drag `mime` over the timeline and drop it (Qt delivers a drop only after an enter)."""
    viewport = window.view.viewport()
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton)
    enter = QDragEnterEvent(viewport.rect().center(), *args, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(viewport.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


def test_ctrl_v_of_an_image_records_a_capture_stamped_at_the_key_press(
    make_window, qtbot, clock
) -> None:
    window = make_window()
    window.apply_settings(replace(Settings(), author="Ada Lovelace"))  # Settings ▸ Your name
    image = QImage(640, 360, QImage.Format.Format_RGB32)
    image.fill(QColor("orange"))
    QGuiApplication.clipboard().setImage(image)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().mimeData().hasImage())
    pressed_at = clock.advance(5)
    with qtbot.waitSignal(window.capture_controller.importer.saved, timeout=10_000):
        qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        clock.advance(5)  # the save happens later: the entry keeps the key press's time
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    entry = window.model.entry_at(0)
    assert entry.source == "paste" and entry.occurred_at == pressed_at
    assert entry.capture is not None and (entry.capture.width, entry.capture.height) == (640, 360)
    stored = window.file.entry(entry.id)
    assert stored.capture is not None and stored.author == "Ada Lovelace"
    png = window.file.capture_png(stored.capture.id)
    assert Image.open(BytesIO(png)).size == (640, 360)
    assert window.note_bar.text() == ""


def test_ctrl_v_of_text_still_pastes_into_the_note(make_window, qtbot) -> None:
    window = make_window()
    QGuiApplication.clipboard().setText("db-7 is down")
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "db-7 is down")
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.note_bar.text() == "db-7 is down"
    assert window.file.entry_count() == 0


def test_dropped_png_files_and_image_data_become_entries(make_window, qtbot, tmp_path) -> None:
    window = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(_png_file(tmp_path / "graph.png", (800, 600))))])
    with qtbot.waitSignal(window.capture_controller.importer.saved, timeout=10_000):
        _drop(window, mime)
    data = QMimeData()
    image = QImage(300, 200, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 255, 0, 128))
    data.setImageData(image)
    with qtbot.waitSignal(window.capture_controller.importer.saved, timeout=10_000):
        _drop(window, data)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    sizes = sorted((e.capture.width, e.capture.height) for e in window.file.entries() if e.capture)
    assert sizes == [(300, 200), (800, 600)]
    assert {e.source for e in window.file.entries()} == {"drop"}


def test_dropping_a_text_file_records_nothing_and_says_why(make_window, qtbot, tmp_path) -> None:
    window = make_window()
    (tmp_path / "x.txt").write_text("hello")
    mime = QMimeData()
    mime.setUrls(
        [
            QUrl.fromLocalFile(str(tmp_path / "x.txt")),
            QUrl.fromLocalFile(str(_png_file(tmp_path / "ok.png", (50, 40)))),
        ]
    )
    with qtbot.waitSignal(window.capture_controller.importer.refused, timeout=10_000) as refused:
        _drop(window, mime)
    assert refused.args[0] == "x.txt is not an image"
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)  # the image among them is recorded
    assert window.file.entry_count() == 1
    assert window.last_error == "x.txt is not an image"
