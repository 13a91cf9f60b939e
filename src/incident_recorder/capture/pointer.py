"""Where the mouse pointer is, through python-xlib ``query_pointer`` on the X display.

``PointerReader`` keeps one Xlib connection for the thread that owns it (opening one costs about
10 ms, a query about 0.2 ms); ``pointer_position()`` opens, asks and closes, for one-off use such
as the command line. Both answer ``None`` when the position cannot be known (no X display,
Windows, macOS, python-xlib missing): callers then fall back to the primary monitor.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from incident_recorder.capture.errors import is_x11_platform

_T = TypeVar("_T")
_R = TypeVar("_R", bound="XReader")


def _close_sockets_left_by(exc: BaseException) -> None:
    """Close the sockets python-xlib opened and dropped while failing to connect.

    python-xlib leaves half-made sockets in the frames of a failed connection attempt; closing
    them here avoids a ``ResourceWarning`` (and an fd held until the next garbage collection).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb: TracebackType | None = current.__traceback__
        while tb is not None:
            for value in list(tb.tb_frame.f_locals.values()):
                if isinstance(value, socket.socket):
                    value.close()
            tb = tb.tb_next
        current = current.__context__ or current.__cause__


def _open_display(display: str | None) -> Any | None:
    """An ``Xlib.display.Display``, or ``None`` if none can be opened here."""
    if not is_x11_platform():
        return None
    try:
        from Xlib import display as xdisplay
    except ImportError:
        return None
    try:
        return xdisplay.Display(display)
    except Exception as exc:  # DisplayNameError, DisplayConnectionError, XauthError, OSError
        _close_sockets_left_by(exc)
        return None


def _query(connection: Any) -> tuple[int, int]:
    reply = connection.screen().root.query_pointer()
    return int(reply.root_x), int(reply.root_y)


class XReader:
    """Asks the X server something over one connection, opened lazily and reopened after a
    failure (display gone, server reset); ``close`` closes it. One thread only."""

    def __init__(self, display: str | None = None) -> None:
        self._display_name = display
        self._connection: Any | None = None

    def _ask(self, query: Callable[[Any], _T]) -> _T | None:
        if self._connection is None:
            self._connection = _open_display(self._display_name)
            if self._connection is None:
                return None
        try:
            return query(self._connection)
        except Exception:  # connection lost, or what was asked about vanished: reopen next time
            self.close()
            return None

    def close(self) -> None:
        """Close the connection, if open. Safe to call more than once."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()

    def __enter__(self: _R) -> _R:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class PointerReader(XReader):
    """Reads the pointer position (``Grabber`` keeps one per thread)."""

    def position(self) -> tuple[int, int] | None:
        """The pointer's root-window coordinates, or ``None`` if unavailable."""
        return self._ask(_query)


def pointer_position(display: str | None = None) -> tuple[int, int] | None:
    """The pointer's position on ``display`` (default ``$DISPLAY``), or ``None`` if unavailable.

    Opens and closes its own connection (about 10 ms): for repeated queries, use a
    ``PointerReader`` (a ``Grabber`` does).
    """
    with PointerReader(display) as reader:
        return reader.position()
