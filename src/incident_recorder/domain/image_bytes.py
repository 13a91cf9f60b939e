"""What kind of image a capture's bytes are: told by their first bytes, never by a name.

The captures table's ``png`` column holds PNG bytes, or JPEG bytes for a capture taken with the
JPEG capture format (a setting; the schema did not change: see docs/incident-file.md). Every
reader of capture bytes asks ``image_kind`` here rather than assuming PNG: the report's file
names (``.png`` / ``.jpg``), the JSON import's choice to keep the bytes as they are.
"""

from __future__ import annotations

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
SUFFIXES = {"png": ".png", "jpeg": ".jpg"}
"""The file name suffix of each kind."""
MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}


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
