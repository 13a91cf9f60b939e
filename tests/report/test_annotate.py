"""Rendering annotations: redaction boxes are solid black, everything else is the original."""

from __future__ import annotations

import io
import random
import struct

import pytest
from PIL import Image, PngImagePlugin

from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.report.annotate import RenderError, render

W, H = 320, 200


def noisy_png(mode: str = "RGB", *, seed: int = 7, **save: object) -> bytes:
    """Random pixels, so that 'unchanged' and 'destroyed' mean something."""
    rng = random.Random(seed)
    image = Image.frombytes(mode, (W, H), rng.randbytes(W * H * len(mode)))
    out = io.BytesIO()
    image.save(out, "PNG", **save)
    return out.getvalue()


def pixels(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def chunk_types(png: bytes) -> list[bytes]:
    types, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        types.append(png[pos + 4 : pos + 8])
        pos += 12 + length
    return types


def inside(x: int, y: int, box: tuple[int, int, int, int]) -> bool:
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def grow(box: tuple[int, int, int, int], by: int) -> tuple[int, int, int, int]:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


REDACTIONS = [
    Shape(ShapeKind.REDACTION, 10, 20, 60, 45),
    Shape(ShapeKind.REDACTION, 300, 190, 250, 150),  # drawn right-to-left, bottom-up
    Shape(ShapeKind.REDACTION, -20, 180, 30, 260),  # partly outside the image
]


def test_redaction_boxes_are_solid_and_the_rest_is_byte_identical() -> None:
    original = noisy_png()
    rendered = pixels(render(original, REDACTIONS))
    before = pixels(original)
    assert rendered.mode == "RGB" and rendered.size == (W, H)
    boxes = [(10, 20, 60, 45), (250, 150, 300, 190), (0, 180, 30, 200)]
    for y in range(H):
        for x in range(W):
            if any(inside(x, y, box) for box in boxes):
                assert rendered.getpixel((x, y)) == (0, 0, 0), (x, y)
            else:
                assert rendered.getpixel((x, y)) == before.getpixel((x, y)), (x, y)


def test_drawn_shapes_change_only_their_own_area_and_redactions_win() -> None:
    shapes = [
        Shape(ShapeKind.RECTANGLE, 100, 100, 180, 150),
        Shape(ShapeKind.ARROW, 200, 30, 280, 90),
        Shape(ShapeKind.TEXT, 20, 120, 20, 120, "token"),
        Shape(ShapeKind.REDACTION, 110, 90, 140, 130),  # over the rectangle's edge
        Shape(ShapeKind.TEXT, 112, 100, 112, 100, "on top?"),  # a label inside a redaction
    ]
    original = noisy_png()
    rendered = pixels(render(original, shapes))
    before = pixels(original)
    redaction = (110, 90, 140, 130)
    drawn = [
        grow((100, 100, 180, 150), 3),
        grow((200, 30, 280, 90), 12),
        (18, 118, 90, 150),
        (110, 98, 200, 130),
    ]
    changed = 0
    for y in range(H):
        for x in range(W):
            if inside(x, y, redaction):
                assert rendered.getpixel((x, y)) == (0, 0, 0), (x, y)
            elif not any(inside(x, y, box) for box in drawn):
                assert rendered.getpixel((x, y)) == before.getpixel((x, y)), (x, y)
            elif rendered.getpixel((x, y)) != before.getpixel((x, y)):
                changed += 1
    assert changed > 200  # the rectangle, the arrow and the label were really drawn


def test_the_output_carries_no_chunk_of_the_original() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-token-1234")
    original = noisy_png(pnginfo=info, icc_profile=b"\0" * 128, dpi=(144, 144))
    assert b"secret-token-1234" in original
    out = render(original, REDACTIONS)
    assert b"secret-token-1234" not in out
    assert set(chunk_types(out)) <= {b"IHDR", b"IDAT", b"IEND"}


def test_alpha_cannot_hide_the_pixels() -> None:
    original = noisy_png("RGBA")
    rendered = pixels(render(original, REDACTIONS[:1]))
    assert rendered.mode == "RGBA"
    for y in range(20, 45):
        for x in range(10, 60):
            assert rendered.getpixel((x, y)) == (0, 0, 0, 255)


def test_other_modes_become_rgb_and_are_still_redacted() -> None:
    image = Image.new("L", (W, H), 128)
    out = io.BytesIO()
    image.save(out, "PNG")
    rendered = pixels(render(out.getvalue(), REDACTIONS[:1]))
    assert rendered.mode == "RGB"
    assert rendered.getpixel((10, 20)) == (0, 0, 0) and rendered.getpixel((0, 0)) == (128,) * 3


def test_not_an_image_is_a_clear_error() -> None:
    with pytest.raises(RenderError, match="cannot be decoded"):
        render(b"not a png", REDACTIONS)


def test_a_capture_declaring_too_many_pixels_is_refused_undecoded() -> None:
    from tests.crafted import bomb_png

    # 121 megapixels: over the cap, under Pillow's own error limit (it would only warn, then
    # decode 121 MB of pixels and convert them to 363 MB of RGB).
    with pytest.raises(RenderError, match="11000×11000"):
        render(bomb_png(11000, 11000), [])
