"""Turning a grabbed ``RawShot`` into a ``NewCapture``: PNG bytes, a PNG thumbnail, a SHA-256.

The full image is written at zlib level 1 by ``capture.png`` (in parallel bands, about four
times faster than Pillow's encoder, files about the same size); the thumbnail is made and written
with Pillow meanwhile. Runs in the capture worker thread, never on the UI thread. Large screens
(8K) work; besides the grab, each band holds its own RGB rows and scanlines only while it is
being compressed.
"""

from __future__ import annotations

import hashlib
import io

from PIL import Image

from incident_recorder.capture.errors import CaptureError
from incident_recorder.capture.grabber import RawShot
from incident_recorder.capture.png import start_png
from incident_recorder.domain.entry import NewCapture

#: zlib level for the full-size PNG: 1 is the fast end (22 ms at 1080p on the reference machine).
PNG_LEVEL = 1
#: zlib level for the thumbnail: small, so compress it properly.
THUMB_LEVEL = 6


def encode(
    shot: RawShot,
    *,
    window_title: str | None = None,
    thumb_size: tuple[int, int] = (320, 180),
) -> NewCapture:
    """Encode a grabbed monitor as PNG with a thumbnail that fits ``thumb_size``.

    Raises ``CaptureError`` if the machine runs out of memory (a very large screen on a small
    machine); ``ValueError`` for a ``thumb_size`` that is not two positive numbers.
    """
    if len(thumb_size) != 2 or min(thumb_size) < 1:
        raise ValueError(f"thumb_size must be two positive numbers, not {thumb_size!r}")
    size = (shot.width, shot.height)
    try:
        # The full PNG is written in bands on the encoder threads while this thread makes
        # the thumbnail: the two overlap, and zlib and Pillow release the GIL meanwhile.
        png_bands = start_png(shot.bgra, shot.width, shot.height, PNG_LEVEL)
        image = Image.frombuffer("RGB", size, shot.bgra, "raw", "BGRX", 0, 1)
        # In place: reduce() then a bicubic resize; the full-size pixels are released here.
        image.thumbnail(thumb_size, Image.Resampling.BICUBIC, reducing_gap=2.0)
        thumb = io.BytesIO()
        image.save(thumb, format="PNG", compress_level=THUMB_LEVEL)
        del image
        png = png_bands.result()
    except MemoryError as exc:
        raise CaptureError(
            f"not enough memory to encode a {shot.width}x{shot.height} screen capture"
        ) from exc
    return NewCapture(
        png=png,
        thumbnail_png=thumb.getvalue(),
        width=shot.width,
        height=shot.height,
        sha256=hashlib.sha256(png).hexdigest(),
        monitor=shot.monitor,
        window_title=window_title,
    )
