"""Images from a received file: sizes are read from the header first, bombs are never decoded.

Every file here is crafted by the test (tests/crafted.py): captures inserted with plain sqlite3
whose thumbnail or image is a valid PNG of a few KB declaring millions of pixels.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from incident_recorder.domain.image_bytes import THUMBNAIL_MAX_PIXELS
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.capture.capture_viewer import CaptureViewer
from incident_recorder.ui.common.inert_browser import InertBrowser
from incident_recorder.ui.timeline import timeline_delegate
from incident_recorder.ui.timeline.thumbnail_cache import THUMBNAIL_CACHE_BYTES, cost
from incident_recorder.ui.timeline.timeline_model import TimelineModel
from incident_recorder.ui.timeline.timeline_view import TimelineView
from tests.crafted import add_capture_entry, bomb_png, new_file, solid_png

MIB = 1024 * 1024


def rss_bytes() -> int:
    """The process's resident memory now (VmRSS), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def timeline(qtbot, handle: IncidentFile) -> tuple[TimelineModel, TimelineView]:
    model = TimelineModel(load_thumbnail=handle.capture_thumbnail, local_zone=UTC)
    model.reset(handle.records())
    view = TimelineView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    return model, view


def scroll_through(view: TimelineView, model: TimelineModel, sample) -> None:
    """Scroll to every row, painting each screenful, calling sample() after each paint."""
    for row in range(model.rowCount()):
        view.scrollTo(model.index(row, 3))
        view.viewport().repaint()
        QApplication.processEvents()
        sample()


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {"medium": bomb_png(3000, 3000), "huge": bomb_png(30000, 30000)}


def test_scrolling_over_thumbnail_bombs_keeps_memory_bounded(
    qtbot, tmp_path: Path, bombs, monkeypatch
) -> None:
    path = new_file(tmp_path / "bombs.incident")
    # 3000×3000 is under Qt's own 256 MB allocation limit: without a cap each decodes to ~36 MB.
    for number in range(40):
        add_capture_entry(
            path,
            bombs["medium"],
            size=(3000, 3000),
            text=f"bomb {number}",
            occurred_at=f"2026-11-27T14:{number:02d}:00.000Z",
        )
    for number in range(10):
        add_capture_entry(
            path,
            bombs["huge"],
            size=(30000, 30000),
            text=f"huge {number}",
            occurred_at=f"2026-11-27T15:{number:02d}:00.000Z",
        )
    assert len(bombs["medium"]) < 40_000 and len(bombs["huge"]) < 200_000
    placeholders: list[int] = []
    paint = timeline_delegate.TimelineDelegate._paint_placeholder
    monkeypatch.setattr(
        timeline_delegate.TimelineDelegate,
        "_paint_placeholder",
        staticmethod(
            lambda painter, option, rect: (placeholders.append(1), paint(painter, option, rect))
        ),
    )
    with IncidentFile.open(path) as handle:
        model, view = timeline(qtbot, handle)
        QApplication.processEvents()
        before = rss_bytes()
        peak = [before]
        scroll_through(view, model, lambda: peak.append(rss_bytes()))
        grown = max(peak) - before
        print(f"RSS before {before / MIB:.1f} MiB, peak while scrolling {max(peak) / MIB:.1f} MiB")
        assert grown < 64 * MIB, f"RSS grew by {grown / MIB:.0f} MiB while scrolling"
        for row in range(model.rowCount()):
            entry = model.entry_at(row)
            assert entry.capture is not None
            assert model.thumbnail(entry.capture.id) is None
            problem = model.thumbnail_problem(entry.capture.id)
            assert problem is not None and "too large" in problem and "declares" in problem
        assert placeholders, "the delegate drew no placeholder"
        assert "30000×30000" in model.index(model.rowCount() - 1, 3).data(3)  # the tooltip


def test_the_thumbnail_cache_stays_within_its_byte_budget(qtbot, tmp_path: Path) -> None:
    path = new_file(tmp_path / "many.incident")
    thumb = solid_png(640, 640)  # as large as a thumbnail may be: decoded, never refused
    for number in range(300):  # more than the old cache's count (256) and its byte budget
        add_capture_entry(
            path,
            thumb,
            thumbnail=thumb,
            size=(640, 640),
            text=f"capture {number}",
            occurred_at=f"2026-11-27T{14 + number // 60:02d}:{number % 60:02d}:00.000Z",
        )
    with IncidentFile.open(path) as handle:
        model, view = timeline(qtbot, handle)
        highest = [0]

        def sample() -> None:
            held = model.thumbnails.held()
            assert model.thumbnails.bytes == sum(cost(value) for value in held)
            highest[0] = max(highest[0], model.thumbnails.bytes)

        scroll_through(view, model, sample)
        first = model.entry_at(0).capture
        assert first is not None and model.thumbnail(first.id) is not None  # shown, not refused
        assert THUMBNAIL_MAX_PIXELS >= 640 * 640
        assert 0 < highest[0] <= THUMBNAIL_CACHE_BYTES
        # Full: the budget, not a count, is what evicted (each thumbnail is well under 2 MiB).
        assert highest[0] > THUMBNAIL_CACHE_BYTES - 2 * MIB
        assert len(model.thumbnails) < 300


@pytest.mark.parametrize("size", [(30000, 30000), (11000, 11000)])
def test_the_viewer_refuses_a_capture_that_declares_too_many_pixels(
    qtbot, tmp_path: Path, size: tuple[int, int]
) -> None:
    path = new_file(tmp_path / "viewer.incident")
    png = bomb_png(*size)
    add_capture_entry(path, png, thumbnail=solid_png(32, 18), size=size, text="look")
    with IncidentFile.open(path) as handle:
        [entry] = handle.record().entries
        viewer = CaptureViewer(entry, handle.capture_png(entry.capture.id), "Capture")
        qtbot.addWidget(viewer)
        before = rss_bytes()
        viewer.show()
        QApplication.processEvents()
        assert rss_bytes() - before < 64 * MIB
    text = viewer.label.text()
    assert "not shown" in text and f"{size[0]}×{size[1]}" in text and "too large" in text
    assert not viewer.loaded and viewer.decode_job is None
    viewer.copy_image()  # nothing to copy, and no decode behind the user's back
    assert not viewer.loaded


def test_html_from_notes_loads_no_image_from_disk(qtbot, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "x.png").write_bytes(solid_png(300, 200))
    monkeypatch.chdir(tmp_path)  # a stock QTextBrowser would read images/x.png from here
    browser = InertBrowser()
    qtbot.addWidget(browser)
    browser.setHtml('<p>see <img src="images/x.png"> and <img src="file:///etc/hosts"></p>')
    browser.show()
    QApplication.processEvents()
    image = browser.document().resource(
        QTextDocument.ResourceType.ImageResource.value, QUrl("images/x.png")
    )
    assert image.size().width() == 1 and image.size().height() == 1
    assert "images/x.png" in browser.asked
