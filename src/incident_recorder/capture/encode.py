"""Turning a grabbed ``RawShot`` into a ``NewCapture``: image bytes, a PNG thumbnail, a SHA-256.

The full image is PNG by default (the capture-format setting): written at zlib level 1 by
``capture.png`` (in parallel bands, about four times faster than Pillow's encoder, files about
the same size); the thumbnail is made and written with Pillow meanwhile. With ``fmt="jpeg"`` it
is a baseline JPEG written by Pillow at ``quality`` with full-resolution colour (4:4:4, so the
edges of coloured text stay sharp), several times smaller than the PNG of a busy screen; the
captures table's ``png`` column then holds those JPEG bytes, and every reader tells the two
apart by their first bytes (``domain.image_bytes.image_kind``). Thumbnails are always PNG.

Runs in the capture worker thread, never on the UI thread. Large screens (8K) work; besides the
grab, each PNG band holds its own RGB rows and scanlines only while it is being compressed.
"""

from __future__ import annotations

import hashlib
import io

from PIL import Image

from incident_recorder.capture.errors import CaptureError
from incident_recorder.capture.grabber import RawShot
from incident_recorder.capture.png import start_png
from incident_recorder.domain.entry import NewCapture
from incident_recorder.domain.image_bytes import image_kind

#: zlib level for the full-size PNG: 1 is the fast end (22 ms at 1080p on the reference machine).
PNG_LEVEL = 1
#: zlib level for the thumbnail: small, so compress it properly.
THUMB_LEVEL = 6
FORMATS = ("png", "jpeg")
"""The capture formats (settings.CAPTURE_FORMATS)."""

__all__ = ["FORMATS", "encode", "image_kind"]


def encode(
    shot: RawShot,
    *,
    window_title: str | None = None,
    thumb_size: tuple[int, int] = (320, 180),
    fmt: str = "png",
    quality: int = 85,
) -> NewCapture:
    """Encode a grabbed monitor as PNG (or JPEG at ``quality``, for ``fmt="jpeg"``) with a PNG
    thumbnail that fits ``thumb_size``.

    Raises ``CaptureError`` if the machine runs out of memory (a very large screen on a small
    machine); ``ValueError`` for a ``thumb_size`` that is not two positive numbers, an unknown
    ``fmt`` or a ``quality`` outside 1–100.
    """
    if len(thumb_size) != 2 or min(thumb_size) < 1:
        raise ValueError(f"thumb_size must be two positive numbers, not {thumb_size!r}")
    if fmt not in FORMATS:
        raise ValueError(f"capture format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not 1 <= quality <= 100:
        raise ValueError(f"JPEG quality must be from 1 to 100, not {quality!r}")
    size = (shot.width, shot.height)
    try:
        image = Image.frombuffer("RGB", size, shot.bgra, "raw", "BGRX", 0, 1)
        if fmt == "jpeg":
            full = io.BytesIO()  # Pillow's JPEG encoder releases the GIL while it works
            image.save(full, format="JPEG", quality=quality, subsampling=0)
            png_bands = None
        else:
            # The full PNG is written in bands on the encoder threads while this thread makes
            # the thumbnail: the two overlap, and zlib and Pillow release the GIL meanwhile.
            png_bands = start_png(shot.bgra, shot.width, shot.height, PNG_LEVEL)
        # In place: reduce() then a bicubic resize; the full-size pixels are released here.
        image.thumbnail(thumb_size, Image.Resampling.BICUBIC, reducing_gap=2.0)
        thumb = io.BytesIO()
        image.save(thumb, format="PNG", compress_level=THUMB_LEVEL)
        del image
        png = png_bands.result() if png_bands is not None else full.getvalue()
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
