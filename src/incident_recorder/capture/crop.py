"""Cutting a rectangle out of an already grabbed ``RawShot``, without grabbing again.

Region capture freezes the screen at the key press and lets the user choose a rectangle on that
frozen copy afterwards: the pixels recorded are the ones of the key press, cut from the frame
here, in the capture worker thread. Pure bytes, no Qt.
"""

from __future__ import annotations

from incident_recorder.capture.errors import CaptureError
from incident_recorder.capture.grabber import RawShot


def clip_rect(
    shot: RawShot, x: int, y: int, width: int, height: int
) -> tuple[int, int, int, int] | None:
    """The part of the rectangle (pixels of ``shot``) inside the shot; ``None`` if nothing."""
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(shot.width, x + width), min(shot.height, y + height)
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1 - x0, y1 - y0


def crop(shot: RawShot, x: int, y: int, width: int, height: int) -> RawShot:
    """The rectangle (in the shot's own pixels, clipped to it) as a new ``RawShot``.

    ``left``/``top`` of the result are desktop coordinates; ``monitor`` is the shot's.
    ``CaptureError`` if the rectangle lies entirely outside the shot.
    """
    clipped = clip_rect(shot, x, y, width, height)
    if clipped is None:
        raise CaptureError(
            f"the region {width}×{height} at ({x}, {y}) is outside the "
            f"{shot.width}×{shot.height} screen"
        )
    x0, y0, w, h = clipped
    if (x0, y0, w, h) == (0, 0, shot.width, shot.height):
        return shot
    stride = shot.width * 4
    view = memoryview(shot.bgra)
    start = x0 * 4
    rows = [
        view[(y0 + row) * stride + start : (y0 + row) * stride + start + w * 4] for row in range(h)
    ]
    return RawShot(
        bgra=b"".join(rows),
        width=w,
        height=h,
        monitor=shot.monitor,
        left=shot.left + x0,
        top=shot.top + y0,
    )
