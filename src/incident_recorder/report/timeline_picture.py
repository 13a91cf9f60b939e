"""The timeline picture of an incident, as SVG (for HTML) and PNG (for PDF and Markdown).

Both are drawn from the same layout (report/timeline_layout.py). The SVG is plain shapes and
text: no script, no style sheet, no external reference, no foreignObject; every piece of text
is XML-escaped with the characters XML cannot hold removed, so a note such as `<script>` or
`]]>` is only ever text. Only visible (not hidden) entries are drawn; with `public` (or a record
from `public_record`), only what the public report shows: the public entries and the public
milestones, named as the public text names them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import tzinfo
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.text import visible
from incident_recorder.report.public import PUBLIC_MILESTONES, public_record
from incident_recorder.report.timeline_layout import Dot, Layout, Line, Rect, Text, layout

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
"""Where Debian's fonts-dejavu-core puts DejaVu Sans (else Pillow's own font is used)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_FONTS = "DejaVu Sans, Verdana, Arial, sans-serif"


def _xml(text: str) -> str:
    cleaned = _NOT_XML.sub("\ufffd", visible(text))  # a U+202E cannot reverse the label
    return (
        cleaned.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _layout(record: IncidentRecord, tz: tzinfo, width: int, public: bool) -> Layout:
    if public and not record.public:
        record = public_record(record)
    entries = record.visible_entries()
    title = f"Timeline of {record.title or record.incident.title}: {len(entries)} entries"
    # A public picture labels what the public text shows, in its words (no Detected, no
    # Acknowledged: public_record keeps only PUBLIC_MILESTONES).
    names = PUBLIC_MILESTONES if record.public else None
    return layout(title, entries, record.milestones, tz, width, names=names)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg_shapes(pic: Layout) -> Iterator[str]:
    for shape in pic.shapes:
        cls = f' class="{shape.cls}"' if shape.cls else ""
        if isinstance(shape, Rect):
            stroke = f' stroke="{shape.stroke}"' if shape.stroke else ""
            yield (
                f'<rect{cls} x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" '
                f'height="{_n(shape.h)}" fill="{shape.fill}"{stroke}/>'
            )
        elif isinstance(shape, Line):
            dash = ' stroke-dasharray="4 3"' if shape.dashed else ""
            yield (
                f'<line{cls} x1="{_n(shape.x1)}" y1="{_n(shape.y1)}" x2="{_n(shape.x2)}" '
                f'y2="{_n(shape.y2)}" stroke="{shape.stroke}" stroke-width="{_n(shape.width)}"'
                f"{dash}/>"
            )
        elif isinstance(shape, Dot):
            circle = (
                f'<circle{cls} cx="{_n(shape.x)}" cy="{_n(shape.y)}" r="{_n(shape.r)}" '
                f'fill="{shape.fill}" stroke="{shape.stroke}"'
            )
            tip = f"><title>{_xml(shape.title)}</title></circle>" if shape.title else "/>"
            yield circle + tip
        else:
            anchor = "" if shape.anchor == "start" else f' text-anchor="{shape.anchor}"'
            weight = ' font-weight="bold"' if shape.bold else ""
            yield (
                f'<text{cls} x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}" '
                f'fill="{shape.fill}"{anchor}{weight}>{_xml(shape.text)}</text>'
            )


def timeline_svg(
    record: IncidentRecord, *, tz: tzinfo, width: int = 1200, public: bool = False
) -> str:
    """The timeline picture as a standalone SVG document (no XML declaration, so it can also be
    put inline in HTML)."""
    pic = _layout(record, tz, width, public)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{pic.width}" height="{pic.height}" '
        f'viewBox="0 0 {pic.width} {pic.height}" role="img" font-family="{_FONTS}">'
        f"<title>{_xml(pic.title)}</title>"
        f'<rect width="{pic.width}" height="{pic.height}" fill="#ffffff"/>'
    )
    return "\n".join([head, *_svg_shapes(pic), "</svg>"]) + "\n"


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default(size)


_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


def _draw_text(draw: ImageDraw.ImageDraw, shape: Text, scale: int) -> None:
    font = _font(round(shape.size * scale), shape.bold)
    text = _NOT_XML.sub("\ufffd", visible(shape.text))
    xy = (shape.x * scale, shape.y * scale)
    try:
        draw.text(xy, text, fill=shape.fill, font=font, anchor=_ANCHORS[shape.anchor])
    except ValueError:  # a bitmap fallback font knows no anchors: place it by hand
        width = draw.textlength(text, font=font)
        shift = {"start": 0.0, "middle": width / 2, "end": width}[shape.anchor]
        draw.text((xy[0] - shift, xy[1] - shape.size * scale), text, fill=shape.fill, font=font)


def _dashed(draw: ImageDraw.ImageDraw, shape: Line, scale: int) -> None:
    x1, y1, x2, y2 = (v * scale for v in (shape.x1, shape.y1, shape.x2, shape.y2))
    width = max(1, round(shape.width * scale))
    if not shape.dashed:
        draw.line((x1, y1, x2, y2), fill=shape.stroke, width=width)
        return
    length = max(abs(x2 - x1), abs(y2 - y1))
    dash, gap, position = 4 * scale, 3 * scale, 0.0
    while position < length:
        end = min(position + dash, length)
        a, b = position / length, end / length
        segment = (x1 + (x2 - x1) * a, y1 + (y2 - y1) * a, x1 + (x2 - x1) * b, y1 + (y2 - y1) * b)
        draw.line(segment, fill=shape.stroke, width=width)
        position = end + gap


def timeline_png(
    record: IncidentRecord, *, tz: tzinfo, width: int = 1200, scale: int = 2, public: bool = False
) -> bytes:
    """The timeline picture as PNG bytes, `width`×`scale` pixels wide (density 96×`scale` dpi)."""
    pic = _layout(record, tz, width, public)
    scale = max(1, int(scale))
    image = Image.new("RGB", (pic.width * scale, pic.height * scale), "#ffffff")
    draw = ImageDraw.Draw(image)
    for shape in pic.shapes:
        if isinstance(shape, Rect):
            box = (
                shape.x * scale,
                shape.y * scale,
                (shape.x + shape.w) * scale,
                (shape.y + shape.h) * scale,
            )
            fill = None if shape.fill == "none" else shape.fill
            draw.rectangle(box, fill=fill, outline=shape.stroke, width=max(1, scale // 2 + 0))
        elif isinstance(shape, Line):
            _dashed(draw, shape, scale)
        elif isinstance(shape, Dot):
            r = shape.r * scale
            box = (
                shape.x * scale - r,
                shape.y * scale - r,
                shape.x * scale + r,
                shape.y * scale + r,
            )
            draw.ellipse(box, fill=shape.fill, outline=shape.stroke, width=scale)
        else:
            _draw_text(draw, shape, scale)
    buffer = io.BytesIO()
    # The density says the picture is drawn at `scale`× (Qt's PDF writer shows it at 1× size).
    image.save(buffer, format="PNG", compress_level=6, dpi=(96 * scale, 96 * scale))
    return buffer.getvalue()
