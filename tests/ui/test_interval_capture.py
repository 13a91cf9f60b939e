"""Interval capture: the timer only asks the worker; identical frames leave no entry."""

from __future__ import annotations

import subprocess

import pytest

from incident_recorder.capture import CaptureError
from incident_recorder.ui.capture.interval_capture import IntervalDialog


def test_interval_capture_is_off_by_default(make_window) -> None:
    window = make_window()
    assert not window.interval.running
    assert window.interval.widget.isHidden()
    assert "interval_capture" in window.actions_by_id


def test_start_sends_requests_at_the_interval(make_window, qtbot, monkeypatch) -> None:
    window = make_window()
    asked: list[int] = []
    monkeypatch.setattr(
        window.captures, "request_interval", lambda _at, monitor=0, *_: asked.append(monitor)
    )
    window.interval.start(60, 2, interval_ms=100)
    assert asked == [2], "a frame at once"
    window.interval._skipped(2)  # the worker answers: unchanged
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=3000)
    assert window.interval.unchanged == 1
    # no answer yet: ticks do not pile up requests
    qtbot.wait(350)
    assert len(asked) == 2
    window.interval._skipped(2)
    qtbot.waitUntil(lambda: len(asked) == 3, timeout=3000)
    window.interval.stop()
    assert not window.interval.running


def test_status_bar_shows_the_run_and_its_counts(make_window, qtbot, monkeypatch) -> None:
    window = make_window()
    monkeypatch.setattr(window.captures, "request_interval", lambda *_a: None)
    window.interval.start(60, 1, interval_ms=10_000)
    assert window.interval.widget.isVisible()
    assert window.interval.label.text() == (
        "● Interval capture every 60 s · monitor 1 · 0 taken, 0 unchanged"
    )
    window.interval._skipped(1)
    window.interval._skipped(1)
    assert window.interval.label.text().endswith("0 taken, 2 unchanged")
    window.interval.stop_button.click()
    assert not window.interval.running
    assert window.interval.widget.isHidden()


def test_start_refuses_less_than_five_seconds(make_window) -> None:
    window = make_window()
    with pytest.raises(ValueError):
        window.interval.start(4)


def test_dialog_starts_and_stops(make_window, qtbot, monkeypatch) -> None:
    window = make_window()
    monkeypatch.setattr(window.captures, "request_interval", lambda *_a: None)
    dialog = IntervalDialog(window.interval, [(1920, 1080), (1280, 1024)], window)
    qtbot.addWidget(dialog)
    assert dialog.seconds.value() == 60 and dialog.seconds.minimum() == 5
    assert dialog.monitor.count() == 3 and dialog.monitor.currentData() == 0
    assert not dialog.stop_button.isEnabled()
    dialog.seconds.setValue(30)
    dialog.monitor.setCurrentIndex(2)
    dialog.start_button.click()
    assert window.interval.running
    assert (window.interval.seconds, window.interval.monitor) == (30, 2)
    assert "every 30 s · monitor 2" in window.interval.label.text()
    again = IntervalDialog(window.interval, [], window)
    qtbot.addWidget(again)
    assert again.stop_button.isEnabled() and again.seconds.value() == 30
    again.stop_button.click()
    assert not window.interval.running


