"""Hands many new entries to the UI in small blocks, one short event-loop turn at a time.

A teammate's catch-up (10,000 entries pulled while the window is open) or a large import by
another program reaches the window as a few big batches. Inserting a batch at once held the UI
thread for a tenth of a second and more; `BlockFeed` queues what arrives (read and sorted on a
worker already) and hands it on `BLOCK_ROWS` entries at a time, as many blocks per turn of the
event loop as fit in `TURN_BUDGET_S`, so keys, paints and timers run in between.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from incident_recorder.domain import Entry

BLOCK_ROWS = 25
"""Entries handed on at once (a TimelineModel.add of 25 takes about a millisecond)."""
TURN_BUDGET_S = 0.004
"""Blocks are handed on in one event-loop turn until this much time has gone."""


class BlockFeed(QObject):
    """Entries `put` here reach `consume` in order, in blocks of at most `BLOCK_ROWS`, over as
    many event-loop turns as they need. `drained` is emitted once the queue is empty again."""

    drained = Signal()

    def __init__(
        self, consume: Callable[[list[Entry]], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._consume = consume
        self._queue: deque[Entry] = deque()
        self._after: list[Callable[[], None]] = []
        self._timer = QTimer(self)
        self._timer.setInterval(1)  # not 0: other timers and paints get their turn between
        self._timer.timeout.connect(self._turn)
        self._stopped = False

    @property
    def pending(self) -> int:
        """Entries queued, not handed on yet."""
        return len(self._queue)

    def put(self, entries: Sequence[Entry], then: Callable[[], None] | None = None) -> None:
        """Queue `entries` (in the order they should arrive); `then()` runs once the queue is
        empty again (these entries, and any queued before or after them, handed on)."""
        if self._stopped:
            return
        self._queue.extend(entries)
        if then is not None:
            self._after.append(then)
        if not self._timer.isActive():
            self._timer.start()

    def _turn(self) -> None:
        deadline = time.perf_counter() + TURN_BUDGET_S
        while self._queue and not self._stopped:
            count = min(BLOCK_ROWS, len(self._queue))
            block = [self._queue.popleft() for _ in range(count)]
            self._consume(block)
            if time.perf_counter() >= deadline:
                break
        if self._queue and not self._stopped:
            return  # the rest on the next turns
        self._timer.stop()
        after, self._after = self._after, []
        for then in after:
            then()
        self.drained.emit()

    def stop(self) -> None:
        """The window closes: nothing more is handed on."""
        self._stopped = True
        self._timer.stop()
        self._queue.clear()
        self._after.clear()
