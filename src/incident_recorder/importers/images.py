"""Images brought in from outside (pasted, dropped) turned into a ``NewCapture``. No Qt.

Pillow decodes the file or bytes, the image is normalised to an RGB or RGBA PNG with a
thumbnail that fits 320×180 (as ``capture.encode`` does for screen grabs) and a SHA-256.
Anything that is not an image, is damaged, or is too large raises ``ImageImportError`` with a
message fit to show the user. Runs in a worker thread, never on the UI thread.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from incident_recorder.domain import image_bytes
from incident_recorder.domain.entry import NewCapture
from incident_recorder.storage.guard import open_here

if TYPE_CHECKING:
    from PIL import Image

MAX_BYTES = 200 * 1024 * 1024
"""Largest image file (or pasted data) recorded."""
MAX_PIXELS = image_bytes.MAX_PIXELS
"""Largest image recorded, in pixels (a 7680×4320 screen is 33 megapixels)."""
THUMB_SIZE = (320, 180)
PNG_LEVEL = 1
THUMB_LEVEL = 6


class ImageImportError(ValueError):
    """The input cannot be recorded; the message says why, naming the input."""


def capture_from_file(path: Path) -> NewCapture:
    """Read an image file; ``ImageImportError`` when it is not one, is damaged or too large."""
    if open_here(path):  # reading it would drop this process's SQLite locks (storage/guard.py)
        raise ImageImportError(
            f"{path.name} is part of an incident open in this program, not an image: "
            "nothing was recorded"
        )
    from incident_recorder.importers.common import ImportFailed
    from incident_recorder.importers.files import Budget, read_named

    try:  # a regular file only (a link to one is fine: it was picked in a window), capped
        data = read_named(path, Budget(MAX_BYTES, MAX_BYTES), follow=True)
    except ImportFailed as failed:
        raise ImageImportError(_image_problem(failed.problems[0], path.name)) from None
    return capture_from_bytes(data, path.name)


def _image_problem(problem: str, name: str) -> str:
    if "too large" in problem:
        return f"too large to record: {name} is over {MAX_BYTES // 1024 // 1024} MB"
    shown = problem.removeprefix("the file: ").replace(": not read", "")
    return f"{name}: {shown}: nothing was recorded"


def capture_from_bytes(data: bytes, name: str) -> NewCapture:
    """Decode image bytes (any format Pillow reads) named ``name`` in messages."""
    if len(data) > MAX_BYTES:
        raise ImageImportError(
            f"too large to record: {name} is {len(data) / 1024 / 1024:.0f} MB "
            f"(at most {MAX_BYTES // 1024 // 1024} MB)"
        )
    from PIL import Image, UnidentifiedImageError  # Pillow: loaded on the first import only

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise ImageImportError(f"too large to record: {name} ({error})") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageImportError(f"{name} is not an image") from error
    _check_pixels(image.width, image.height, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
    except MemoryError as error:
        raise ImageImportError(f"too large to record: {name} (out of memory)") from error
    except Exception as error:  # Pillow raises many kinds for damaged data
        raise ImageImportError(f"{name} is a damaged image ({error})") from error
    return capture_from_image(image)


def capture_from_image(image: Image.Image, window_title: str | None = None) -> NewCapture:
    """Encode a decoded image as PNG + thumbnail + SHA-256 (RGB, or RGBA when it has alpha)."""
    from PIL import Image

    _check_pixels(image.width, image.height, "the image")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    try:
        if image.mode != mode:
            image = image.convert(mode)
        full = io.BytesIO()
        image.save(full, format="PNG", compress_level=PNG_LEVEL)
        thumb_image = image.copy()
        thumb_image.thumbnail(THUMB_SIZE, Image.Resampling.BICUBIC, reducing_gap=2.0)
        thumb = io.BytesIO()
        thumb_image.save(thumb, format="PNG", compress_level=THUMB_LEVEL)
    except MemoryError as error:
        raise ImageImportError(
            f"too large to record: {image.width}×{image.height} (out of memory)"
        ) from error
    png = full.getvalue()
    return NewCapture(
        png=png,
        thumbnail_png=thumb.getvalue(),
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(png).hexdigest(),
        window_title=window_title,
    )


def _check_pixels(width: int, height: int, name: str) -> None:
    if width * height > MAX_PIXELS:
        raise ImageImportError(
            f"too large to record: {name} is {width}×{height} "
            f"({width * height / 1e6:.0f} megapixels, at most {MAX_PIXELS // 1_000_000})"
        )
    if width < 1 or height < 1:
        raise ImageImportError(f"{name} is an empty image")