def test_menu_action_opens_the_dialog(make_window, qtbot) -> None:
    window = make_window()
    window.actions_by_id["interval_capture"].trigger()
    dialog = window.findChild(IntervalDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_closing_the_window_stops_it(make_window, monkeypatch) -> None:
    window = make_window()
    monkeypatch.setattr(window.captures, "request_interval", lambda *_a: None)
    window.interval.start(5, interval_ms=100)
    timer = window.interval.timer
    window.close()
    assert not timer.isActive()


def test_a_failure_stops_it_with_one_message(make_window, qtbot, monkeypatch) -> None:
    import incident_recorder.capture as capture

    def no_display() -> None:
        raise CaptureError("no display: screen capture needs an X11 session")

    monkeypatch.setattr(capture, "check_capture_possible", no_display)
    window = make_window()
    messages: list[tuple[str, str]] = []
    window.interval._notify = lambda title, message: messages.append((title, message))
    window.interval.start(5, interval_ms=50)
    qtbot.waitUntil(lambda: not window.interval.running, timeout=5000)
    qtbot.wait(300)
    assert messages == [
        ("Interval capture stopped", "no display: screen capture needs an X11 session")
    ]
    assert window.interval.last_failure is not None
    assert window.model.rowCount() == 0
    assert window.interval.widget.isHidden()


def test_without_a_tray_the_failure_is_in_the_status_bar(make_window, qtbot, monkeypatch) -> None:
    import incident_recorder.capture as capture

    def no_display() -> None:
        raise CaptureError("no display here")

    monkeypatch.setattr(capture, "check_capture_possible", no_display)
    window = make_window()
    window.tray = None
    window.interval.start(5, interval_ms=50)
    qtbot.waitUntil(lambda: not window.interval.running, timeout=5000)
    assert window.statusBar().currentMessage() == "Interval capture stopped: no display here"


@pytest.mark.xvfb
def test_a_static_screen_gives_one_entry_and_a_change_a_second(make_window, qtbot) -> None:
    window = make_window()
    # On the captured screen: its own caret, status-bar counts and new rows change every frame,
    # so frames are compared with the recorder's own windows left out.
    window.interval.start(5, 1, interval_ms=200)
    qtbot.waitUntil(lambda: window.interval.unchanged >= 3, timeout=15_000)
    assert window.interval.taken == 1
    assert window.file.entry_count() == 1
    assert window.model.entry_at(0).source == "interval"
    # beside the recorder window (a change inside its rectangle would not count)
    xterm = subprocess.Popen(["xterm", "-geometry", "80x24+1200+300", "-e", "sleep 60"])
    try:
        qtbot.waitUntil(lambda: window.interval.taken == 2, timeout=15_000)
    finally:
        xterm.terminate()
        xterm.wait(timeout=5)
    window.interval.stop()
    assert window.file.entry_count() == 2
    assert "unchanged" in window.interval.label.text()


class _FakeGrabber:
    def __init__(self) -> None:
        self.pixels = b"\x10\x20\x30\x00" * 64

    def grab(self, monitor: int | None = None) -> object:
        from incident_recorder.capture import RawShot

        return RawShot(self.pixels, 8, 8, monitor or 1, 0, 0)

    def close(self) -> None:
        pass


class _NoWindows:
    def active(self) -> None:
        return None

    def close(self) -> None:
        pass


def test_worker_drops_a_frame_identical_to_its_last_interval_frame(
    incident_file, clock, monkeypatch
) -> None:
    import incident_recorder.capture as capture
    from incident_recorder.ui.capture.capture_service import _CaptureWorker

    monkeypatch.setattr(capture, "check_capture_possible", lambda: None)
    worker = _CaptureWorker(incident_file.path, clock)
    worker._grabber = _FakeGrabber()
    worker._windows = _NoWindows()
    saved: list[object] = []
    skipped: list[int] = []
    worker.captured.connect(lambda entry, _t: saved.append(entry))
    worker.interval_skipped.connect(skipped.append)
    for _ in range(3):
        worker.capture_interval(clock.advance(5), 0.0, 2)
    assert len(saved) == 1 and skipped == [2, 2]
    assert saved[0].source == "interval"
    worker._grabber.pixels = b"\x99\x20\x30\x00" * 64
    worker.capture_interval(clock.advance(5), 0.0, 2)
    assert len(saved) == 2
    worker.capture_interval(clock.advance(5), 0.0, 3)  # another monitor: its own last frame
    assert len(saved) == 3
    assert incident_file.entry_count() == 3
    worker._file.close()
