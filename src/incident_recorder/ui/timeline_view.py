"""The timeline view: a table over TimelineModel with a delegate for kind badges and thumbnails.

It follows the newest entry while the user is at the bottom, and stops following once they
scroll up (a "Latest" button brings them back). It never takes keyboard focus: the note field
keeps it, and forwards paging keys here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QWidget,
)

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.ui.style import fixed_font, kind_colour
from incident_recorder.ui.timeline_model import (
    COL_ENTRY,
    COL_KIND,
    COL_OFFSET,
    COL_TIME,
    ENTRY_ROLE,
    THUMBNAIL_ROLE,
    TimelineModel,
)

PADDING = 6
THUMB_SIZE = QSize(160, 90)
MAX_TEXT_LINES = 6
_Index = QModelIndex | QPersistentModelIndex


class TimelineDelegate(QStyledItemDelegate):
    """Paints the kind badge and the entry (thumbnail, then text lines elided to the width)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        column = index.column()
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        try:
            if column == COL_KIND:
                self._paint_badge(painter, opt, index.data(ENTRY_ROLE).kind)
            elif column == COL_ENTRY:
                self._paint_entry(painter, opt, index)
            else:
                self._paint_time(painter, opt, str(index.data() or ""))
        finally:
            painter.restore()

    def _paint_badge(self, painter: QPainter, opt: QStyleOptionViewItem, kind: EntryKind) -> None:
        font = opt.font
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(kind.label) + 16
        height = metrics.height() + 4
        rect = QRect(opt.rect.left() + PADDING, opt.rect.top() + PADDING - 1, width, height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(kind_colour(kind))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, kind.label)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fixed = fixed_font()

    def _text_colour(self, opt: QStyleOptionViewItem) -> QColor:
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        return opt.palette.color(role)

    def _paint_time(self, painter: QPainter, opt: QStyleOptionViewItem, text: str) -> None:
        rect = opt.rect.adjusted(PADDING + 2, PADDING, -PADDING, -PADDING)
        painter.setFont(self._fixed)
        painter.setPen(self._text_colour(opt))
        height = QFontMetrics(opt.font).lineSpacing()
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), height),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            text,
        )

    def _paint_entry(self, painter: QPainter, opt: QStyleOptionViewItem, index: _Index) -> None:
        rect = opt.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        pixmap: QPixmap | None = index.data(THUMBNAIL_ROLE)
        if pixmap is not None and not pixmap.isNull():
            scaled = pixmap.size().scaled(THUMB_SIZE, Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(rect.left(), rect.top(), scaled.width(), scaled.height())
            painter.drawPixmap(target, pixmap)
            painter.setPen(opt.palette.color(QPalette.ColorRole.Mid))
            painter.drawRect(target.adjusted(0, 0, -1, -1))
            rect.setLeft(rect.left() + THUMB_SIZE.width() + 10)
        painter.setPen(self._text_colour(opt))
        painter.setFont(opt.font)
        metrics = QFontMetrics(opt.font)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        lines = text.split("\n")
        room = max(1, rect.height() // metrics.lineSpacing())
        if len(lines) > room:
            lines = lines[: room - 1] + [lines[room - 1] + " …"]
        y = rect.top()
        for line in lines:
            elided = metrics.elidedText(line, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(
                QRect(rect.left(), y, rect.width(), metrics.lineSpacing()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                | int(Qt.TextFlag.TextSingleLine),
                elided,
            )
            y += metrics.lineSpacing()


class TimelineView(QTableView):
    """The timeline table. Emits `capture_activated(entry)` on a double-click on a capture."""

    capture_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._follow = True
        self.setItemDelegate(TimelineDelegate(self))
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

    def line_height(self) -> int:
        return QFontMetrics(self.font()).lineSpacing()

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        font_metrics = QFontMetrics(fixed_font())
        header_metrics = QFontMetrics(header.font())
        self.setColumnWidth(
            COL_TIME,
            max(
                font_metrics.horizontalAdvance("00:00:00"),
                header_metrics.horizontalAdvance("Time (local)") + 6,
            )
            + 28,
        )
        self.setColumnWidth(COL_OFFSET, font_metrics.horizontalAdvance("T+00:00:00") + 28)
        self.setColumnWidth(
            COL_KIND, QFontMetrics(self.font()).horizontalAdvance("Communication") + 40
        )
        model.rowsInserted.connect(self._rows_inserted)
        model.modelReset.connect(self._model_reset)

    # -- row heights -------------------------------------------------------------------------

    def _row_height(self, entry: Entry) -> int:
        lines = min(MAX_TEXT_LINES, entry.text.count("\n") + 1)
        height = lines * self.line_height()
        if entry.capture is not None:
            height = max(height, THUMB_SIZE.height())
        return height + 2 * PADDING

    def _size_rows(self, first: int, last: int) -> None:
        model = self.model()
        default = self.verticalHeader().defaultSectionSize()
        for row in range(first, last + 1):
            entry: Entry = model.data(model.index(row, COL_ENTRY), ENTRY_ROLE)
            height = self._row_height(entry)
            if height != default:
                self.verticalHeader().resizeSection(row, height)

    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self._size_rows(first, last)

    def _model_reset(self) -> None:
        model = self.model()
        for row in range(model.rowCount()):
            entry: Entry = model.entry_at(row) if isinstance(model, TimelineModel) else None
            if entry is not None and (entry.capture is not None or "\n" in entry.text):
                self.verticalHeader().resizeSection(row, self._row_height(entry))
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
        if getattr(self, "_latest", None) is not None:
            self._latest.setVisible(not self._follow)
            self._place_latest_button()

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
