"""A capture the PDF cannot show — bytes that are no image, a PNG declaring 40000×40000 pixels —
is named where it would have been and in the export's messages; the rest of the PDF is written,
its good captures shown. Runs the real `incident-recorder export --format pdf` and reads the PDF
back with poppler's pdftotext and pdfimages."""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import struct
import subprocess
import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from incident_recorder.domain import NewCapture
from incident_recorder.storage import IncidentFile

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfimages") is None,
    reason="poppler-utils (pdftotext, pdfimages) is not installed",
)
AT = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def png(width: int, height: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3)).save(out, "PNG")
    return out.getvalue()


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def declared_huge_png(side: int = 40000) -> bytes:
    """A few hundred bytes of PNG whose header declares side×side pixels (RGBA)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    rows = zlib.compress(b"\x00" + b"\x00" * 4 * 16, 9)  # far less data than declared
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def capture(data: bytes, width: int, height: int) -> NewCapture:
    return NewCapture(data, png(8, 6), width, height, hashlib.sha256(data).hexdigest())


def test_bad_captures_are_named_and_the_rest_rendered(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    garbage = random.Random(5).randbytes(3000)
    with IncidentFile.create(path, "Checkout outage") as handle:
        handle.add_capture(capture(png(320, 200), 320, 200), AT.replace(minute=1),
                           text="Grafana latency")  # fmt: skip
        handle.add_capture(capture(garbage, 640, 480), AT.replace(minute=2), text="Garbled shot")
        handle.add_capture(capture(declared_huge_png(), 40000, 40000), AT.replace(minute=3),
                           text="Bomb shot")  # fmt: skip
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "export", str(path), "--format", "pdf",
         "--out", str(out), "--tz", "UTC"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pdf = out / "report.pdf"
    assert pdf.is_file()

    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Capture at 14:02:00 UTC — 640×480: not shown in this PDF: not a readable image" in flat
    assert "Capture at 14:03:00 UTC — 40000×40000: not shown in this PDF: too large" in flat
    assert "Grafana latency" in flat and "Garbled shot" in flat and "Bomb shot" in flat

    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    sizes = {(int(line.split()[3]), int(line.split()[4])) for line in images}
    assert (320, 200) in sizes  # the good capture is in the PDF, at its own pixels

    warnings = [line for line in result.stderr.splitlines() if "not shown" in line]
    assert len(warnings) == 2, result.stderr
    assert "“Capture at 14:02:00 UTC — 640×480”" in warnings[0]
    assert "not a readable image" in warnings[0]
    assert "“Capture at 14:03:00 UTC — 40000×40000”" in warnings[1]
    assert "too large" in warnings[1]
