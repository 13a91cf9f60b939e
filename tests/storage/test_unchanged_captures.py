"""A capture identical to the previous one of the same monitor is recorded once, with a note."""

from __future__ import annotations

import hashlib
from io import BytesIO

from PIL import Image

from incident_recorder.domain import NewCapture


def capture(colour: str, monitor: int | None = 1, title: str | None = "Grafana") -> NewCapture:
    buffer = BytesIO()
    Image.new("RGB", (64, 36), colour).save(buffer, "PNG")
    png = buffer.getvalue()
    return NewCapture(png, png, 64, 36, hashlib.sha256(png).hexdigest(), monitor, title)


def stored_captures(handle) -> int:
    return int(handle._db.execute("SELECT count(*) FROM captures").fetchone()[0])


def test_an_unchanged_screen_is_stored_once_and_the_moment_is_still_recorded(
    incident_file, clock
) -> None:
    first = incident_file.add_capture(capture("red"), clock.now)
    clock.advance(30)
    again = incident_file.add_capture(capture("red"), clock.now)
    assert stored_captures(incident_file) == 1
    assert again.capture == first.capture, "the entry points at the image already stored"
    assert again.text == "The screen had not changed since the capture at 14:00:00 UTC"
    assert again.occurred_at == clock.now
    assert [e.id for e in incident_file.entries()] == [first.id, again.id]
    assert incident_file.entry(again.id).capture == first.capture


def test_a_change_another_monitor_or_a_paste_is_stored(incident_file, clock) -> None:
    incident_file.add_capture(capture("red"), clock.now)
    incident_file.add_capture(capture("blue"), clock.now)  # changed
    incident_file.add_capture(capture("blue", monitor=2), clock.now)  # another monitor
    incident_file.add_capture(capture("green", monitor=None), clock.now)  # a paste
    incident_file.add_capture(capture("green", monitor=None), clock.now)  # pasted twice
    assert stored_captures(incident_file) == 5


def test_the_same_pixels_under_another_window_title_are_stored_again(incident_file, clock) -> None:
    incident_file.add_capture(capture("red", title="Grafana"), clock.now)
    again = incident_file.add_capture(capture("red", title="Terminal"), clock.now)
    assert stored_captures(incident_file) == 2
    assert again.capture is not None and again.capture.window_title == "Terminal"
    assert again.text == ""


def test_a_caption_is_kept_with_the_unchanged_note(incident_file, clock) -> None:
    incident_file.add_capture(capture("red"), clock.now)
    again = incident_file.add_capture(capture("red"), clock.now, text="still red")
    assert again.text.startswith("still red\nThe screen had not changed")


def test_a_planted_row_claiming_this_screens_hash_is_not_reused(incident_file, clock) -> None:
    """A received file's last capture may claim a hash over other pixels: the new capture is
    stored in full, never pointed at the planted image."""
    import sqlite3

    planted = capture("black")
    real = capture("red")
    conn = sqlite3.connect(incident_file.path, isolation_level=None)
    try:
        conn.execute(
            "INSERT INTO captures (png, thumbnail, width, height, monitor, sha256, window_title, "
            "captured_at) VALUES (?, ?, 64, 36, 1, ?, 'Grafana', '2026-11-27T13:59:00.000Z')",
            (planted.png, planted.png, real.sha256),
        )
    finally:
        conn.close()
    entry = incident_file.add_capture(real, clock.now)
    assert stored_captures(incident_file) == 2
    assert incident_file.capture_png(entry.capture.id) == real.png
    assert "had not changed" not in entry.text
