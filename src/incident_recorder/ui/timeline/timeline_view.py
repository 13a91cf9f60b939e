"""The timeline view: a table over TimelineModel, painted by timeline_delegate.TimelineDelegate.

A view may show the filtered timeline (timeline_filter.FilteredTimeline) instead: it offers the
same reading methods. Double-click on a capture opens it, on a note edits it; right-click offers
the entry's actions (see curation).

The selection belongs to the user: it stays on the entry they selected, by id, whatever changes
the model (a revision takes the row out and puts it back in its place, another row is hidden,
an entry is appended or backdated), and is dropped, never moved to a neighbour, when that entry
leaves the view. Ctrl+Shift+P and the other entry keys act on what the user selected.

It follows the newest entry while the user is at the bottom, and stops following once they
scroll up (a "Latest" button brings them back). It never takes keyboard focus: the note field
keeps it, and forwards paging keys here.

Long notes wrap in the Entry column; each row is as tall as its text (timeline_heights keeps
the heights, measuring the rows on screen and estimating the rest).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QToolButton,
    QWidget,
)

from incident_recorder.domain import Entry
from incident_recorder.ui.common.first_paint import after_first_paint
from incident_recorder.ui.common.style import fixed_font
from incident_recorder.ui.timeline.timeline_delegate import PADDING, TimelineDelegate, warm_up
from incident_recorder.ui.timeline.timeline_heights import RowHeights
from incident_recorder.ui.timeline.timeline_model import (
    COL_ENTRY,
    COL_KIND,
    COL_OFFSET,
    COL_TIME,
    ENTRY_ROLE,
)


class TimelineView(QTableView):
    """The timeline table. Emits `capture_activated(entry)` on a double-click on a capture,
    `entry_activated(entry)` on one on a note, `context_menu(entry, global position)`."""

    capture_activated = Signal(object)
    entry_activated = Signal(object)
    context_menu = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A viewport made here: PySide then knows its Python type, where Qt's own one is first
        # resolved through ~40 widget types on the first viewport() call (~12 ms of start-up)
        viewport = QWidget()
        viewport.setBackgroundRole(QPalette.ColorRole.Base)  # as Qt's own viewport
        viewport.setAutoFillBackground(True)
        self.setViewport(viewport)
        self._follow = True
        self._chosen: int | None = None
        """The id of the entry the user selected (None: none), kept across model changes."""
        self._restoring = False  # True while rows go: Qt moves the selection to a neighbour
        self.heights = RowHeights(self)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setAccessibleName("Timeline")
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.line_height() + 2 * PADDING)
        vertical.setMinimumSectionSize(self.line_height() + 2 * PADDING)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.doubleClicked.connect(self._double_clicked)
        self._latest = QToolButton(self.viewport())
        self._latest.setText("↓ Latest")
        self._latest.setToolTip("Jump to the newest entry and follow new entries (Ctrl+End)")
        self._latest.setAccessibleName("Jump to latest entry")
        self._latest.clicked.connect(self.follow_latest)
        self._latest.hide()

    def delegate(self) -> TimelineDelegate:
        """The delegate painting the rows (set with the model)."""
        delegate = self.itemDelegate()
        assert isinstance(delegate, TimelineDelegate)
        return delegate

    def line_height(self) -> int:
        return QFontMetrics(self.font()).lineSpacing()

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        self.setItemDelegate(TimelineDelegate(model, self))
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.sectionResized.connect(self._section_resized)
        self._fit_time_columns()
        self.setColumnWidth(
            COL_KIND, QFontMetrics(self.font()).horizontalAdvance("Communication") + 40
        )
        model.time_format_changed.connect(self._fit_time_columns)
        model.rowsInserted.connect(self._rows_inserted)
        model.rowsRemoved.connect(self._rows_removed)
        model.dataChanged.connect(self._data_changed)
        model.modelReset.connect(self._model_reset)
        self.selectionModel().selectionChanged.connect(self._selection_changed)
        self._chosen = None
        self._model_reset()  # size the rows the model already holds
        if model.rowCount() == 0:  # the first rows would pay for what painting does first
            after_first_paint(self.viewport(), lambda: warm_up(self.font()))

    # -- the selected entry ------------------------------------------------------------------

    def model(self) -> Any:  # TimelineModel or FilteredTimeline: the same reading methods
        return super().model()

    def selected_entry(self) -> Entry | None:
        model = self.model()
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        if model is None or not rows:
            return None
        entry: Entry = model.entry_at(rows[0].row())
        return entry

    def select_entry(self, entry_id: int, *, scroll: bool = True) -> bool:
        """Select the row of entry `entry_id` (False if it is not shown)."""
        row = self.model().row_of(entry_id)
        if row < 0:
            return False
        self.selectRow(row)
        if scroll:
            self.scrollTo(self.model().index(row, COL_ENTRY))
        return True

    def _selection_changed(self, *_: object) -> None:
        if not self._restoring:  # the user (or the app on their behalf) chose
            entry = self.selected_entry()
            self._chosen = None if entry is None else entry.id

    def _restore_selection(self) -> None:
        """After a change of the model's rows: the chosen entry selected again where it now is,
        or nothing selected if it is not shown (never its neighbour), without scrolling."""
        selection = self.selectionModel()
        if selection is None:
            return
        row = -1 if self._chosen is None else self.model().row_of(self._chosen)
        selected = [index.row() for index in selection.selectedRows()]
        if selected == ([row] if row >= 0 else []):
            return
        self._restoring = True
        scrolls = self.hasAutoScroll()
        self.setAutoScroll(False)  # re-selecting must not scroll the view away from the tail
        try:
            if row < 0:
                selection.clearSelection()
                selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
            else:
                index = self.model().index(row, 0)
                rows = QItemSelectionModel.SelectionFlag.Rows
                whole = QItemSelection(index, self.model().index(row, COL_ENTRY))
                selection.select(whole, QItemSelectionModel.SelectionFlag.ClearAndSelect | rows)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        finally:
            self.setAutoScroll(scrolls)
            self._restoring = False

    def contextMenuEvent(self, event: Any) -> None:
        index = self.indexAt(event.pos())
        if index.isValid():
            self.selectRow(index.row())
            self.context_menu.emit(self.model().entry_at(index.row()), event.globalPos())

    def _fit_time_columns(self) -> None:
        """Wide enough for times (with their date when the incident spans days) and offsets."""
        model = self.model()
        days = bool(getattr(model, "spans_days", False))
        fixed = QFontMetrics(fixed_font())
        header = QFontMetrics(self.horizontalHeader().font())
        time_text = "28 Nov 00:00:00" if days else "T+00:00:00"  # the T+ display leads with it
        offset_text = "T+10d 00:00:00" if days else "T+00:00:00"
        width = max(
            fixed.horizontalAdvance(time_text), header.horizontalAdvance("Time (local)") + 6
        )
        self.setColumnWidth(COL_TIME, width + 28)
        self.setColumnWidth(COL_OFFSET, fixed.horizontalAdvance(offset_text) + 28)

    # -- row heights -------------------------------------------------------------------------

    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self.heights.rows_inserted(first, last)
        self._restore_selection()

    def rowsAboutToBeRemoved(self, parent: Any, first: int, last: int) -> None:
        self._restoring = True  # before Qt's own handling, which selects the next row
        super().rowsAboutToBeRemoved(parent, first, last)

    def _rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        self.heights.rows_removed(first, last)
        self._restoring = False
        self._restore_selection()

    def _data_changed(self, first: QModelIndex, last: QModelIndex, *_: object) -> None:
        if first.column() <= COL_ENTRY <= last.column():
            self.heights.contents_changed()

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if column == COL_ENTRY:
            self.heights.width_changed()

    def _model_reset(self) -> None:
        self.heights.restart()
        self._restore_selection()
        if self._follow:
            self.follow_latest()

    # -- following the newest entry ----------------------------------------------------------

    @property
    def following(self) -> bool:
        return self._follow

    def follow_latest(self) -> None:
        self._follow = True
        self._latest.hide()
        self.scrollToBottom()

    def _scrolled(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - 2
        self.heights.fit_visible()
        if getattr(self, "_latest", None) is not None:
            self._latest.setVisible(not self._follow)
            self._place_latest_button()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.heights.fit_visible()  # taller: more rows in view (a narrower column: see above)

    def updateGeometries(self) -> None:
        super().updateGeometries()
        if getattr(self, "_follow", True):
            bar = self.verticalScrollBar()
            bar.setValue(bar.maximum())
        self._place_latest_button()

    def _place_latest_button(self) -> None:
        if getattr(self, "_latest", None) is None:
            return  # still being constructed
        self._latest.adjustSize()
        area = self.viewport().rect()
        self._latest.move(
            area.right() - self._latest.width() - 16, area.bottom() - self._latest.height() - 12
        )

    def page(self, steps: int) -> None:
        """Scroll by whole pages (negative: up); used by the note field's PgUp/PgDn."""
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + steps * bar.pageStep())

    def _double_clicked(self, index: QModelIndex) -> None:
        entry = index.data(ENTRY_ROLE)
        if entry is not None and entry.capture is not None:
            self.capture_activated.emit(entry)
        elif entry is not None:
            self.entry_activated.emit(entry)
