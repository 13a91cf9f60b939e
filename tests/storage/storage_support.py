"""Helpers for storage tests: file fingerprints, real PNGs, read-only remounts."""

from __future__ import annotations

import hashlib
import io
import random
import sqlite3
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from incident_recorder.domain import NewCapture


def fingerprint(path: Path) -> tuple[str | None, list[str]]:
    """sha256 of the file (None if absent or a folder) and the names next to it that share its stem.

    Comparing fingerprints before and after proves a file byte-for-byte unchanged and that no
    -wal/-shm/-journal file was left behind.
    """
    digest = None
    if path.is_file():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    siblings = sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))
    return digest, siblings


def png_bytes(width: int, height: int, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    image.putpixel((0, 0), (1, 2, 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def new_capture(width: int = 64, height: int = 48, title: str | None = "Grafana") -> NewCapture:
    png = png_bytes(width, height)
    return NewCapture(
        png=png,
        thumbnail_png=png_bytes(16, 12, (0, 0, 255)),
        width=width,
        height=height,
        sha256=hashlib.sha256(png).hexdigest(),
        monitor=1,
        window_title=title,
    )


def remount_readonly(point: Path) -> None:
    result = subprocess.run(
        ["mount", "-o", "remount,ro", str(point)], capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.skip(f"remounting read-only is not permitted here: {result.stderr.strip()}")


def pages_of(path: Path, name: str, pagetype: str = "leaf") -> list[int]:
    """The numbers of the pages of table or index `name` of that type (SQLite's dbstat)."""
    conn = sqlite3.connect(path)  # read-write: a mode=ro connection would leave -wal/-shm
    try:
        return [
            int(pageno)
            for (pageno,) in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno",
                (name, pagetype),
            )
        ]
    finally:
        conn.close()


def damage_page(path: Path, name: str, seed: int = 7, pagetype: str = "leaf") -> int:
    """Overwrite a middle page of `name` (a leaf of old rows) with random bytes; its number.

    The file must be checkpointed (closed): the page is changed in the main file itself.
    """
    pages = pages_of(path, name, pagetype)
    assert pages, f"{name} has no {pagetype} page in {path}"
    number = pages[len(pages) // 2]
    conn = sqlite3.connect(path)  # read-write: a mode=ro connection would leave -wal/-shm
    try:
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
    with open(path, "r+b") as handle:
        handle.seek((number - 1) * size)  # pages are numbered from 1
        handle.write(random.Random(seed).randbytes(size))
    return number
