"""The PDF's images, judged before they are laid out: sized from their header, never trusted.

A capture comes from an incident file, which may come from anywhere: its bytes may not be an
image at all, or declare 40000×40000 pixels (Qt refuses to decode an image above its allocation
limit and would leave a blank space without a word). `image_size` reads the size from the
header and raises `Unshowable` with the reason for such an image; the PDF then shows a line
naming the capture (`unshown_html`) in its place and says so in the export's messages, and
renders the rest. An image whose header reads well but whose data does not decode is painted as
a box with the same words (`unshown_image`).
"""

from __future__ import annotations

import html as html_lib
import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QImageReader, QPainter

from incident_recorder.domain.image_bytes import MAX_PIXELS, TOO_LARGE, size_problem

LOGICAL_DPI = 96.0
LOG = logging.getLogger("incident_recorder.pdf")
"""Where the PDF tells what it left out; without logging set up (the CLI), each message is one
line on stderr."""


class Unshowable(ValueError):
    """An image the PDF cannot show; str() says why, in words for people."""


def image_size(data: bytes) -> QSizeF:
    """An image's size in logical pixels from its header (nothing decoded); Unshowable if it is
    not a readable image or is too large to decode."""
    problem = size_problem(data)  # the header, read by us: PNG or JPEG, within MAX_PIXELS
    if problem is not None:
        raise Unshowable(problem if problem.startswith(TOO_LARGE) else "not a readable image")
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if not reader.canRead() or not size.isValid() or size.isEmpty():
        raise Unshowable("not a readable image")
    pixels = size.width() * size.height()
    limit_mb = QImageReader.allocationLimit()
    if pixels > MAX_PIXELS or (limit_mb and pixels * 4 > limit_mb * 1024 * 1024):
        raise Unshowable(
            f"too large to show ({size.width()}×{size.height()} pixels, "
            f"{pixels / 1e6:.0f} megapixels; at most {MAX_PIXELS // 1_000_000})"
        )
    # A picture drawn at 2× says so in its PNG density (the timeline PNG: 192 dpi) and is
    # shown at its 1× size; other images at one pixel per logical pixel.
    # (QImageReader gives the density only by decoding: read the PNG's pHYs chunk instead.)
    density = _png_dots_per_metre(data) * 0.0254
    ratio = min(4.0, max(1.0, density / LOGICAL_DPI))
    return QSizeF(size.width() / ratio, size.height() / ratio)


def _png_dots_per_metre(data: bytes) -> float:
    """The horizontal density of a PNG's pHYs chunk (dots per metre), or 0."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return 0.0
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        if kind == b"pHYs" and length >= 9:
            body = data[position + 8 : position + 17]
            return float(int.from_bytes(body[0:4], "big")) if body[8] == 1 else 0.0
        if kind in (b"IDAT", b"IEND"):
            return 0.0
        position += 12 + length
    return 0.0


def describe(name: str, alt: str) -> str:
    """How a message names an image: its caption ('Capture at 14:03:22 UTC — 1920×1080', which
    gives the entry's time) and its file."""
    return f"“{alt}” ({name})" if alt else name


def unshown_html(alt: str, reason: str) -> str:
    """What the PDF shows in place of an image it cannot show: its caption and why."""
    what = html_lib.escape(alt or "Image", quote=False)
    return f"<b>[{what}: not shown in this PDF: {html_lib.escape(reason, quote=False)}]</b>"


def unshown_image(shown: QSizeF, scale: float, words: str) -> QImage:
    """A light box of the shown size with `words` in it: for an image whose data did not decode
    when its page was painted (its header had read well)."""
    width = max(1, int(shown.width() * min(scale, 2.0)))
    height = max(1, int(shown.height() * width / max(shown.width(), 1)))
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#f3f4f6"))
    painter = QPainter(image)
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(8, min(height // 4, width // 40, 28)))
    painter.setFont(font)
    painter.setPen(QColor("#374151"))
    flags = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)
    painter.drawText(QRectF(0, 0, width, height), flags, words)
    painter.end()
    return image
