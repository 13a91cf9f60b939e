"""Interval capture: every N seconds a frame of one monitor while the incident window is open.

Off by default; Entry ▸ Interval Capture… opens a small dialog (every N seconds, default 60,
at least 5; the monitor under the pointer or monitor 1..n as the capture layer numbers them).
While it runs, a permanent status-bar widget says so and offers Stop.

A QTimer on the UI thread only sends requests to the capture worker (see
``CaptureService.request_interval``); the worker grabs, and drops a frame whose pixels are those
of the last interval frame it saved for that monitor: no entry at all. Saved frames are entries
with source ``interval``. At most one request is outstanding: a tick while the previous frame
is still being saved is let go. A failure (no display, the file gone) stops the timer and is
reported once, not every N seconds. Closing the window stops it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QStatusBar,
    QWidget,
)

from incident_recorder.domain import Entry
from incident_recorder.domain.times import Clock
from incident_recorder.ui.capture.capture_service import CaptureService

DEFAULT_SECONDS = 60
MIN_SECONDS = 5
MAX_SECONDS = 24 * 3600
UNDER_POINTER = 0
"""The monitor number meaning "the monitor under the pointer at each frame"."""


def monitor_sizes() -> list[tuple[int, int]]:
    """Width and height of monitors 1..n as the capture layer numbers them ([] if unknown)."""
    from incident_recorder.capture import Grabber, check_capture_possible

    try:
        check_capture_possible()
        with Grabber() as grabber:
            return [(int(m["width"]), int(m["height"])) for m in grabber.monitors()]
    except Exception:  # no display: only "under the pointer" is offered
        return []


def monitor_label(monitor: int) -> str:
    return "monitor under the pointer" if monitor == UNDER_POINTER else f"monitor {monitor}"


def own_window_rects() -> list[tuple[int, int, int, int]]:
    """Where our own visible windows are, in desktop pixels: left out when frames are compared
    (the recorder changes itself after every frame; the rest of the screen is what counts)."""
    rects = []
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and not widget.isMinimized():
            frame, ratio = widget.frameGeometry(), widget.devicePixelRatioF()
            rects.append(
                (
                    round(frame.x() * ratio),
                    round(frame.y() * ratio),
                    round(frame.width() * ratio),
                    round(frame.height() * ratio),
                )
            )
    return rects


class IntervalCapture(QObject):
    """The timer, the counts and the status-bar widget of one recorder window."""

    def __init__(
        self,
        captures: CaptureService,
        clock: Clock,
        status_bar: QStatusBar,
        notify: Callable[[str, str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._captures = captures
        self._clock = clock
        self._notify = notify
        self.seconds = DEFAULT_SECONDS
        self.monitor = UNDER_POINTER
        self.taken = 0
        self.unchanged = 0
        self.requests = 0
        self.last_failure: str | None = None
        self._pending = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.widget = QWidget()
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setAccessibleName("Interval capture status")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop the interval capture")
        self.stop_button.clicked.connect(self.stop)
        row.addWidget(self.label)
        row.addWidget(self.stop_button)
        status_bar.addPermanentWidget(self.widget)
        self.widget.hide()
        captures.captured.connect(self._captured)
        captures.interval_skipped.connect(self._skipped)
        captures.interval_failed.connect(self._failed)

    @property
    def running(self) -> bool:
        return self.timer.isActive()

    def start(self, seconds: int, monitor: int = UNDER_POINTER, *, interval_ms: int = 0) -> None:
        """Take a frame now and then every `seconds` (`interval_ms`: a shorter test interval)."""
        if seconds < MIN_SECONDS:
            raise ValueError(f"the interval is at least {MIN_SECONDS} s, not {seconds}")
        self.seconds, self.monitor = seconds, monitor
        self.taken = self.unchanged = self.requests = 0
        self.last_failure = None
        self._pending = False
        self.timer.start(interval_ms or seconds * 1000)
        self.widget.show()
        self._update()
        self._tick()

    def stop(self) -> None:
        """Stop taking frames (a frame being saved still arrives)."""
        self.timer.stop()
        self._pending = False
        self.widget.hide()

    def status_text(self) -> str:
        return (
            f"● Interval capture every {self.seconds} s · {monitor_label(self.monitor)} · "
            f"{self.taken} taken, {self.unchanged} unchanged"
        )

    def open_dialog(self) -> IntervalDialog:
        parent = self.parent()
        owner = parent if isinstance(parent, QWidget) else None
        dialog = IntervalDialog(self, monitor_sizes(), owner)
        dialog.open()
        return dialog

    def _tick(self) -> None:
        if self._pending or not self.running:
            return  # the previous frame is still being grabbed or saved
        self._pending = True
        self.requests += 1
        self._captures.request_interval(self._clock(), self.monitor, own_window_rects())

    def _update(self) -> None:
        self.label.setText(self.status_text())

    def _captured(self, entry: Entry, _timings: object) -> None:
        if entry.source != "interval":
            return
        self._pending = False
        self.taken += 1
        self._update()

    def _skipped(self, _monitor: int) -> None:
        self._pending = False
        self.unchanged += 1
        self._update()

    def _failed(self, message: str) -> None:
        if not self.running:
            return  # already stopped: said once
        self.stop()
        self.last_failure = message
        self._notify("Interval capture stopped", message)


class IntervalDialog(QDialog):
    """Every N seconds, which monitor; Start and Stop."""

    def __init__(
        self,
        controller: IntervalCapture,
        monitors: list[tuple[int, int]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Interval Capture")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._controller = controller
        self.seconds = QSpinBox()
        self.seconds.setRange(MIN_SECONDS, MAX_SECONDS)
        self.seconds.setSuffix(" s")
        self.seconds.setValue(controller.seconds)
        self.monitor = QComboBox()
        self.monitor.addItem("Under the pointer", UNDER_POINTER)
        for number, (width, height) in enumerate(monitors, start=1):
            self.monitor.addItem(f"Monitor {number} ({width}×{height})", number)
        found = self.monitor.findData(controller.monitor)
        self.monitor.setCurrentIndex(max(found, 0))
        form = QFormLayout(self)
        intro = QLabel(
            "Capture one monitor at a fixed interval while this window is open; a frame "
            "identical to the previous one is skipped."
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        form.addRow("Every", self.seconds)
        form.addRow("Monitor", self.monitor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.start_button = buttons.addButton("Start", QDialogButtonBox.ButtonRole.AcceptRole)
        self.stop_button = buttons.addButton("Stop", QDialogButtonBox.ButtonRole.ActionRole)
        self.stop_button.setEnabled(controller.running)
        self.start_button.clicked.connect(self._start)
        self.stop_button.clicked.connect(self._stop)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _start(self) -> None:
        self._controller.start(self.seconds.value(), int(self.monitor.currentData()))
        self.accept()

    def _stop(self) -> None:
        self._controller.stop()
        self.accept()
