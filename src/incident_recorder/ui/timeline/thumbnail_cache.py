"""The timeline's thumbnails: decoded on demand, refused above a size, kept within a byte budget.

A thumbnail comes from the incident file, which may come from anyone: a few KB of PNG can
declare 30000×30000 pixels. Each is decoded only if its header declares at most
THUMBNAIL_MAX_PIXELS (render/image_decode.py); a refused or damaged one is remembered as its
reason,
which the delegate shows as a placeholder. The cache is least-recently-used and bounded by the
bytes its pixmaps hold (`budget`), not by their count, so scrolling over any number of captures
keeps at most `budget` bytes of pixels.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtGui import QPixmap

from incident_recorder.domain.image_bytes import THUMBNAIL_MAX_PIXELS
from incident_recorder.render.image_decode import decode_image

THUMBNAIL_CACHE_BYTES = 64 * 1024 * 1024
"""The decoded thumbnails kept, in bytes of pixels (about 290 of our 320×180 ones)."""
REFUSED_COST = 256
"""What a remembered refusal counts for (it holds only its reason)."""

Thumbnail = QPixmap | str
"""A decoded thumbnail, or why it is not shown."""


def cost(value: Thumbnail) -> int:
    """The bytes a cached value stands for."""
    if isinstance(value, str):
        return REFUSED_COST
    return max(REFUSED_COST, value.width() * value.height() * max(1, value.depth()) // 8)


class ThumbnailCache:
    """capture id → its thumbnail (or why not), loaded through `load`, at most `budget` bytes."""

    def __init__(
        self,
        load: Callable[[int], bytes] | None,
        budget: int = THUMBNAIL_CACHE_BYTES,
        max_pixels: int = THUMBNAIL_MAX_PIXELS,
    ) -> None:
        self._load = load
        self.budget = budget
        self.max_pixels = max_pixels
        self._items: OrderedDict[int, Thumbnail] = OrderedDict()
        self.bytes = 0
        """What the cache holds now (never more than `budget` after a call returns)."""

    def __len__(self) -> int:
        return len(self._items)

    def held(self) -> list[Thumbnail]:
        """What the cache holds now, oldest first."""
        return list(self._items.values())

    def get(self, capture_id: int) -> Thumbnail | None:
        """The thumbnail or the reason it is not shown; None if it could not be read (not
        remembered: the next call tries again)."""
        cached = self._items.get(capture_id)
        if cached is not None:
            self._items.move_to_end(capture_id)
            return cached
        if self._load is None:
            return None
        try:
            data = self._load(capture_id)
        except Exception:  # a damaged thumbnail must not break painting the timeline
            return None
        image, problem = decode_image(data, self.max_pixels)
        value: Thumbnail = QPixmap.fromImage(image)
        if problem is not None:
            value = f"Thumbnail not shown: {problem}"
        self._remember(capture_id, value)
        return value

    def _remember(self, capture_id: int, value: Thumbnail) -> None:
        self.forget(capture_id)
        self._items[capture_id] = value
        self.bytes += cost(value)
        while self.bytes > self.budget and self._items:
            _, oldest = self._items.popitem(last=False)
            self.bytes -= cost(oldest)

    def forget(self, capture_id: int) -> None:
        gone = self._items.pop(capture_id, None)
        if gone is not None:
            self.bytes -= cost(gone)

    def clear(self) -> None:
        self._items.clear()
        self.bytes = 0
