"""Small PNGs with known text, drawn with Pillow and DejaVu Sans Mono (fonts-dejavu-core)."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

from incident_recorder.domain import NewCapture

MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
LINE_HEIGHT = 24
LEFT, TOP = 12, 10


def text_png(lines: list[str], *, dark: bool = False, width: int = 640) -> bytes:
    """A terminal-like image of `lines` (14 px monospace), light or dark."""
    background, ink = ((24, 26, 33), (215, 218, 224)) if dark else ((250, 250, 250), (30, 30, 30))
    image = Image.new("RGB", (width, TOP * 2 + LINE_HEIGHT * len(lines)), background)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(MONO, 14)
    for index, line in enumerate(lines):
        draw.text((LEFT, TOP + index * LINE_HEIGHT), line, font=font, fill=ink)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def text_capture(lines: list[str], *, dark: bool = False) -> NewCapture:
    png = text_png(lines, dark=dark)
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
        thumb = io.BytesIO()
        image.resize((max(1, width // 8), max(1, height // 8))).save(thumb, "PNG")
    return NewCapture(
        png=png,
        thumbnail_png=thumb.getvalue(),
        width=width,
        height=height,
        sha256=hashlib.sha256(png).hexdigest(),
        monitor=1,
        window_title="Terminal",
    )
