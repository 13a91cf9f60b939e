"""A fingerprint of a grabbed frame that ignores given rectangles (the recorder's own windows).

Interval capture drops a frame identical to the last one it saved. The recorder's own window is
often on the captured monitor, and it changes after every frame (a status line, a new row), so
the frames are compared with those rectangles blanked: what counts is whether *the rest of the
screen* changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from incident_recorder.capture.grabber import RawShot

Rect = tuple[int, int, int, int]
"""x, y, width, height in desktop pixels."""


def frame_fingerprint(shot: RawShot, ignore: Iterable[Rect] = ()) -> str:
    """SHA-256 of the frame's pixels with the parts inside `ignore` set to zero."""
    stride = shot.width * 4
    pixels: bytes | bytearray = shot.bgra if isinstance(shot.bgra, bytes) else bytes(shot.bgra)
    blanked: bytearray | None = None
    for x, y, width, height in ignore:
        left = max(x - shot.left, 0)
        top = max(y - shot.top, 0)
        right = min(x + width - shot.left, shot.width)
        bottom = min(y + height - shot.top, shot.height)
        if left >= right or top >= bottom:
            continue
        if blanked is None:
            blanked = bytearray(pixels)
        row = bytes((right - left) * 4)
        for line in range(top, bottom):
            start = line * stride + left * 4
            blanked[start : start + len(row)] = row
    return hashlib.sha256(blanked if blanked is not None else pixels).hexdigest()
