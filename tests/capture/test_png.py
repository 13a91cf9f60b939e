"""The banded parallel PNG encoder: ordinary PNGs, pixel-exact, any size; Adler-32 combine."""

from __future__ import annotations

import io
import os
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from incident_recorder.capture.png import adler32_combine, bgra_to_png


@given(st.binary(max_size=3000), st.binary(max_size=3000))
def test_adler32_combine_matches_zlib(first: bytes, second: bytes) -> None:
    combined = adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second))
    assert combined == zlib.adler32(first + second)


@pytest.mark.parametrize("size", [(1, 1), (7, 3), (64, 65), (333, 777), (1920, 1080)])
def test_png_decodes_to_exactly_the_grabbed_pixels(size: tuple[int, int]) -> None:
    width, height = size
    bgra = os.urandom(width * height * 4)
    png = bgra_to_png(bgra, width, height)
    decoded = Image.open(io.BytesIO(png))
    decoded.load()  # zlib checks the Adler-32 and every band's join here
    assert decoded.mode == "RGB" and decoded.size == size
    assert decoded.tobytes() == Image.frombytes("RGB", size, bgra, "raw", "BGRX").tobytes()


def test_the_stream_is_one_valid_zlib_stream_at_other_levels() -> None:
    bgra = (bytes(range(256)) * 1000)[: 300 * 200 * 4]
    for level in (1, 6, 9):
        png = bgra_to_png(bgra, 300, 200, level)
        Image.open(io.BytesIO(png)).load()
