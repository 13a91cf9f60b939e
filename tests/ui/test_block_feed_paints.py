"""A feed handing a long catch-up to a widget keeps the widget's repaints apart from its turns:
updates are held while entries are handed on, let through at most every PAINT_EVERY_S by a
turn of their own, and `drained` comes once the last entries are painted (a real widget on the
offscreen platform; no timing asserted beyond counting paints)."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from incident_recorder.ui.recorder.block_feed import BLOCK_ROWS, PAINT_EVERY_S, BlockFeed

MANY = 120 * BLOCK_ROWS


class _Paints(QObject):
    def __init__(self, widget: QWidget, log: list[tuple[str, bool]]) -> None:
        super().__init__(widget)
        self._log = log
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._log.append(("paint", True))
        return False


def _widget(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(300, 200)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_catch_up_holds_paints_while_handing_on_and_paints_between(qtbot) -> None:
    widget = _widget(qtbot)
    log: list[tuple[str, bool]] = []
    _Paints(widget, log)

    def consume(block: list[Any]) -> None:
        log.append(("consume", widget.updatesEnabled()))
        widget.update()  # as the timeline does for new rows
        time.sleep(0.001)  # a block takes a while: the catch-up spans many paint intervals

    feed = BlockFeed(consume, shown_in=widget)
    drained: list[int] = []
    feed.drained.connect(lambda: drained.append(len(log)))
    log.clear()
    started = time.perf_counter()
    feed.put(list(range(MANY)))
    qtbot.waitUntil(lambda: bool(drained), timeout=20_000)
    took = time.perf_counter() - started

    consumed = [enabled for kind, enabled in log if kind == "consume"]
    assert len(consumed) == MANY // BLOCK_ROWS
    assert not any(consumed), "every block is handed on while the widget's updates are held"
    paints = sum(kind == "paint" for kind, _ in log)
    # one paint at once (the first block shows without waiting), one every PAINT_EVERY_S, the
    # last one after the last block; unheld, there would be about one per turn (120)
    assert 2 <= paints <= took / PAINT_EVERY_S + 3, (paints, took)
    last_consume = max(i for i, (kind, _) in enumerate(log) if kind == "consume")
    assert any(kind == "paint" for kind, _ in log[last_consume : drained[0]]), (
        "drained only once the last entries are painted"
    )
    assert widget.updatesEnabled()


def test_a_hidden_widget_is_not_held(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)  # never shown: no paint would come to let the turns go on
    seen: list[bool] = []
    feed = BlockFeed(lambda block: seen.append(widget.updatesEnabled()), shown_in=widget)
    drained: list[bool] = []
    feed.drained.connect(lambda: drained.append(True))
    feed.put(list(range(4 * BLOCK_ROWS)))
    qtbot.waitUntil(lambda: bool(drained), timeout=5_000)
    assert seen and all(seen)


def test_a_block_that_fails_to_go_in_does_not_leave_the_widget_frozen(qtbot) -> None:
    """An exception in consume left the widget's updates off and the feed stalled."""
    widget = _widget(qtbot)
    seen: list[int] = []

    def consume(block: list[Any]) -> None:
        if not seen:
            seen.append(len(block))
            raise RuntimeError("a model that refused a block")
        seen.append(len(block))

    feed = BlockFeed(consume, shown_in=widget)
    drained: list[bool] = []
    feed.drained.connect(lambda: drained.append(True))
    with qtbot.captureExceptions() as raised:
        feed.put(list(range(3 * BLOCK_ROWS)))
        qtbot.waitUntil(lambda: bool(drained), timeout=5_000)
    assert [str(error) for _, error, _ in raised] == ["a model that refused a block"]
    assert sum(seen) == 3 * BLOCK_ROWS, "the other blocks still went in"
    assert widget.updatesEnabled()
