"""Crafted incident files: what a hostile sender could mail, written by the test itself.

Each file is a real incident file created through `IncidentFile.create` and closed; the
crafted rows are then inserted with plain sqlite3 (the tables are append-only by trigger, and
inserts are allowed), exactly as another program could. Images are built here too: a PNG that
declares any size while holding a few KB (`bomb_png`), and plain small PNGs.
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct
import zlib
from pathlib import Path

from incident_recorder.storage import IncidentFile

WHEN = "2026-11-27T14:00:00.000Z"


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def bomb_png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of `width`×`height` black pixels: a few KB on disk, width ×
    height pixels (×4 bytes in Qt) once decoded."""
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte, then the packed pixels
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def solid_png(width: int, height: int, grey: int = 128) -> bytes:
    """A valid 8-bit greyscale PNG of one shade (`grey`): another small, real image."""
    row = b"\x00" + bytes([grey]) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * height, 9))
        + _chunk(b"IEND", b"")
    )


def new_file(path: Path, title: str = "Received incident") -> Path:
    """A real, empty incident file at `path`, closed."""
    IncidentFile.create(path, title).close()
    return path


def add_action_item(path: Path, item: int, ticket: str, description: str = "Fix it") -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO action_items (item, revision, description, status, type, ticket, "
            "saved_at) VALUES (?, 1, ?, 'open', 'prevent', ?, ?)",
            (item, description, ticket, WHEN),
        )
    conn.close()


def add_capture_entry(
    path: Path,
    png: bytes,
    *,
    thumbnail: bytes | None = None,
    size: tuple[int, int] | None = None,
    sha256: str | None = None,
    text: str = "",
    occurred_at: str = WHEN,
) -> int:
    """Insert a capture and an observation entry showing it; the entry's id.

    `sha256` defaults to the real hash of `png` (pass another to lie), `size` to (1, 1),
    `thumbnail` to `png`.
    """
    width, height = size or (1, 1)
    digest = sha256 if sha256 is not None else hashlib.sha256(png).hexdigest()
    with sqlite3.connect(path) as conn:
        capture_id = conn.execute(
            "INSERT INTO captures (png, thumbnail, width, height, monitor, sha256, "
            "window_title, captured_at) VALUES (?, ?, ?, ?, NULL, ?, NULL, ?)",
            (png, png if thumbnail is None else thumbnail, width, height, digest, occurred_at),
        ).lastrowid
        entry_id = conn.execute(
            "INSERT INTO entries (kind, text, occurred_at, recorded_at, source, capture_id) "
            "VALUES ('observation', ?, ?, ?, 'gui', ?)",
            (text, occurred_at, occurred_at, capture_id),
        ).lastrowid
    conn.close()
    assert entry_id is not None
    return entry_id
