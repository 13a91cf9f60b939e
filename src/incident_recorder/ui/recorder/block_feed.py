"""Hands many new entries to the UI in small blocks, one short event-loop turn at a time.

A teammate's catch-up (10,000 entries pulled while the window is open) or a large import by
another program reaches the window as a few big batches. Inserting a batch at once held the UI
thread for a tenth of a second and more; `BlockFeed` queues what arrives (read and sorted on a
worker already) and hands it on `BLOCK_ROWS` entries at a time, as many blocks per turn of the
event loop as fit in `TURN_BUDGET_S`, so keys, paints and timers run in between.

Given the widget that shows the entries (the timeline's viewport), it also keeps that widget's
repaints apart from its turns. A new row repaints every row on screen (8 ms and more with
the window's delegate), and a turn followed by the paint it asked for held the UI thread
20 ms and more. So while entries keep coming, the widget's updates are held during the turns
and let through at most every `PAINT_EVERY_S`, by a turn that hands on nothing; the next turn
waits until that paint is done. A key pressed meanwhile waits for one turn or one paint,
never both.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from incident_recorder.domain import Entry
from incident_recorder.ui.common.first_paint import after_first_paint

BLOCK_ROWS = 25
"""Entries handed on at once (a TimelineModel.add of 25 takes about a millisecond)."""
TURN_BUDGET_S = 0.004
"""Blocks are handed on in one event-loop turn until this much time has gone."""
PAINT_EVERY_S = 0.05
"""While entries keep coming, the widget shown is repainted at most this often."""
PAINTED_FALLBACK_MS = 50
"""A paint let through that does not come (the window is hidden): the turns go on after this."""


class BlockFeed(QObject):
    """Entries `put` here reach `consume` in order, in blocks of at most `BLOCK_ROWS`, over as
    many event-loop turns as they need. `drained` is emitted once the queue is empty again."""

    drained = Signal()

    def __init__(
        self,
        consume: Callable[[list[Entry]], None],
        parent: QObject | None = None,
        shown_in: QWidget | None = None,
    ) -> None:
        """`shown_in`: the widget showing what `consume` adds, whose paints are kept apart
        from the turns (see the module)."""
        super().__init__(parent)
        self._consume = consume
        self._shown_in = shown_in
        self._held = False  # shown_in's updates are held by this feed
        self._painted_at = 0.0
        self._queue: deque[Entry] = deque()
        self._after: list[Callable[[], None]] = []
        self._timer = QTimer(self)
        # Started anew after each turn, 1 ms ahead (not 0, not repeating): the next turn is in
        # a later pass of the event loop, so other timers, keys and paints run in between.
        self._timer.setSingleShot(True)
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._turn)
        self._painting = False  # waiting for a paint let through
        self._block_s = 0.0  # how long the last block took to hand on
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
        if not self._timer.isActive() and not self._painting:
            self._timer.start()

    def _turn(self) -> None:
        if self._stopped:
            return
        now = time.perf_counter()
        if self._held and (not self._queue or now - self._painted_at >= PAINT_EVERY_S):
            self._let_paint(now)  # a turn of its own: the paint runs next, apart from a turn
            return
        deadline = now + TURN_BUDGET_S
        if self._shown_in is not None and not self._held and self._shown_in.isVisible():
            self._held = True  # what this turn adds is painted by a later turn's _let_paint
            self._shown_in.setUpdatesEnabled(False)
        try:
            while self._queue:
                count = min(BLOCK_ROWS, len(self._queue))
                block = [self._queue.popleft() for _ in range(count)]
                started = time.perf_counter()
                self._consume(block)
                done = time.perf_counter()
                self._block_s = done - started
                if done + self._block_s >= deadline:  # the next block would overrun the turn
                    break
        finally:  # consume raised too: the turns go on, and the held paint is let through
            if self._queue or self._held:
                self._timer.start()  # the rest, or the paint, on the next turns
        if not (self._queue or self._held):
            self._finish()

    def _let_paint(self, now: float) -> None:
        """Let the held widget repaint; the turns go on once it has painted."""
        assert self._shown_in is not None
        self._held = False
        self._painted_at = now
        self._painting = True
        self._shown_in.setUpdatesEnabled(True)  # schedules the repaint
        after_first_paint(self._shown_in, self._painted, fallback_ms=PAINTED_FALLBACK_MS)

    def _painted(self) -> None:
        self._painting = False
        if self._stopped:
            return
        if self._queue:
            self._timer.start()
        else:
            self._finish()

    def _finish(self) -> None:
        self._timer.stop()
        after, self._after = self._after, []
        for then in after:
            then()
        self.drained.emit()

    def stop(self) -> None:
        """The window closes: nothing more is handed on."""
        self._stopped = True
        self._timer.stop()
        if self._held and self._shown_in is not None:
            self._held = False
            self._shown_in.setUpdatesEnabled(True)
        self._queue.clear()
        self._after.clear()
