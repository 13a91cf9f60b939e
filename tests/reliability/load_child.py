"""Run as a process by test_load.py: the real window on a big incident, measured.

Prints one JSON line: seconds from process start to the timeline painted and to every entry
loaded, peak RSS (VmHWM), the longest UI stall while scrolling the whole timeline and while
searching/filtering it, and the export's time, progress updates (the last one) and longest UI
stall, beside the longest stall of the same window left idle for 3 s (the machine's own noise).
"""

from __future__ import annotations

import json
import sys
import time

START = time.perf_counter()

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QEvent, QObject, Qt, QTimer  # noqa: E402

from incident_recorder.app import make_qapp  # noqa: E402
from incident_recorder.domain.times import system_clock  # noqa: E402
from incident_recorder.storage import IncidentFile  # noqa: E402
from incident_recorder.ui.recorder.recorder_window import RecorderWindow  # noqa: E402


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Heartbeat:
    """A 1 ms timer on the UI thread; the longest gap between ticks is the longest stall."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(1)
        self.timer.timeout.connect(self.tick)

    def tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self.last) * 1000)
        self.last = now

    def start(self) -> None:
        self.gaps.clear()
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps, default=0.0)


def pump(app: object, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]


def main() -> None:
    path, out = Path(sys.argv[1]), Path(sys.argv[2])
    app = make_qapp()
    painted: list[float] = []

    class Watch(QObject):
        def eventFilter(self, obj: object, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter())
            return False

    window = RecorderWindow(IncidentFile.open(path), clock=system_clock)
    window.view.viewport().installEventFilter(Watch(window))
    window.show()
    while not painted:
        app.processEvents()
    total = window.file.entry_count()
    deadline = time.monotonic() + 120
    while window.model.rowCount() < total and time.monotonic() < deadline:
        app.processEvents()
    loaded = time.perf_counter()
    heartbeat = Heartbeat()

    bar = window.view.verticalScrollBar()
    heartbeat.start()
    for step in range(200):  # the whole timeline, top to bottom, a page at a time and jumps
        bar.setValue(bar.maximum() * step // 199)
        pump(app, 0.01)
    scroll_stall = heartbeat.stop()

    filters = window.curation.bar
    heartbeat.start()
    for text in ("pool", "checkout-api rollback", "zzzz no match", ""):
        filters.open_bar()
        filters.search.setText(text)
        end = time.monotonic() + 30
        while window.curation.busy and time.monotonic() < end:
            app.processEvents()
        pump(app, 0.05)
    filters.close_bar()
    pump(app, 0.05)
    search_stall = heartbeat.stop()

    heartbeat.start()  # the same window idle, for comparison: what the machine alone costs
    pump(app, 3.0)
    idle_stall = heartbeat.stop()

    progress: list[tuple[int, int]] = []
    finished: list[str] = []
    heartbeat.start()
    began = time.perf_counter()
    job = window.export("markdown", out)
    assert job is not None
    job.signals.progress.connect(lambda done, of: progress.append((done, of)))
    job.signals.finished.connect(finished.append)
    job.signals.failed.connect(lambda message: finished.append("FAILED " + message))
    end = time.monotonic() + 1800
    while not finished and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    export_s = time.perf_counter() - began
    export_stall = heartbeat.stop()
    result = {
        "entries": total,
        "painted_s": painted[0] - START,
        "loaded_s": loaded - START,
        "peak_mb": peak_mb(),
        "scroll_stall_ms": scroll_stall,
        "search_stall_ms": search_stall,
        "export_s": export_s,
        "export_progress_updates": len(progress),
        "export_stall_ms": export_stall,
        "idle_stall_ms": idle_stall,
        "export_progress_last": list(progress[-1]) if progress else None,
        "export_progress_done": [done for done, _ in progress],
        "export_result": finished[0] if finished else "timed out",
    }
    window.close()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
