"""Screen capture off the UI thread: grab, encode and save in a worker thread of its own.

The worker owns its mss grabber, its Xlib reader of the active window and its own connection to
the incident file (SQLite connections, mss instances and Xlib connections belong to one thread).
The UI asks with `request(pressed_at, pressed, mode)` and hears back `captured(entry, timings)`
once each capture is durable (once per monitor for `ALL`), or `failed(message)`.

Modes: `POINTER` the monitor under the pointer, `ALL` every monitor (one entry each), `WINDOW`
the active window only, cropped to its rectangle on screen. Every capture records the title of
the window that was active when the request reached the worker, where X11 gives it.

`REGION` is two steps: `freeze(pressed_at, pressed)` grabs the monitor under the pointer and the
active window's title at once and answers `frozen(FrozenFrame)` (the raw pixels, for the region
overlay to show); `request_region(frame, rect)` later cuts the chosen rectangle out of that same
frame, then encodes and saves it here, so the pixels are those of the key press.

`INTERVAL` (`request_interval(pressed_at, monitor)`, see ui.interval_capture) grabs one monitor
(0: the one under the pointer) for the timed capture; a frame whose pixels hash the same as the
last interval frame saved for that monitor is dropped (`interval_skipped(monitor)`, no entry).
Its failures come back as `interval_failed(message)`, apart from those of the keys.

`set_image_format(fmt, quality)` (the capture-format setting) chooses PNG or JPEG for the
captures encoded after it; the encoding itself stays here, in the worker.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from time import perf_counter
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from incident_recorder.domain.times import Clock
from incident_recorder.storage import IncidentFile, IncidentFileError

POINTER = "pointer"
ALL = "all"
WINDOW = "window"
REGION = "region"
INTERVAL = "interval"


@dataclass(frozen=True)
class FrozenFrame:
    """The monitor under the pointer as grabbed at a region key press (a ``RawShot``)."""

    shot: Any
    window_title: str | None
    pressed_at: datetime
    pressed: float
    grabbed: float


@dataclass(frozen=True)
class CaptureTimings:
    """perf_counter() readings: key press, pixels grabbed, entry durable."""

    pressed: float
    grabbed: float
    durable: float

    @property
    def to_pixels_ms(self) -> float:
        return (self.grabbed - self.pressed) * 1000

    @property
    def to_durable_ms(self) -> float:
        return (self.durable - self.pressed) * 1000


class _CaptureWorker(QObject):
    captured = Signal(object, object)
    failed = Signal(str)
    frozen = Signal(object)
    interval_skipped = Signal(int)
    interval_failed = Signal(str)

    def __init__(self, path: Path, clock: Clock) -> None:
        super().__init__()
        self._path = path
        self._clock = clock
        self._grabber: Any = None
        self._windows: Any = None
        self._file: IncidentFile | None = None
        self._interval_sha: dict[int, str] = {}
        """monitor → SHA-256 of the pixels of the last interval frame saved for it."""
        self.image_format: tuple[str, int] = ("png", 85)
        self.author: str | None = None  # the name in Settings: on every capture's entry
        """(format, JPEG quality) of the next captures; set from the UI thread (one tuple,
        replaced whole, read once per capture)."""

    def _encode(self, shot: Any, title: str | None) -> Any:
        from incident_recorder.capture import encode

        fmt, quality = self.image_format
        return encode(shot, window_title=title, fmt=fmt, quality=quality)

    # -- shared by the slots below: each part made once, in this thread, on first use --------

    def _screen(self) -> Any:
        """The grabber, once capture is known to be possible here (CaptureError if not)."""
        # imported here, in the worker: mss, Pillow and Xlib stay out of the window's start-up
        from incident_recorder.capture import Grabber, check_capture_possible

        check_capture_possible()
        if self._grabber is None:
            self._grabber = Grabber()
        return self._grabber

    def _active_window(self) -> Any:
        """The active window (title, rectangle) as the platform tells it, or None."""
        from incident_recorder.capture import ActiveWindowReader

        if self._windows is None:
            self._windows = ActiveWindowReader()
        return self._windows.active()

    def _active_title(self) -> str | None:
        active = self._active_window()
        return active.title if active is not None else None

    def _incident(self) -> IncidentFile:
        if self._file is None:
            self._file = IncidentFile.open(self._path, clock=self._clock)
        return self._file

    @contextmanager
    def _reporting(self, failed: Any) -> Iterator[None]:
        """Turn whatever one capture meets into a message on `failed`: the worker survives."""
        from incident_recorder.capture import CaptureError

        try:
            yield
        except (CaptureError, IncidentFileError) as error:
            failed.emit(str(error))
        except Exception as error:
            failed.emit(f"screen capture failed: {type(error).__name__}: {error}")

    # -- the slots -------------------------------------------------------------------------

    @Slot(object, float, str)
    def capture(self, pressed_at: datetime, pressed: float, mode: str = POINTER) -> None:
        from incident_recorder.capture import CaptureError

        with self._reporting(self.failed):
            grabber = self._screen()
            active = None
            if mode == WINDOW:  # the window's rectangle is needed before the grab
                active = self._active_window()
                if active is None:
                    raise CaptureError("no active window to capture (the platform does not say)")
                shots = [grabber.grab_rect(active.left, active.top, active.width, active.height)]
            elif mode == ALL:
                shots = grabber.grab_all()
            else:
                shots = [grabber.grab()]
            grabbed = perf_counter()
            # pixels first, then the title (a few X round trips later)
            title = active.title if active is not None else self._active_title()
            for shot in shots:
                image = self._encode(shot, title)
                entry = self._incident().add_capture(
                    image, pressed_at, source="gui", author=self.author
                )
                self.captured.emit(entry, CaptureTimings(pressed, grabbed, perf_counter()))

    @Slot(object, float, int, object)
    def capture_interval(
        self, pressed_at: datetime, pressed: float, monitor: int, ignore: object = ()
    ) -> None:
        """One timed frame of `monitor` (0: under the pointer); unchanged pixels: no entry.

        `ignore`: desktop rectangles (the recorder's own windows) left out of the comparison.
        """
        from incident_recorder.capture.fingerprint import frame_fingerprint

        with self._reporting(self.interval_failed):
            shot = self._screen().grab(monitor or None)
            grabbed = perf_counter()
            sha = frame_fingerprint(shot, ignore)  # type: ignore[arg-type]
            if self._interval_sha.get(shot.monitor) == sha:
                self.interval_skipped.emit(shot.monitor)
                return
            image = self._encode(shot, self._active_title())
            entry = self._incident().add_capture(
                image, pressed_at, source="interval", author=self.author
            )
            self._interval_sha[shot.monitor] = sha
            self.captured.emit(entry, CaptureTimings(pressed, grabbed, perf_counter()))

    @Slot(object, float)
    def freeze(self, pressed_at: datetime, pressed: float) -> None:
        """Grab the monitor under the pointer for the region overlay (nothing saved yet)."""
        with self._reporting(self.failed):
            shot = self._screen().grab()
            grabbed = perf_counter()
            title = self._active_title()
            self.frozen.emit(FrozenFrame(shot, title, pressed_at, pressed, grabbed))

    @Slot(object, object)
    def capture_region(self, frame: FrozenFrame, rect: tuple[int, int, int, int]) -> None:
        """Cut ``rect`` (x, y, width, height in the frame's pixels) out, encode it, save it."""
        from incident_recorder.capture.crop import crop

        with self._reporting(self.failed):
            shot = crop(frame.shot, *rect)
            image = self._encode(shot, frame.window_title)
            entry = self._incident().add_capture(
                image, frame.pressed_at, source="gui", author=self.author
            )
            self.captured.emit(entry, CaptureTimings(frame.pressed, frame.grabbed, perf_counter()))

    @Slot()
    def warm_up(self) -> None:
        """Connect to the file and the screen before the first key press (errors wait for it)."""
        try:
            self._incident()
            self._screen().grab()
        except Exception:  # reported when the user actually asks for a capture
            return

    @Slot()
    def shutdown(self) -> None:
        if self._grabber is not None:
            self._grabber.close()
            self._grabber = None
        if self._windows is not None:
            self._windows.close()
            self._windows = None
        if self._file is not None:
            self._file.close()
            self._file = None
        thread = QThread.currentThread()
        if thread is not None:
            thread.quit()


_STUCK: list[tuple[QThread, QObject | None]] = []
"""Capture threads that did not stop in time: kept alive (see CaptureService.stop)."""


class CaptureService(QObject):
    """Runs captures for one incident file on a dedicated thread, started on first use."""

    captured = Signal(object, object)
    failed = Signal(str)
    frozen = Signal(object)
    interval_skipped = Signal(int)
    interval_failed = Signal(str)
    _requested = Signal(object, float, str)
    _interval = Signal(object, float, int, object)
    _freeze = Signal(object, float)
    _region = Signal(object, object)
    _warm = Signal()
    _stop = Signal()

    def __init__(self, path: Path, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._clock = clock
        self._thread: QThread | None = None
        self._worker: _CaptureWorker | None = None
        self._stopped = False
        self._image_format: tuple[str, int] = ("png", 85)
        self._author: str | None = None

    def set_author(self, name: str | None) -> None:
        """Who records from now on (Settings ▸ Your name): named on every capture's entry, as
        on a note's (a report and a teammate's replica show it)."""
        self._author = name
        if self._worker is not None:
            self._worker.author = name

    def set_image_format(self, fmt: str, quality: int) -> None:
        """Encode the next captures as `fmt` ("png" or "jpeg", at JPEG `quality`)."""
        self._image_format = (fmt, quality)
        if self._worker is not None:
            self._worker.image_format = self._image_format

    def start(self) -> None:
        """Start the worker and let it connect to the screen, so the first capture is quick."""
        if self._thread is None:
            self._start()
            self._warm.emit()

    def request(
        self, pressed_at: datetime, pressed: float | None = None, mode: str = POINTER
    ) -> None:
        """Capture (`mode`: POINTER, ALL or WINDOW); each entry is stamped `pressed_at`."""
        if self._thread is None:
            self._start()
        self._requested.emit(pressed_at, perf_counter() if pressed is None else pressed, mode)

    def request_interval(
        self,
        pressed_at: datetime,
        monitor: int = 0,
        ignore: Sequence[tuple[int, int, int, int]] = (),
    ) -> None:
        """One interval frame of `monitor` (1-based; 0: under the pointer), unchanged: none.

        `ignore`: desktop rectangles left out when comparing frames (our own windows)."""
        if self._thread is None:
            self._start()
        self._interval.emit(pressed_at, perf_counter(), monitor, list(ignore))

    def freeze(self, pressed_at: datetime, pressed: float | None = None) -> None:
        """Grab the monitor under the pointer now; `frozen(FrozenFrame)` brings it back."""
        if self._thread is None:
            self._start()
        self._freeze.emit(pressed_at, perf_counter() if pressed is None else pressed)

    def request_region(self, frame: FrozenFrame, rect: tuple[int, int, int, int]) -> None:
        """Capture (REGION) `rect` of a frozen frame: cropped, encoded and saved in the worker."""
        if self._thread is None:
            self._start()
        self._region.emit(frame, rect)

    def _start(self) -> None:
        if self._stopped:
            return  # the window closed: a late request (a region chosen after) goes nowhere
        self._thread = QThread()
        self._thread.setObjectName("capture")
        self._worker = _CaptureWorker(self._path, self._clock)
        self._worker.image_format = self._image_format
        self._worker.author = self._author
        self._worker.moveToThread(self._thread)
        self._requested.connect(self._worker.capture)
        self._stop.connect(self._worker.shutdown)
        self._warm.connect(self._worker.warm_up)
        self._freeze.connect(self._worker.freeze)
        self._region.connect(self._worker.capture_region)
        self._interval.connect(self._worker.capture_interval)
        self._worker.captured.connect(self._done_ok)
        self._worker.failed.connect(self._done_failed)
        self._worker.frozen.connect(self._done_frozen)
        self._worker.interval_skipped.connect(self.interval_skipped)
        self._worker.interval_failed.connect(self.interval_failed)
        self._thread.start()

    def _done_ok(self, entry: object, timings: object) -> None:
        self.captured.emit(entry, timings)

    def _done_failed(self, message: str) -> None:
        self.failed.emit(message)

    def _done_frozen(self, frame: object) -> None:
        self.frozen.emit(frame)

    def stop(self) -> None:
        """Finish the capture under way, close the worker's file and stop the thread."""
        self._stopped = True
        if self._thread is None:
            return
        self._stop.emit()
        if not self._thread.wait(10_000):
            # A grab or a write is stuck (a hung X server, a slow share). Destroying a running
            # QThread aborts the whole process, every other window with it: keep it referenced
            # and let it finish on its own.
            _STUCK.append((self._thread, self._worker))
            self._worker.captured.disconnect(self._done_ok)  # type: ignore[union-attr]
            self._worker.failed.disconnect(self._done_failed)  # type: ignore[union-attr]
            self._worker.frozen.disconnect(self._done_frozen)  # type: ignore[union-attr]
            self._worker.interval_skipped.disconnect(self.interval_skipped)  # type: ignore[union-attr]
            self._worker.interval_failed.disconnect(self.interval_failed)  # type: ignore[union-attr]
        self._thread = None
        self._worker = None
