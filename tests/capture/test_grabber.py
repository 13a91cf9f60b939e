"""Grabber over a fake screen source: monitor choice, hot-plug fallback, threads, close."""

from __future__ import annotations

import threading

import pytest
from capture_fakes import Screens, mon

from incident_recorder.capture import CaptureError, Grabber, capture_now
from incident_recorder.capture.grabber import RawShot

TWO = [mon(0, 0, 1920, 1080), mon(1920, 0, 1280, 1024)]


def make(
    layout: list[dict[str, int]], pointer: tuple[int, int] | None = None
) -> tuple[Grabber, Screens]:
    screens = Screens(list(layout))
    return Grabber(source=screens, pointer=lambda: pointer), screens


def test_monitors_are_mss_monitors_without_the_whole_desktop() -> None:
    grabber, _ = make(TWO)
    assert grabber.monitors() == TWO


def test_explicit_monitor() -> None:
    grabber, screens = make(TWO)
    shot = grabber.grab(2)
    assert isinstance(shot, RawShot)
    assert (shot.monitor, shot.width, shot.height, shot.left, shot.top) == (2, 1280, 1024, 1920, 0)
    assert shot.bgra[:4] == b"\x10\x20\x30\xff"
    assert screens.made[-1].grabbed == [TWO[1]]


def test_monitor_under_the_given_pointer() -> None:
    grabber, _ = make(TWO, pointer=(10, 10))
    assert grabber.grab(pointer=(2000, 500)).monitor == 2


def test_monitor_under_the_real_pointer() -> None:
    grabber, _ = make(TWO, pointer=(3000, 10))
    assert grabber.grab().monitor == 2


def test_no_pointer_means_monitor_one() -> None:
    grabber, _ = make(TWO, pointer=None)
    assert grabber.grab().monitor == 1


def test_unplugged_monitor_falls_back_to_the_pointer() -> None:
    grabber, screens = make(TWO, pointer=(100, 100))
    grabber.monitors()
    screens.layout = [TWO[0]]  # monitor 2 unplugged between key press and grab
    shot = grabber.grab(2)
    assert shot.monitor == 1 and shot.width == 1920


def test_index_that_never_existed_falls_back() -> None:
    grabber, _ = make(TWO, pointer=(2500, 100))
    assert grabber.grab(9).monitor == 2


def test_monitor_shrunk_under_us_is_regrabbed_after_refresh() -> None:
    """The cached geometry is stale and the grab fails: re-read the monitors and retry once."""
    grabber, screens = make(TWO, pointer=(10, 10))
    grabber.monitors()
    screens.layout = [mon(0, 0, 1920, 1080), mon(1920, 0, 1024, 768)]
    screens.made[-1].fail_on = lambda m: m["width"] == 1280
    shot = grabber.grab(2)
    assert (shot.monitor, shot.width, shot.height) == (2, 1024, 768)


def test_persistent_failure_is_a_capture_error() -> None:
    grabber, screens = make(TWO, pointer=(10, 10))
    screens.fail_on = lambda _m: True
    with pytest.raises(CaptureError, match="screen capture failed: X11 Protocol Error"):
        grabber.grab(1)


def test_pointer_on_a_new_monitor_refreshes_the_list() -> None:
    grabber, screens = make(TWO)
    grabber.monitors()
    screens.layout = [*TWO, mon(3200, 0, 800, 600)]  # plugged in after the list was read
    assert grabber.monitor_at(3300, 100) == 3


def test_monitor_at_off_screen_is_nearest() -> None:
    grabber, _ = make(TWO)
    assert grabber.monitor_at(-500, 500) == 1
    assert grabber.monitor_at(9000, 500) == 2


def test_one_source_per_thread_and_reuse_within_a_thread() -> None:
    grabber, screens = make(TWO)
    for _ in range(5):
        grabber.grab(1)
    assert len(screens.made) == 1

    errors: list[BaseException] = []

    def work() -> None:
        try:
            grabber.grab(1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert not errors
    assert len(screens.made) == 2
    assert screens.made[0].closed, "the other thread's instance is closed, not leaked"


def test_close_is_idempotent_and_reopens_lazily() -> None:
    grabber, screens = make(TWO)
    grabber.grab(1)
    grabber.close()
    grabber.close()
    assert screens.made[0].closed
    grabber.grab(1)
    assert len(screens.made) == 2


def test_no_monitor_at_all() -> None:
    grabber, _ = make([])
    with pytest.raises(CaptureError, match="no monitor"):
        grabber.grab()


def test_capture_now_encodes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    grabber, _ = make([mon(0, 0, 64, 48)])
    capture = capture_now(grabber, window_title="Terminal")
    assert (capture.width, capture.height, capture.monitor) == (64, 48, 1)
    assert capture.window_title == "Terminal"
    assert capture.png.startswith(b"\x89PNG")


def test_grab_all_gives_one_shot_per_monitor() -> None:
    grabber, _ = make(TWO)
    shots = grabber.grab_all()
    assert [(s.monitor, s.width, s.height, s.left) for s in shots] == [
        (1, 1920, 1080, 0),
        (2, 1280, 1024, 1920),
    ]


def test_grab_rect_is_clipped_to_the_screen() -> None:
    grabber, screens = make(TWO)
    shot = grabber.grab_rect(2500, -40, 1000, 300)  # sticks out above and to the right
    assert (shot.monitor, shot.left, shot.top, shot.width, shot.height) == (2, 2500, 0, 700, 260)
    assert screens.made[-1].grabbed[-1] == mon(2500, 0, 700, 260)
    with pytest.raises(CaptureError, match="not on any screen"):
        grabber.grab_rect(-900, 0, 800, 600)
