"""Capture bytes are told apart by their first bytes: PNG, JPEG, or neither."""

from __future__ import annotations

import pytest

from incident_recorder.domain.image_bytes import image_kind, image_suffix


@pytest.mark.parametrize(
    ("data", "kind", "suffix"),
    [
        (b"\x89PNG\r\n\x1a\n....", "png", ".png"),
        (b"\xff\xd8\xff\xe0..JFIF", "jpeg", ".jpg"),
        (b"GIF89a", None, ".png"),
        (b"", None, ".png"),
        (b"\xff\xd8", None, ".png"),
    ],
)
def test_kind_and_suffix(data: bytes, kind: str | None, suffix: str) -> None:
    assert image_kind(data) == kind
    assert image_suffix(data) == suffix


def test_the_declared_size_is_read_from_the_header_alone() -> None:
    import io

    from PIL import Image

    from incident_recorder.domain.image_bytes import (
        THUMBNAIL_MAX_PIXELS,
        image_size,
        size_problem,
    )
    from tests.crafted import bomb_png

    bomb = bomb_png(30000, 30000)
    assert len(bomb) < 200_000
    assert image_size(bomb) == (30000, 30000)
    assert image_size(bomb[:24]) == (30000, 30000)  # the header is all it reads
    assert "30000×30000" in (size_problem(bomb) or "")
    for progressive in (False, True):
        jpeg = io.BytesIO()
        Image.new("RGB", (123, 45)).save(jpeg, "JPEG", progressive=progressive)
        assert image_size(jpeg.getvalue()) == (123, 45)
        assert size_problem(jpeg.getvalue(), THUMBNAIL_MAX_PIXELS) is None
    assert image_size(b"\x89PNG\r\n\x1a\n\x00\x00") is None
    assert image_size(b"\xff\xd8\xff\xd9") is None
    assert size_problem(b"GIF89a") == "not a PNG or JPEG image"
    assert "empty" in (size_problem(bomb_png(0, 5)) or "")
