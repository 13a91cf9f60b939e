"""Capture errors: one exception type with one clear line, and the checks that produce it.

Everything that can go wrong while grabbing the screen (no display, a Wayland session, missing
XCB libraries, a monitor unplugged at the wrong moment, an X protocol error) reaches the caller as
a ``CaptureError`` whose message is fit to show a user as it is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

#: What mss needs on Debian/Ubuntu (see docs: a missing one shows as "Library libxcb.so not found").
XCB_PACKAGES = "libxcb1 libxcb-render0 libxcb-shm0 libxcb-randr0 libxcb-xfixes0"

NO_DISPLAY = "no display: screen capture needs an X11 session (DISPLAY is not set)"
WAYLAND = (
    "Wayland session: screen capture is not supported yet (it needs X11; under XWayland the "
    "images come out black)"
)


class CaptureError(Exception):
    """A screen capture that cannot be done, explained in one line fit to show a user."""


def is_x11_platform(platform: str = sys.platform) -> bool:
    """True where mss captures through X11 (Linux and the BSDs), False on Windows and macOS."""
    return not (platform.startswith(("win", "cygwin", "msys")) or platform == "darwin")


def check_capture_possible(
    environ: Mapping[str, str] = os.environ, *, platform: str = sys.platform
) -> None:
    """Raise ``CaptureError`` when the session cannot be captured; do nothing when it can.

    Only the environment is read (no connection is made), so this is cheap enough to call before
    every capture. On Windows and macOS there is nothing to check.
    """
    if not is_x11_platform(platform):
        return
    if environ.get("XDG_SESSION_TYPE", "").lower() == "wayland" or environ.get("WAYLAND_DISPLAY"):
        # mss grabs through X11 only; under XWayland it returns black images (python-mss #155).
        raise CaptureError(WAYLAND)
    if not environ.get("DISPLAY"):
        raise CaptureError(NO_DISPLAY)


def first_line(text: str) -> str:
    """The first non-empty line of ``text`` (X protocol errors span several lines)."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def capture_error_from(exc: BaseException, *, display: str | None = None) -> CaptureError:
    """Translate an mss, Xlib or OS exception into a ``CaptureError`` with a clear message.

    ``display`` is the X display that was used (``None``: ``$DISPLAY``); it is named in the
    message when the connection fails.
    """
    if isinstance(exc, CaptureError):
        return exc
    message = first_line(str(exc))
    lowered = message.lower()
    if "cannot connect to display" in lowered or "can't connect to display" in lowered:
        name = display or os.environ.get("DISPLAY")
        if not name:
            return CaptureError(NO_DISPLAY)
        return CaptureError(
            f"no display: cannot connect to X display {name!r} (is the X session still running?)"
        )
    if "library" in lowered and "not found" in lowered:
        return CaptureError(
            f"screen capture needs the XCB libraries ({message}): "
            f"on Debian/Ubuntu run apt-get install {XCB_PACKAGES}"
        )
    if isinstance(exc, MemoryError):
        return CaptureError("screen capture failed: not enough memory for an image this large")
    kind = type(exc).__name__
    return CaptureError(f"screen capture failed: {message or kind}")
