"""Grabbing raw pixels of one monitor with mss, from the capture worker thread.

A ``Grabber`` owns one ``mss.MSS`` (and one Xlib connection for the pointer), created lazily in
the thread that first grabs: mss instances must not cross threads (python-mss issue 273). Reuse
one per worker thread: a fresh ``MSS`` costs about 9 ms, a grab with a reused one well under
10 ms at 1080p. If a Grabber is used from another thread anyway (a thread pool), it closes its
old instance and opens a new one there: correct, only slower for that grab.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from incident_recorder.capture.errors import (
    CaptureError,
    capture_error_from,
    check_capture_possible,
)
from incident_recorder.capture.geometry import monitor_containing, monitor_index_at
from incident_recorder.capture.pointer import PointerReader

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RawShot:
    """The BGRA pixels of one monitor as grabbed, with where that monitor sits on the desktop.

    ``bgra`` is mss' own buffer, handed on without a copy (8 MB at 1080p, 133 MB at 8K): treat it
    as read-only. Copying it cost more than the grab itself (fresh pages on every call).
    """

    bgra: bytes | bytearray
    width: int
    height: int
    monitor: int
    left: int
    top: int

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"empty image: {self.width}x{self.height}")
        if len(self.bgra) != self.width * self.height * 4:
            raise ValueError(
                f"{len(self.bgra)} bytes do not make a {self.width}x{self.height} BGRA image"
            )


class ScreenSource(Protocol):
    """What a Grabber needs of ``mss.MSS``; tests pass a fake through ``Grabber(source=...)``."""

    @property
    def monitors(self) -> list[dict[str, Any]]: ...

    def grab(self, monitor: dict[str, Any], /) -> Any: ...

    def close(self) -> None: ...


PointerSource = Callable[[], "tuple[int, int] | None"]


class _Session:
    """The per-thread part of a Grabber: the screen source, the pointer reader, the monitors."""

    def __init__(self, source: ScreenSource, pointer: PointerReader | None) -> None:
        self.thread = threading.get_ident()
        self.source = source
        self.pointer = pointer
        self.monitors: list[dict[str, Any]] | None = None

    def close(self) -> None:
        try:
            self.source.close()
        finally:
            if self.pointer is not None:
                self.pointer.close()


class Grabber:
    """Grabs monitors with one reused ``mss.MSS``, created lazily in the thread that first grabs.

    ``display``: the X display (default ``$DISPLAY``). ``source``: a factory for the screen
    source, ``mss.MSS`` by default; tests inject fakes with chosen monitors. ``pointer``: where
    the pointer is, default an Xlib ``PointerReader`` kept for the grabbing thread.
    """

    def __init__(
        self,
        *,
        display: str | None = None,
        source: Callable[[], ScreenSource] | None = None,
        pointer: PointerSource | None = None,
    ) -> None:
        self._display = display
        self._source_factory = source
        self._pointer_source = pointer
        self._session: _Session | None = None
        self._lock = threading.RLock()

    # -- the per-thread session ------------------------------------------------------------

    def _open_source(self) -> ScreenSource:
        if self._source_factory is not None:
            return self._source_factory()
        environ = dict(os.environ)
        if self._display:
            environ["DISPLAY"] = self._display
        check_capture_possible(environ)
        import mss

        kwargs: dict[str, Any] = {"display": self._display} if self._display else {}
        try:
            return mss.MSS(**kwargs)
        except Exception as exc:  # ScreenShotError, OSError from ctypes, ...
            raise capture_error_from(exc, display=self._display) from exc

    def _current(self) -> _Session:
        session = self._session
        if session is not None and session.thread == threading.get_ident():
            return session
        if session is not None:
            log.debug("Grabber used from a new thread: reopening mss there")
            self._session = None
            try:
                session.close()
            except Exception:  # closing another thread's instance is best effort
                log.debug("closing the previous thread's mss failed", exc_info=True)
        pointer = None if self._pointer_source is not None else PointerReader(self._display)
        self._session = _Session(self._open_source(), pointer)
        return self._session

    def _read_monitors(self, session: _Session, *, refresh: bool) -> list[dict[str, Any]]:
        if refresh and session.monitors is not None:
            # mss caches its monitor list for the life of the instance: a new one re-reads it.
            session.monitors = None
            session.source.close()
            try:
                session.source = self._open_source()
            except CaptureError:
                self._session = None
                if session.pointer is not None:
                    session.pointer.close()
                raise
        if session.monitors is None:
            try:
                found = session.source.monitors
            except Exception as exc:
                raise capture_error_from(exc, display=self._display) from exc
            session.monitors = [dict(m) for m in found[1:]]
            if not session.monitors:
                raise CaptureError("screen capture failed: the display reports no monitor")
        return session.monitors

    # -- public API --------------------------------------------------------------------------

    def monitors(self, *, refresh: bool = False) -> list[dict[str, Any]]:
        """The monitors (mss ``monitors[1:]``), read once and re-read when ``refresh`` is true."""
        with self._lock:
            return list(self._read_monitors(self._current(), refresh=refresh))

    def pointer(self) -> tuple[int, int] | None:
        """Where the pointer is now, or ``None`` if that cannot be known."""
        with self._lock:
            if self._pointer_source is not None:
                return self._pointer_source()
            reader = self._current().pointer
            return reader.position() if reader is not None else None

    def monitor_at(self, x: int, y: int) -> int:
        """The 1-based mss index of the monitor containing the point; else nearest, else 1.

        A point on no known monitor re-reads the monitor list once (one may have been plugged in).
        """
        with self._lock:
            session = self._current()
            monitors = self._read_monitors(session, refresh=False)
            if monitor_containing(monitors, x, y) is None:
                monitors = self._read_monitors(session, refresh=True)
            return monitor_index_at(monitors, x, y)

    def _under_pointer(self, pointer: tuple[int, int] | None) -> int:
        where = pointer if pointer is not None else self.pointer()
        return 1 if where is None else self.monitor_at(*where)

    def grab(
        self, monitor: int | None = None, *, pointer: tuple[int, int] | None = None
    ) -> RawShot:
        """Grab one monitor's pixels.

        ``monitor`` ``None``: the monitor under ``pointer``, else under the real pointer, else 1.
        A monitor that no longer exists (unplugged since the key press) or that fails to grab
        makes the list be re-read and the monitor under the pointer be grabbed instead.
        """
        with self._lock:
            session = self._current()
            monitors = self._read_monitors(session, refresh=False)
            if monitor is None:
                monitor = self._under_pointer(pointer)
            elif not 1 <= monitor <= len(monitors):
                monitors = self._read_monitors(session, refresh=True)
                if not 1 <= monitor <= len(monitors):
                    log.info("monitor %d is gone: grabbing the one under the pointer", monitor)
                    monitor = self._under_pointer(pointer)
            try:
                return self._grab_once(session, monitor)
            except CaptureError as first:
                log.info("grab of monitor %d failed (%s): re-reading monitors", monitor, first)
                monitors = self._read_monitors(self._current(), refresh=True)
                if not 1 <= monitor <= len(monitors):
                    monitor = self._under_pointer(pointer)
                return self._grab_once(self._current(), monitor)

    def grab_all(self) -> list[RawShot]:
        """Grab every monitor, one ``RawShot`` each, in mss order (the list is re-read first)."""
        with self._lock:
            session = self._current()
            monitors = self._read_monitors(session, refresh=session.monitors is not None)
            return [
                self._grab_once(self._current(), index) for index in range(1, len(monitors) + 1)
            ]

    def grab_rect(self, left: int, top: int, width: int, height: int) -> RawShot:
        """Grab a rectangle of the desktop (root coordinates), clipped to the monitors' extent.

        ``CaptureError`` if nothing of it is on screen. ``monitor`` is the one under its centre.
        """
        with self._lock:
            session = self._current()
            monitors = self._read_monitors(session, refresh=False)
            x0 = max(left, min(int(m["left"]) for m in monitors))
            y0 = max(top, min(int(m["top"]) for m in monitors))
            x1 = min(left + width, max(int(m["left"]) + int(m["width"]) for m in monitors))
            y1 = min(top + height, max(int(m["top"]) + int(m["height"]) for m in monitors))
            if x1 <= x0 or y1 <= y0:
                raise CaptureError("screen capture failed: the window is not on any screen")
            geometry = {"left": x0, "top": y0, "width": x1 - x0, "height": y1 - y0}
            monitor = monitor_index_at(monitors, (x0 + x1) // 2, (y0 + y1) // 2)
            return self._grab_geometry(session, geometry, monitor)

    def _grab_once(self, session: _Session, monitor: int) -> RawShot:
        monitors = self._read_monitors(session, refresh=False)
        geometry = monitors[min(max(monitor, 1), len(monitors)) - 1]
        return self._grab_geometry(session, geometry, monitor)

    def _grab_geometry(self, session: _Session, geometry: dict[str, Any], monitor: int) -> RawShot:
        try:
            shot = session.source.grab(geometry)
            width, height = int(shot.size[0]), int(shot.size[1])
            bgra = shot.raw  # mss' fresh buffer, not copied
            del shot
        except Exception as exc:
            raise capture_error_from(exc, display=self._display) from exc
        return RawShot(
            bgra=bgra,
            width=width,
            height=height,
            monitor=monitor,
            left=int(geometry["left"]),
            top=int(geometry["top"]),
        )

    def close(self) -> None:
        """Release mss and the pointer connection. Safe to call twice; the next grab reopens."""
        with self._lock:
            session, self._session = self._session, None
            if session is not None:
                session.close()

    def __enter__(self) -> Grabber:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
