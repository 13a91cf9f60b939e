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
