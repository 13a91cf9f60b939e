"""Row heights of the timeline: each row as tall as its wrapped text (or its thumbnail).

Measuring wrapped text costs tens to hundreds of microseconds a row, too much for 100,000 rows
on every resize. So only the rows on screen are measured exactly (through the delegate, which
paints the same lines), right when they come into view, when entries arrive and when the
Entry column changes width. Every other row gets an estimate from its character count
(timeline_text.estimate_lines), set by a pass that runs in slices of a few milliseconds on
the event loop, started again (debounced) after the column changes width. The estimates keep
the scroll bar honest; where one was off, the row is corrected when it comes into view, and
the scroll position is adjusted by the difference so that what is on screen does not jump.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QScrollBar, QWidget

from incident_recorder.ui.timeline.timeline_delegate import (
    PADDING,
    PILL_GAP,
    THUMB_GAP,
    THUMB_SIZE,
    TimelineDelegate,
)
from incident_recorder.ui.timeline.timeline_model import COL_ENTRY
from incident_recorder.ui.timeline.timeline_text import average_char_width, estimate_lines

SLICE_S = 0.005
"""The longest one slice of the estimating pass keeps the event loop (seconds)."""
REFLOW_DEBOUNCE_MS = 150
"""How long the column must keep its width before every row is estimated again."""
EXACT_INSERTS = 64
"""Inserted rows up to this many are measured exactly at once; more are estimated."""


class MeasuredView(Protocol):
    """What RowHeights needs of its view (timeline_view.TimelineView provides it; that module
    is not imported here, so that the two form no circle)."""

    @property
    def following(self) -> bool:
        """The view is at the newest entry and stays there."""
        ...

    def model(self) -> Any: ...
    def delegate(self) -> TimelineDelegate: ...
    def verticalHeader(self) -> QHeaderView: ...
    def verticalScrollBar(self) -> QScrollBar: ...
    def viewport(self) -> QWidget: ...
    def rowAt(self, y: int, /) -> int: ...
    def rowViewportPosition(self, row: int, /) -> int: ...
    def columnWidth(self, column: int, /) -> int: ...
    def font(self) -> QFont: ...
    def updateGeometries(self) -> None: ...


class RowHeights(QObject):
    """Keeps a TimelineView's row heights following the text in its Entry column."""

    def __init__(self, view: MeasuredView) -> None:
        super().__init__(view if isinstance(view, QObject) else None)  # the view owns it
        self._view = view
        self._width = -1  # the Entry column width the heights are for
        self._exact: dict[int, int] = {}  # entry id → measured height, at that width
        self._cursor = -1  # the next row the estimating pass looks at (-1: no pass)
        self._fitting = False
        self._pass = QTimer(self, singleShot=True, interval=0)
        self._pass.timeout.connect(self._pass_slice)
        self._reflow = QTimer(self, singleShot=True, interval=REFLOW_DEBOUNCE_MS)
        self._reflow.timeout.connect(self.restart)
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self.fit_visible)

    @property
    def settled(self) -> bool:
        """True when no pass or re-flow is pending (every row has its height)."""
        return self._cursor < 0 and not self._reflow.isActive()

    # -- what the view tells us ----------------------------------------------------------------

    def restart(self) -> None:
        """Measure what is on screen, then estimate every row again (after a reset or resize)."""
        self._exact.clear()
        self.fit_visible()
        model = self._view.model()
        self._cursor = 0 if model is not None and model.rowCount() else -1
        if self._cursor >= 0:
            self._pass.start()

    def width_changed(self) -> None:
        """The Entry column changed width: re-flow what is on screen now, the rest soon."""
        self.fit_visible()
        self._reflow.start()

    def contents_changed(self) -> None:
        """Something shown in the rows changed (a milestone mark, say): measure them again."""
        self._exact.clear()
        self._refit.start()

    def rows_inserted(self, first: int, last: int) -> None:
        if self._cursor > first:
            self._cursor += last - first + 1
        view, model = self._view, self._view.model()
        header = view.verticalHeader()
        if last - first < EXACT_INSERTS:
            width, font = self._column()
            delegate = view.delegate()
            for row in range(first, last + 1):
                entry = model.entry_at(row)
                height = self._exact[entry.id] = delegate.row_height(entry, width, font)
                header.resizeSection(row, height)
        else:
            estimate = self._estimator()
            records = model.records()
            for row in range(first, last + 1):
                header.resizeSection(row, estimate(records[row]))
        self.fit_visible()

    def rows_removed(self, first: int, last: int) -> None:
        if self._cursor > first:
            self._cursor = max(first, self._cursor - (last - first + 1))

    # -- exact heights for the rows on screen ------------------------------------------------

    def fit_visible(self) -> None:
        """Give the rows on screen their measured heights, keeping what is seen in place."""
        view, model = self._view, self._view.model()
        if self._fitting or model is None or not model.rowCount():
            return
        width, font = self._column()
        if width != self._width:
            self._width = width
            self._exact.clear()
        self._fitting = True
        try:
            delegate, header = view.delegate(), view.verticalHeader()
            for _ in range(4):  # rows that shrank can bring more rows into view
                top = view.rowAt(0)
                if top < 0:
                    return
                bottom = view.rowAt(view.viewport().height() - 1)
                bottom = model.rowCount() - 1 if bottom < 0 else bottom
                shift = 0
                changed = False
                for row in range(top, bottom + 1):
                    entry = model.entry_at(row)
                    height = self._exact.get(entry.id)
                    if height is None:
                        height = self._exact[entry.id] = delegate.row_height(entry, width, font)
                    old = header.sectionSize(row)
                    if height != old:
                        if row == top and view.rowViewportPosition(top) < 0:
                            shift += height - old  # the top row's hidden part grows or shrinks
                        header.resizeSection(row, height)
                        changed = True
                if shift:
                    self._keep_in_place(shift)
                if not changed:
                    return
        finally:
            self._fitting = False

    def _keep_in_place(self, shift: int) -> None:
        """Rows above what is on screen changed height by `shift`: scroll by as much."""
        view = self._view
        if view.following:
            return  # the view stays at the newest entry anyway
        view.updateGeometries()  # the scroll range first, so the new value is not clamped
        bar = view.verticalScrollBar()
        bar.setValue(bar.value() + shift)

    # -- estimates for every other row ---------------------------------------------------------

    def _column(self) -> tuple[int, Any]:
        return self._view.columnWidth(COL_ENTRY), self._view.font()

    def _estimator(self) -> Any:
        """A function giving a raw record's estimated row height at the current width."""
        width, font = self._column()
        delegate = self._view.delegate()
        average = average_char_width(font)
        line = QFontMetrics(font).lineSpacing()
        star = QFontMetrics(font).horizontalAdvance("★") + 6
        public = delegate.pill_width("PUBLIC", font) + PILL_GAP
        hidden = delegate.pill_width("HIDDEN", font) + PILL_GAP
        text_width = width - 2 * PADDING
        thumb = THUMB_SIZE.width() + THUMB_GAP
        thumb_height = THUMB_SIZE.height()
        one_line = line + 2 * PADDING

        def estimate(record: Any) -> int:
            text: str = record.text
            room = text_width
            if record.starred:
                room -= star
            if record.hidden:
                room -= hidden
            elif record.public:
                room -= public
            if record.capture_id is not None:
                lines = estimate_lines(text, (room - thumb) / average) if text else 1
                return max(lines * line, thumb_height) + 2 * PADDING
            if len(text) * average < room * 0.9 and "\n" not in text:
                return one_line  # the common case, kept cheap
            return estimate_lines(text, room / average) * line + 2 * PADDING

        return estimate

    def _pass_slice(self) -> None:
        """Estimate rows from the cursor on for a few milliseconds, then yield to the loop."""
        view, model = self._view, self._view.model()
        if model is None or self._cursor < 0:
            return
        records = model.records()
        estimate = self._estimator()
        exact = self._exact
        header = view.verticalHeader()
        top = view.rowAt(0)
        bottom = count_rows = len(records)
        shift = 0
        changed = seen = False
        deadline = time.perf_counter() + SLICE_S
        row = self._cursor
        if (last := view.rowAt(view.viewport().height() - 1)) >= 0:
            bottom = last
        # Quietly: no repaint per row (the view would repaint itself for each slice), and no
        # walk over every section per resize. What is on screen is already measured.
        header.setUpdatesEnabled(False)
        header.blockSignals(True)
        try:
            while row < count_rows:
                record = records[row]
                height = exact.get(record.id) or estimate(record)
                old = header.sectionSize(row)
                if height != old:
                    header.resizeSection(row, height)
                    changed = True
                    if row < top:
                        shift += height - old
                    elif row <= bottom:
                        seen = True
                row += 1
                if not row & 63 and time.perf_counter() > deadline:
                    break
        finally:
            header.blockSignals(False)
            header.setUpdatesEnabled(True)
        self._cursor = row if row < count_rows else -1
        if changed:
            self._rows_moved(shift, repaint=seen)
        if self._cursor >= 0:
            self._pass.start()

    def _rows_moved(self, shift: int, *, repaint: bool) -> None:
        """After rows off screen changed height: the new scroll range, and the scroll position
        moved by `shift` (the change above the screen; at the newest entry: kept there), without
        scrolling the viewport's pixels (what it shows has not changed) unless `repaint`."""
        view = self._view
        bar = view.verticalScrollBar()
        value = bar.value() + shift
        bar.blockSignals(True)
        try:
            view.updateGeometries()  # the range; at the newest entry, it keeps the view there
            if not view.following:
                bar.setValue(value)
        finally:
            bar.blockSignals(False)
        view.verticalHeader().setOffset(bar.value())
        if repaint:
            view.viewport().update()
