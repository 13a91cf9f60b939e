"""Images from outside: normalised to PNG with a thumbnail, or refused with a clear message."""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from incident_recorder.importers import images as imports_image
from incident_recorder.importers.images import (
    ImageImportError,
    capture_from_bytes,
    capture_from_file,
)


def _jpeg(size: tuple[int, int]) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def test_a_jpeg_becomes_a_png_with_a_thumbnail() -> None:
    capture = capture_from_bytes(_jpeg((1000, 500)), "graph.jpg")
    assert (capture.width, capture.height) == (1000, 500)
    assert Image.open(BytesIO(capture.png)).format == "PNG"
    assert Image.open(BytesIO(capture.thumbnail_png)).size == (320, 160)
    assert capture.sha256 == hashlib.sha256(capture.png).hexdigest()


def test_transparency_is_kept() -> None:
    out = BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG")
    assert Image.open(BytesIO(capture_from_bytes(out.getvalue(), "a.png").png)).mode == "RGBA"


def test_text_and_damaged_images_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("not an image")
    with pytest.raises(ImageImportError, match=r"x\.txt is not an image"):
        capture_from_file(tmp_path / "x.txt")
    out = BytesIO()
    Image.effect_noise((400, 300), 50).save(out, format="PNG")
    damaged = out.getvalue()[: len(out.getvalue()) // 2]
    with pytest.raises(ImageImportError, match="cut.png is a damaged image"):
        capture_from_bytes(damaged, "cut.png")


def test_too_many_pixels_or_bytes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports_image, "MAX_PIXELS", 100 * 100)
    with pytest.raises(ImageImportError, match="too large to record: big.jpg is 200×100"):
        capture_from_bytes(_jpeg((200, 100)), "big.jpg")
    monkeypatch.setattr(imports_image, "MAX_BYTES", 100)
    with pytest.raises(ImageImportError, match="too large to record"):
        capture_from_bytes(_jpeg((10, 10)), "small.jpg")


def test_a_huge_header_is_refused_before_decoding() -> None:
    out = BytesIO()
    Image.new("1", (12_000, 10_000)).save(out, format="PNG")  # 120 megapixels, tiny file
    with pytest.raises(ImageImportError, match="too large to record"):
        capture_from_bytes(out.getvalue(), "huge.png")
