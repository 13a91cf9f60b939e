"""What kind of image a capture's bytes are: told by their first bytes, never by a name.

The captures table's ``png`` column holds PNG bytes, or JPEG bytes for a capture taken with the
JPEG capture format (a setting; the schema did not change: see docs/incident-file.md). Every
reader of capture bytes asks ``image_kind`` here rather than assuming PNG: the report's file
names (``.png`` / ``.jpg``), the JSON import's choice to keep the bytes as they are.

Image bytes from a file are input from someone else: a few KB of PNG can declare 30000×30000
pixels (3.6 GB once decoded). ``image_size`` reads the size an image declares from its header
alone, and ``size_problem`` says why an image must not be decoded: not a PNG or JPEG, no
readable size, or more pixels than the cap for its use — ``MAX_PIXELS`` for a capture,
``THUMBNAIL_MAX_PIXELS`` for a thumbnail (small by construction). Every decoder of image bytes
from a file (Qt or Pillow) asks first and never decodes what it refuses.
"""

from __future__ import annotations

import struct

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
SUFFIXES = {"png": ".png", "jpeg": ".jpg"}
"""The file name suffix of each kind."""
MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}
MAX_PIXELS = 100_000_000
"""Largest capture decoded or recorded, in pixels (a 7680×4320 screen is 33 megapixels)."""
THUMBNAIL_MAX_PIXELS = 640 * 640
"""Largest thumbnail decoded: ours fit 320×180; four times the area of a 320×320 one is room
enough for any made by another version, and 1.6 MB once decoded."""
TOO_LARGE = "too large"
"""How `size_problem` starts its reason when the size, not the data, is the problem."""
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
"""JPEG start-of-frame markers (the ones that carry the image size)."""
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})
"""JPEG markers without a length (TEM, RST0-7, SOI)."""


def image_kind(data: bytes) -> str | None:
    """The kind of ``data`` by its first bytes: "png", "jpeg", or None for anything else."""
    if data.startswith(PNG_MAGIC):
        return "png"
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    return None


def image_suffix(data: bytes) -> str:
    """'.jpg' for JPEG bytes, else '.png' (what every capture was before the JPEG format)."""
    return SUFFIXES.get(image_kind(data) or "png", ".png")


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) as a PNG's IHDR or a JPEG's first frame header declares it, reading
    nothing else; None when ``data`` is neither or its header is cut or malformed."""
    kind = image_kind(data)
    if kind == "png":
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if kind == "jpeg":
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _STANDALONE:
            position += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before it
            return None
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if length < 2:
            return None
        if marker in _SOF:
            if length < 7 or position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        position += 2 + length
    return None


def size_problem(data: bytes, max_pixels: int = MAX_PIXELS) -> str | None:
    """Why ``data`` must not be decoded (one line), or None when it declares a sane size."""
    kind = image_kind(data)
    if kind is None:
        return "not a PNG or JPEG image"
    size = image_size(data)
    if size is None:
        return f"a damaged {kind.upper()} image (no readable size)"
    width, height = size
    if width < 1 or height < 1:
        return f"an empty image ({width}×{height})"
    if width * height > max_pixels:
        return (
            f"{TOO_LARGE}: it declares {width}×{height} pixels "
            f"({width * height:,}, at most {max_pixels:,} here)"
        )
    return None
