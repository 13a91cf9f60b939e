"""encode(): exact pixels through PNG, thumbnail size and aspect, SHA-256 of the PNG bytes."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from incident_recorder.capture import RawShot, encode
from incident_recorder.domain.entry import NewCapture


def pattern(width: int, height: int) -> RawShot:
    """A BGRA image whose every pixel is computed from its position (alpha byte is junk)."""
    data = bytearray(width * height * 4)
    for y in range(height):
        for x in range(width):
            i = (y * width + x) * 4
            data[i : i + 4] = bytes(((x * 7) % 256, (y * 13) % 256, (x + y) % 256, 0x5A))
    return RawShot(bytes(data), width, height, monitor=2, left=1920, top=0)


def expected_rgb(x: int, y: int) -> tuple[int, int, int]:
    b, g, r = (x * 7) % 256, (y * 13) % 256, (x + y) % 256
    return (r, g, b)


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_png_holds_the_exact_pixels() -> None:
    shot = pattern(97, 61)
    capture = encode(shot, window_title="Grafana — checkout")
    assert isinstance(capture, NewCapture)
    image = decode(capture.png)
    assert image.format == "PNG" and image.mode == "RGB" and image.size == (97, 61)
    pixels = image.load()
    assert pixels is not None
    for y in range(61):
        for x in range(97):
            assert pixels[x, y] == expected_rgb(x, y), (x, y)
    assert (capture.width, capture.height, capture.monitor) == (97, 61, 2)
    assert capture.window_title == "Grafana — checkout"


def test_sha256_is_of_the_png_bytes() -> None:
    capture = encode(pattern(40, 30))
    assert capture.sha256 == hashlib.sha256(capture.png).hexdigest()
    assert len(capture.sha256) == 64


def test_same_pixels_same_bytes() -> None:
    assert encode(pattern(20, 10)).png == encode(pattern(20, 10)).png


@pytest.mark.parametrize(
    ("size", "box", "expected"),
    [
        ((1920, 1080), (320, 180), (320, 180)),
        ((3840, 2160), (320, 180), (320, 180)),
        ((1280, 1024), (320, 180), (225, 180)),  # 5:4 fits by height
        ((3440, 1440), (320, 180), (320, 134)),  # ultrawide fits by width
        ((200, 100), (320, 180), (200, 100)),  # never enlarged
    ],
)
def test_thumbnail_fits_and_keeps_aspect(
    size: tuple[int, int], box: tuple[int, int], expected: tuple[int, int]
) -> None:
    width, height = size
    shot = RawShot(b"\x00\x80\xff\x00" * (width * height), width, height, 1, 0, 0)
    thumb = decode(encode(shot, thumb_size=box).thumbnail_png)
    assert thumb.format == "PNG"
    assert thumb.size == expected
    assert thumb.width <= box[0] and thumb.height <= box[1]
    assert abs(thumb.width / thumb.height - width / height) < 0.02
    # A flat colour stays that colour through the resampling.
    assert thumb.convert("RGB").getpixel((thumb.width // 2, thumb.height // 2)) == (255, 128, 0)


def test_thumbnail_shows_the_picture() -> None:
    """Left half black, right half white: the thumbnail keeps that split."""
    width, height = 640, 360
    row = b"\x00\x00\x00\x00" * (width // 2) + b"\xff\xff\xff\x00" * (width // 2)
    shot = RawShot(row * height, width, height, 1, 0, 0)
    thumb = decode(encode(shot).thumbnail_png).convert("RGB")
    assert thumb.getpixel((10, 90)) == (0, 0, 0)
    assert thumb.getpixel((310, 90)) == (255, 255, 255)


def test_bad_thumb_size() -> None:
    with pytest.raises(ValueError, match="thumb_size"):
        encode(pattern(4, 4), thumb_size=(0, 10))


def test_rawshot_checks_its_buffer() -> None:
    with pytest.raises(ValueError, match="BGRA"):
        RawShot(b"\x00" * 10, 2, 2, 1, 0, 0)
    with pytest.raises(ValueError, match="empty"):
        RawShot(b"", 0, 0, 1, 0, 0)


def test_jpeg_format_is_a_jpeg_close_to_the_pixels_with_a_png_thumbnail() -> None:
    shot = RawShot(bytes([40, 120, 200, 0]) * (64 * 48), 64, 48, monitor=1, left=0, top=0)
    capture = encode(shot, window_title="Grafana", fmt="jpeg", quality=90)
    image = decode(capture.png)
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == (64, 48)
    r, g, b = image.getpixel((30, 20))  # type: ignore[misc]
    assert abs(r - 200) <= 3 and abs(g - 120) <= 3 and abs(b - 40) <= 3, "BGRX read as RGB"
    assert capture.sha256 == hashlib.sha256(capture.png).hexdigest()
    assert decode(capture.thumbnail_png).format == "PNG"
    assert (capture.width, capture.height, capture.window_title) == (64, 48, "Grafana")


def test_jpeg_quality_trades_size_for_detail() -> None:
    shot = pattern(200, 120)
    small = encode(shot, fmt="jpeg", quality=50).png
    large = encode(shot, fmt="jpeg", quality=95).png
    assert len(small) < len(large) < len(encode(shot).png)


@pytest.mark.parametrize(
    ("fmt", "quality", "message"),
    [("gif", 85, "capture format"), ("jpeg", 0, "JPEG quality"), ("jpeg", 101, "JPEG quality")],
)
def test_bad_format_or_quality(fmt: str, quality: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        encode(pattern(4, 4), fmt=fmt, quality=quality)
