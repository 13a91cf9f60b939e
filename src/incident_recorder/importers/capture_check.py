"""Checking a capture read from another incident file before it goes into a new one.

Nothing stored in a received file is trusted: its SHA-256 column is only a claim. A capture is
taken only if its bytes hash to the SHA-256 recorded with it, are a PNG or JPEG whose header
declares the recorded width and height within MAX_PIXELS, and decode in full (so every export of
the result can render it). Anything else is quarantined: `check_capture` returns the reason
instead of the capture, and the caller keeps the entry without it. A thumbnail that is damaged
or declares more than a thumbnail's pixels is made again from the checked image. No Qt.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from incident_recorder.domain.entry import CaptureInfo, NewCapture
from incident_recorder.domain.image_bytes import THUMBNAIL_MAX_PIXELS, image_size, size_problem
from incident_recorder.importers.images import THUMB_LEVEL, THUMB_SIZE


def check_capture(
    info: CaptureInfo, png: bytes, thumbnail: bytes
) -> tuple[NewCapture | None, str | None]:
    """(the capture to store, None), or (None, why it is quarantined) — one line."""
    if hashlib.sha256(png).hexdigest() != info.sha256.strip().lower():
        return None, "its image does not match the SHA-256 recorded with it"
    problem = size_problem(png)
    if problem is not None:
        return None, f"its image is {problem}"
    if image_size(png) != (info.width, info.height):
        width, height = image_size(png) or (0, 0)
        return None, (
            f"its image is {width}×{height}, not the {info.width}×{info.height} recorded with it"
        )
    from PIL import Image  # Pillow: loaded when a merge has captures

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # sized above
            with Image.open(io.BytesIO(png)) as image:
                image.load()
                if size_problem(thumbnail, THUMBNAIL_MAX_PIXELS) is not None:
                    thumbnail = _thumbnail(image)
    except Exception as error:  # Pillow raises many kinds for damaged data
        return None, f"its image cannot be decoded ({type(error).__name__}: {error})"
    return (
        NewCapture(
            png=png,
            thumbnail_png=thumbnail,
            width=info.width,
            height=info.height,
            sha256=hashlib.sha256(png).hexdigest(),
            monitor=info.monitor,
            window_title=info.window_title,
        ),
        None,
    )


def _thumbnail(image: object) -> bytes:
    from PIL import Image

    assert isinstance(image, Image.Image)
    small = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    small.thumbnail(THUMB_SIZE, Image.Resampling.BICUBIC, reducing_gap=2.0)
    out = io.BytesIO()
    small.save(out, format="PNG", compress_level=THUMB_LEVEL)
    return out.getvalue()
