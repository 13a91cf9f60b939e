"""What the benchmark scripts share: percentiles, peak memory read by a child process, and the
loop that times capture key presses in a recorder window (bench_gui, bench_hotkeys)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

PEAK_SNIPPET = """
def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
"""Source for a child process: its peak memory in kB from /proc (VmHWM). ru_maxrss would carry
the parent's peak over fork+exec."""


def percentile(values: list[float], fraction: float) -> float:
    """The value at `fraction` (0..1) of the sorted values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def pump(app: Any, seconds: float) -> None:
    """Let the Qt event loop of `app` run for `seconds` (the UI keeps working meanwhile)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()


def time_captures(
    app: Any,
    window: Any,
    heartbeat: Any,
    count: int,
    press: Callable[[int], None],
    after: Callable[[int], None] | None = None,
) -> tuple[list[float], list[float], list[float]]:
    """Press the capture key `count` times in a recorder window and time each capture.

    `press(i)` sends the key (in-process or through the X server); each time the loop waits for
    the capture to be on disk, then 50 ms more with `heartbeat` (a UI-stall meter with start()
    and stop() -> longest gap in ms) running while the timeline shows the new row; `after(i)`
    runs between presses. Returns (key → pixels grabbed ms, key → durable ms, UI stall ms), one
    value per press. The capture worker gets 2 s first to connect to the screen and the file.
    """
    done: list[Any] = []
    window.captures.captured.connect(lambda _entry, timings: done.append(timings))
    window.captures.failed.connect(lambda message: done.append(RuntimeError(message)))
    pump(app, 2)
    pixels: list[float] = []
    durable: list[float] = []
    stalls: list[float] = []
    for number in range(count):
        done.clear()
        heartbeat.start()
        start = time.perf_counter()
        press(number)
        deadline = time.monotonic() + 10
        while not done and time.monotonic() < deadline:
            app.processEvents()
        pump(app, 0.05)
        stalls.append(heartbeat.stop())
        if not done or isinstance(done[0], Exception):
            raise RuntimeError(f"capture {number}: {done[0] if done else 'timed out'}")
        pixels.append((done[0].grabbed - start) * 1000)
        durable.append((done[0].durable - start) * 1000)
        if after is not None:
            after(number)
    return pixels, durable, stalls
