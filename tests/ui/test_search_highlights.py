"""The filter bar's text search: the timeline stays in time order, the bar says how many entries
matched in their notes and how many in their capture's text, and a capture opened from the
filtered timeline highlights the words matched."""

from __future__ import annotations

from io import BytesIO

from curation_helpers import click_row
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap

from incident_recorder.domain.entry import NewCapture
from incident_recorder.recognition.words import Box, Word

WORDS = [
    Word("14:02:11", Box(10, 10, 70, 14), 95.0, 0),
    Word("ERROR", Box(90, 10, 50, 14), 95.0, 0),
    Word("pool", Box(150, 10, 40, 14), 96.0, 0),
    Word("Exhausted", Box(200, 10, 90, 14), 93.0, 0),
    Word("on", Box(300, 10, 20, 14), 96.0, 0),
    Word("orders-db", Box(330, 10, 90, 14), 91.0, 0),
]


def _capture(size: tuple[int, int] = (440, 40)) -> NewCapture:
    out = BytesIO()
    Image.new("RGB", size, (250, 250, 250)).save(out, format="PNG")
    return NewCapture(out.getvalue(), out.getvalue(), size[0], size[1], "0" * 64)


def _filter(window, qtbot, text: str) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.curation.bar.search, text)
    qtbot.waitUntil(lambda: window.curation.filtering and not window.curation.busy)


def _entries(window, clock):
    file = window.file
    first = file.add_note("checkout latency is up, pool exhausted?")
    clock.advance(30)
    capture = file.add_capture(_capture(), text="orders dashboard")
    file.save_recognition(capture.capture.id, WORDS, engine="test", seconds=0.1)
    clock.advance(30)
    third = file.add_note("paged the database team")
    clock.advance(30)
    fourth = file.add_note("exhausted connections confirmed by the DBA")
    window.model.reset(file.records())
    return first, capture, third, fourth


def test_the_bar_counts_matches_in_notes_and_in_capture_text_in_time_order(
    make_window, qtbot, clock
) -> None:
    window = make_window()
    first, capture, _, fourth = _entries(window, clock)
    _filter(window, qtbot, "exhausted")
    shown = window.curation.view.model()
    assert [shown.entry_at(row).id for row in range(shown.rowCount())] == [
        first.id,
        capture.id,
        fourth.id,
    ]  # chronological, not ranked
    assert window.curation.bar.count.text() == "3 of 4 entries: 2 in notes, 1 in capture text"
    qtbot.keyClicks(window.curation.bar.search, " orders")  # the caption says orders too
    qtbot.waitUntil(lambda: not window.curation.busy and shown.rowCount() == 1)
    assert window.curation.bar.count.text() == "1 of 4 entries: 0 in notes, 1 in capture text"


def test_a_capture_opened_from_the_filtered_timeline_highlights_the_words_matched(
    make_window, qtbot, clock
) -> None:
    window = make_window()
    _, capture, _, _ = _entries(window, clock)
    _filter(window, qtbot, "exhausted orders")
    view = window.curation.view
    assert view is window.curation.filter_view
    click_row(qtbot, window, view.model().row_of(capture.id), double=True)
    viewer = window.capture_controller.viewers[capture.capture.id]
    layer = viewer.text_layer
    assert [w.text for w in layer.highlighted] == ["Exhausted", "orders-db"]
    assert "2 match “exhausted orders”" in layer.status.text()
    blank = QPixmap(440, 40)
    blank.fill(QColor(255, 255, 255))
    painted = layer.paint(blank, 1.0).toImage()
    marked = painted.pixelColor(245, 17)  # inside "Exhausted": yellow over white
    assert marked.blue() < 200 and marked.red() > 240 and marked.green() > 200
    assert painted.pixelColor(170, 17) == QColor(255, 255, 255)  # "pool": not searched
    viewer.close()
    window.curation.bar.close_bar()  # the whole timeline again: a capture opened there
    qtbot.waitUntil(lambda: not window.curation.filtering)
    viewer = window.open_capture(capture)
    assert viewer.text_layer.highlighted == [] and "match" not in viewer.text_layer.status.text()
    viewer.close()
