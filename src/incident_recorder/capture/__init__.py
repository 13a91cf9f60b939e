"""Screen capture: mss grab → PNG (or JPEG) bytes and a PNG thumbnail. No Qt; off the UI thread.

The GUI's capture worker keeps one ``Grabber`` for its thread and calls ``grab`` then
``encode``; the command line calls ``capture_now``. Every failure is a ``CaptureError`` whose
message can be shown to the user as it is.
"""

from __future__ import annotations

from incident_recorder.capture.encode import encode, image_kind
from incident_recorder.capture.errors import CaptureError, check_capture_possible
from incident_recorder.capture.grabber import Grabber, RawShot
from incident_recorder.capture.pointer import PointerReader, pointer_position
from incident_recorder.capture.window import ActiveWindow, ActiveWindowReader, active_window_title
from incident_recorder.domain.entry import NewCapture

__all__ = [
    "ActiveWindow",
    "ActiveWindowReader",
    "CaptureError",
    "Grabber",
    "active_window_title",
    "PointerReader",
    "RawShot",
    "capture_now",
    "check_capture_possible",
    "encode",
    "image_kind",
    "pointer_position",
]


def capture_now(
    grabber: Grabber,
    *,
    monitor: int | None = None,
    pointer: tuple[int, int] | None = None,
    window_title: str | None = None,
    fmt: str = "png",
    quality: int = 85,
) -> NewCapture:
    """Check the session, grab a monitor (default: the one under the pointer) and encode it
    (as PNG, or JPEG at ``quality`` for ``fmt="jpeg"``)."""
    check_capture_possible()
    shot = grabber.grab(monitor, pointer=pointer)
    return encode(shot, window_title=window_title, fmt=fmt, quality=quality)
