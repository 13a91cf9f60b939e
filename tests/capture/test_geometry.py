"""Which monitor a point is on, over given monitor layouts (no display needed)."""

from __future__ import annotations

import pytest
from capture_fakes import mon

from incident_recorder.capture.geometry import monitor_containing, monitor_index_at

SIDE_BY_SIDE = [mon(0, 0, 1920, 1080), mon(1920, 0, 2560, 1440)]
# A laptop below-left of a 4K monitor, the 4K one primary, with a negative origin.
MIXED = [mon(-1920, 600, 1920, 1080), mon(0, 0, 3840, 2160, is_primary=True)]


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        (0, 0, 1),
        (1919, 1079, 1),
        (1920, 0, 2),  # the right edge belongs to the next monitor
        (4479, 1439, 2),
        (100, 500, 1),
    ],
)
def test_point_on_a_monitor(x: int, y: int, expected: int) -> None:
    assert monitor_index_at(SIDE_BY_SIDE, x, y) == expected


def test_negative_coordinates() -> None:
    assert monitor_index_at(MIXED, -10, 700) == 1
    assert monitor_index_at(MIXED, 10, 700) == 2


def test_point_on_no_monitor_goes_to_the_nearest() -> None:
    # Below the first monitor (in the dead area under it, left of the taller one).
    assert monitor_containing(SIDE_BY_SIDE, 100, 1300) is None
    assert monitor_index_at(SIDE_BY_SIDE, 100, 1300) == 1
    assert monitor_index_at(SIDE_BY_SIDE, 5000, 100) == 2
    assert monitor_index_at(SIDE_BY_SIDE, -50, -50) == 1


def test_tie_goes_to_the_primary() -> None:
    layout = [mon(0, 0, 100, 100), mon(200, 0, 100, 100, is_primary=True)]
    assert monitor_index_at(layout, 150, 50) == 2


def test_no_monitors_means_primary() -> None:
    assert monitor_index_at([], 10, 10) == 1
