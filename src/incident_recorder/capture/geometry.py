"""Which monitor a point is on: pure geometry over mss monitor dicts, testable without a display.

Monitors are mss dicts (``left``, ``top``, ``width``, ``height``; ``is_primary`` optional) in
mss order, and indexes returned are 1-based mss indexes (``monitors[1:]`` of an ``mss.MSS``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Monitor = Mapping[str, Any]


def contains(monitor: Monitor, x: int, y: int) -> bool:
    """True if the point lies on the monitor (left/top edges inclusive, right/bottom exclusive)."""
    left, top = int(monitor["left"]), int(monitor["top"])
    return left <= x < left + int(monitor["width"]) and top <= y < top + int(monitor["height"])


def monitor_containing(monitors: Sequence[Monitor], x: int, y: int) -> int | None:
    """The 1-based index of the first monitor containing the point, or ``None``."""
    for index, monitor in enumerate(monitors, start=1):
        if contains(monitor, x, y):
            return index
    return None


def primary_index(monitors: Sequence[Monitor]) -> int:
    """The 1-based index of the monitor marked primary, else 1."""
    for index, monitor in enumerate(monitors, start=1):
        if monitor.get("is_primary"):
            return index
    return 1


def _distance_squared(monitor: Monitor, x: int, y: int) -> int:
    left, top = int(monitor["left"]), int(monitor["top"])
    right, bottom = left + int(monitor["width"]) - 1, top + int(monitor["height"]) - 1
    dx = max(left - x, 0, x - right)
    dy = max(top - y, 0, y - bottom)
    return dx * dx + dy * dy


def monitor_index_at(monitors: Sequence[Monitor], x: int, y: int) -> int:
    """The monitor containing the point; if none does, the nearest one; with no monitors, 1.

    Ties in distance go to the primary monitor, then to the lower index.
    """
    found = monitor_containing(monitors, x, y)
    if found is not None:
        return found
    if not monitors:
        return 1
    primary = primary_index(monitors)
    return min(
        range(1, len(monitors) + 1),
        key=lambda i: (_distance_squared(monitors[i - 1], x, y), i != primary, i),
    )
