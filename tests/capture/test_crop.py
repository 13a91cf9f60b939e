"""Cutting a region out of a frozen frame: exact pixels, desktop position, clipping."""

from __future__ import annotations

import pytest

from incident_recorder.capture import CaptureError
from incident_recorder.capture.crop import clip_rect, crop
from incident_recorder.capture.grabber import RawShot


def numbered(width: int, height: int, *, left: int = 0, top: int = 0) -> RawShot:
    """A frame whose pixel (x, y) is BGRA (x, y, 7, 255): every pixel says where it is."""
    data = bytearray()
    for y in range(height):
        for x in range(width):
            data += bytes((x, y, 7, 255))
    return RawShot(bytes(data), width, height, monitor=2, left=left, top=top)


def pixel(shot: RawShot, x: int, y: int) -> bytes:
    at = (y * shot.width + x) * 4
    return bytes(shot.bgra[at : at + 4])


def test_crop_keeps_exactly_the_region_and_where_it_was() -> None:
    frame = numbered(50, 40, left=1920, top=0)
    region = crop(frame, 10, 5, 20, 12)
    assert (region.width, region.height) == (20, 12)
    assert (region.left, region.top, region.monitor) == (1930, 5, 2)
    assert pixel(region, 0, 0) == bytes((10, 5, 7, 255))
    assert pixel(region, 19, 11) == bytes((29, 16, 7, 255))
    assert len(region.bgra) == 20 * 12 * 4


def test_a_region_over_the_edge_is_clipped() -> None:
    frame = numbered(50, 40)
    region = crop(frame, 40, 30, 30, 30)
    assert (region.width, region.height) == (10, 10)
    assert pixel(region, 0, 0) == bytes((40, 30, 7, 255))
    assert clip_rect(frame, -5, -5, 10, 10) == (0, 0, 5, 5)


def test_the_whole_frame_is_the_frame_itself() -> None:
    frame = numbered(8, 6)
    assert crop(frame, 0, 0, 8, 6) is frame


def test_a_region_outside_the_frame_is_a_clear_error() -> None:
    with pytest.raises(CaptureError, match="outside"):
        crop(numbered(8, 6), 20, 20, 5, 5)
