"""Capture on a real X server (Xvfb 1920x1080): pixels, pointer, threads, no leaks.

Run with: xvfb-run -a -s "-screen 0 1920x1080x24" /work/venv/bin/pytest tests/capture
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
from PIL import Image

from incident_recorder.capture import (
    Grabber,
    PointerReader,
    RawShot,
    capture_now,
    encode,
    pointer_position,
)

pytestmark = [pytest.mark.xvfb, pytest.mark.usefixtures("x_session", "x_keepalive")]

RED = (255, 0, 0)


def need(tool: str) -> None:
    if not shutil.which(tool):
        pytest.skip(f"{tool} is not installed")


def rgb_at(shot: RawShot, x: int, y: int) -> tuple[int, int, int]:
    i = ((y - shot.top) * shot.width + (x - shot.left)) * 4
    b, g, r = shot.bgra[i : i + 3]
    return (r, g, b)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(scope="module")
def x_keepalive() -> Iterator[None]:
    """Hold one X connection for the whole module.

    Xvfb resets itself when its last client leaves (pointer back to the centre, connections
    refused for a moment); a test that closes every connection must not disturb the next one.
    """
    from Xlib import display

    connection = display.Display()
    yield
    connection.close()


@pytest.fixture
def red_window() -> Iterator[tuple[int, int, int, int]]:
    """A red xterm at a known place; yields its (x, y, width, height) on the screen."""
    need("xterm")
    need("xdotool")
    title = f"capture-test-red-{os.getpid()}"
    proc = subprocess.Popen(
        ["xterm", "-T", title, "-bg", "#ff0000", "-geometry", "60x20+300+200", "-e", "sleep 60"]
    )
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", title],
            capture_output=True,
            text=True,
            timeout=15,
            check=True,
        )
        window = found.stdout.split()[0]
        shell = subprocess.run(
            ["xdotool", "getwindowgeometry", "--shell", window],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        geo = dict(line.split("=", 1) for line in shell.split())
        yield int(geo["X"]), int(geo["Y"]), int(geo["WIDTH"]), int(geo["HEIGHT"])
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_grab_whole_screen() -> None:
    with Grabber() as grabber:
        shot = grabber.grab(1)
    assert (shot.width, shot.height, shot.monitor) == (1920, 1080, 1)
    assert len(shot.bgra) == 1920 * 1080 * 4


def test_captured_pixels_show_the_window(red_window: tuple[int, int, int, int]) -> None:
    x, y, width, height = red_window
    # A point well inside the window, away from the text cursor in its top-left corner.
    px, py = x + width * 3 // 4, y + height * 3 // 4
    with Grabber() as grabber:
        deadline = time.monotonic() + 10
        shot = grabber.grab(1)
        while rgb_at(shot, px, py) != RED and time.monotonic() < deadline:
            time.sleep(0.05)  # xterm maps before it paints
            shot = grabber.grab(1)
        assert rgb_at(shot, px, py) == RED
        assert rgb_at(shot, 5, 5) != RED  # outside the window: the root background
        capture = encode(shot)
    image = Image.open(io.BytesIO(capture.png)).convert("RGB")
    assert image.size == (1920, 1080)
    assert image.getpixel((px, py)) == RED


def test_pointer_position_follows_xdotool() -> None:
    need("xdotool")
    subprocess.run(["xdotool", "mousemove", "100", "200"], check=True)
    assert pointer_position() == (100, 200)
    with PointerReader() as reader:
        assert reader.position() == (100, 200)
        subprocess.run(["xdotool", "mousemove", "1500", "900"], check=True)
        assert reader.position() == (1500, 900)


def test_grab_follows_the_pointer() -> None:
    need("xdotool")
    subprocess.run(["xdotool", "mousemove", "640", "480"], check=True)
    with Grabber() as grabber:
        assert grabber.pointer() == (640, 480)
        assert grabber.grab().monitor == 1


def test_grab_in_a_worker_thread() -> None:
    grabber = Grabber()
    results: list[RawShot] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                results.append(grabber.grab())
            grabber.close()
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=work, name="capture-worker")
    worker.start()
    worker.join(timeout=30)
    assert not errors, errors
    assert [(s.width, s.height) for s in results] == [(1920, 1080)] * 3


def test_grabber_moved_between_threads() -> None:
    """Used from a second thread, the Grabber reopens mss there instead of crossing threads."""
    with Grabber() as grabber:
        grabber.grab(1)
        shots: list[RawShot] = []
        worker = threading.Thread(target=lambda: shots.append(grabber.grab(1)))
        worker.start()
        worker.join(timeout=30)
        assert shots and shots[0].width == 1920
        assert grabber.grab(1).width == 1920


def test_reused_grabber_does_not_leak() -> None:
    import tracemalloc

    grabber = Grabber()
    grabber.grab(pointer=(10, 10))
    grabber.pointer()
    fds = open_fds()
    tracemalloc.start()
    try:
        for _ in range(10):
            grabber.grab(pointer=(10, 10))
        baseline, _ = tracemalloc.get_traced_memory()
        for _ in range(100):
            grabber.grab()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert open_fds() == fds
    assert after - baseline < 2_000_000, f"grew by {after - baseline} bytes over 100 grabs"
    grabber.close()


def test_close_releases_connections() -> None:
    before = open_fds()
    grabber = Grabber()
    grabber.grab()
    assert open_fds() > before
    grabber.close()
    assert open_fds() == before


def test_capture_now() -> None:
    with Grabber() as grabber:
        capture = capture_now(grabber, monitor=1, window_title="xterm")
    assert (capture.width, capture.height, capture.monitor) == (1920, 1080, 1)
    assert Image.open(io.BytesIO(capture.png)).size == (1920, 1080)
    assert Image.open(io.BytesIO(capture.thumbnail_png)).size == (320, 180)


def test_capture_now_as_jpeg() -> None:
    with Grabber() as grabber:
        capture = capture_now(grabber, monitor=1, fmt="jpeg", quality=80)
    image = Image.open(io.BytesIO(capture.png))
    assert (image.format, image.size) == ("JPEG", (1920, 1080))
    assert Image.open(io.BytesIO(capture.thumbnail_png)).format == "PNG"
