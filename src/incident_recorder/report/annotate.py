"""Rendering annotations onto a copy of a capture: the image a report is allowed to show.

`render(png, shapes)` draws rectangles, arrows and text labels, then fills every redaction box
with solid black, and encodes a brand-new PNG from the resulting pixels only (whether the
capture is stored as PNG or JPEG: a rendered copy is always a lossless PNG, so a redaction box
is exact solid black and the pixels lose nothing more): inside a redaction
box nothing of the original survives (no blur, no overlay, no alpha, no metadata chunks copied
from the original: not its text, EXIF or ICC chunks). Outside the boxes and the drawn shapes,
pixels are exactly the original's. Pillow only, no Qt.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.image_bytes import (
    MAX_PIXELS,
    THUMBNAIL_MAX_PIXELS,
    image_size,
    size_problem,
)

INK = (230, 20, 20)
"""The colour of rectangles, arrows and labels."""
HALO = (255, 255, 255)
"""The outline around label text, so it reads on any background."""
REDACTED = (0, 0, 0)
"""The colour every redacted pixel becomes."""


class RenderError(ValueError):
    """The capture could not be decoded or the result encoded."""


def clip_box(shape: Shape, width: int, height: int) -> tuple[int, int, int, int] | None:
    """The shape's box clipped to the image (right/bottom exclusive), None if nothing is left."""
    left, top, right, bottom = shape.box()
    left, top = max(0, left), max(0, top)
    right, bottom = min(width, right), min(height, bottom)
    if left >= right or top >= bottom:
        return None
    return left, top, right, bottom


def _stroke(width: int, height: int) -> int:
    """A line width that stays visible on a 4K capture and modest on a small one."""
    return max(2, round(max(width, height) / 600))


def _font(height: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    size = max(14, round(height / 45))
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, ImportError):  # Pillow without FreeType: the bitmap font
        return ImageFont.load_default()


def _arrow(draw: ImageDraw.ImageDraw, shape: Shape, stroke: int) -> None:
    x1, y1, x2, y2 = shape.x1, shape.y1, shape.x2, shape.y2
    draw.line((x1, y1, x2, y2), fill=INK, width=stroke)
    dx, dy = x2 - x1, y2 - y1
    length = (dx * dx + dy * dy) ** 0.5
    if length < 1:
        return
    head = max(4 * stroke, min(length * 0.4, 8 * stroke))
    ux, uy = dx / length, dy / length
    base_x, base_y = x2 - ux * head, y2 - uy * head
    half = head * 0.5
    draw.polygon(
        [
            (x2, y2),
            (base_x - uy * half, base_y + ux * half),
            (base_x + uy * half, base_y - ux * half),
        ],
        fill=INK,
    )


def _draw(image: Image.Image, shapes: Sequence[Shape]) -> None:
    width, height = image.size
    stroke = _stroke(width, height)
    draw = ImageDraw.Draw(image)
    font = None
    for shape in shapes:
        if shape.kind is ShapeKind.RECTANGLE:
            box = clip_box(shape, width, height)
            if box is not None:
                left, top, right, bottom = box
                draw.rectangle((left, top, right - 1, bottom - 1), outline=INK, width=stroke)
        elif shape.kind is ShapeKind.ARROW:
            _arrow(draw, shape, stroke)
        elif shape.kind is ShapeKind.TEXT and shape.text.strip():
            font = font or _font(height)
            draw.text(
                (shape.x1, shape.y1),
                shape.text,
                fill=INK,
                font=font,
                stroke_width=max(1, stroke // 2),
                stroke_fill=HALO,
            )


def redact(image: Image.Image, shapes: Sequence[Shape]) -> None:
    """Overwrite every redaction box of `image` with solid black, in place."""
    width, height = image.size
    solid = REDACTED + (255,) if image.mode == "RGBA" else REDACTED
    for shape in shapes:
        if shape.kind is ShapeKind.REDACTION:
            box = clip_box(shape, width, height)
            if box is not None:
                image.paste(solid, box)


def render_image(png: bytes, shapes: Sequence[Shape], max_pixels: int = MAX_PIXELS) -> Image.Image:
    """The annotated, redacted copy as a Pillow image holding only its pixels (no metadata).

    RenderError, nothing decoded, for anything but a PNG or JPEG whose header declares at most
    `max_pixels` (the file may come from anyone: a few KB can declare gigabytes of pixels)."""
    problem = size_problem(png, max_pixels)
    if problem is not None:
        raise RenderError(f"the capture cannot be decoded: {problem}")
    try:
        with Image.open(io.BytesIO(png)) as source:
            if source.width * source.height > max_pixels:  # Pillow read the header the same way
                raise RenderError(f"the capture cannot be decoded: too large ({source.size})")
            source.load()
            mode = source.mode if source.mode in ("RGB", "RGBA") else None
            if mode is None:
                alpha = "A" in source.getbands() or "transparency" in source.info
                mode = "RGBA" if alpha else "RGB"
            # A new image from the raw pixels: nothing of the original file (chunks, palette,
            # profile) is carried over.
            image = Image.frombytes(mode, source.size, source.convert(mode).tobytes())
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise RenderError(f"the capture cannot be decoded: {error}") from error
    _draw(image, [shape for shape in shapes if shape.kind is not ShapeKind.REDACTION])
    redact(image, shapes)  # last, so nothing drawn can end up on top of a redaction
    return image


def _scaled(shape: Shape, factor: float) -> Shape:
    if shape.kind in (ShapeKind.REDACTION, ShapeKind.RECTANGLE):  # grow: never uncover a pixel
        left, top, right, bottom = shape.box()
        return Shape(
            shape.kind,
            math.floor(left * factor),
            math.floor(top * factor),
            math.ceil(right * factor),
            math.ceil(bottom * factor),
        )
    x1, y1, x2, y2 = (round(v * factor) for v in (shape.x1, shape.y1, shape.x2, shape.y2))
    return Shape(shape.kind, x1, y1, x2, y2, shape.text)


def render_thumbnail(thumbnail: bytes, shapes: Sequence[Shape], full_width: int) -> bytes:
    """A thumbnail with the shapes (given in full-size pixels) scaled onto it and drawn."""
    size = image_size(thumbnail)
    problem = size_problem(thumbnail, THUMBNAIL_MAX_PIXELS)
    if size is None or problem is not None:
        raise RenderError(f"the thumbnail cannot be decoded: {problem}")
    factor = size[0] / max(1, full_width)
    return render(thumbnail, [_scaled(shape, factor) for shape in shapes], THUMBNAIL_MAX_PIXELS)


def render(png: bytes, shapes: Sequence[Shape], max_pixels: int = MAX_PIXELS) -> bytes:
    """The PNG of the capture (PNG or JPEG bytes) with `shapes` applied: labels drawn,
    redactions destroyed (RenderError for an image above `max_pixels`, as render_image)."""
    image = render_image(png, shapes, max_pixels)
    out = io.BytesIO()
    try:
        image.save(out, format="PNG", compress_level=6)
    except (OSError, ValueError) as error:
        raise RenderError(f"the annotated capture cannot be encoded: {error}") from error
    return out.getvalue()
