"""The timeline view: a table over TimelineModel with a delegate for kind badges and thumbnails.

The entry column also shows ★ for a starred entry, a "⚑ Milestone" pill for an entry marking a
milestone, and a quiet outlined PUBLIC badge at the right edge for a public entry (HIDDEN, greyed,
when hidden entries are shown). A view may show the filtered timeline
(timeline_filter.FilteredTimeline) instead: it offers the same reading methods.

It follows the newest entry while the user is at the bottom, and stops following once they
scroll up (a "Latest" button brings them back). It never takes keyboard focus: the note field
keeps it, and forwards paging keys here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap
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
    TimelineModel,
)

PADDING = 6
STAR_COLOUR = QColor("#d97706")
MILESTONE_PILL = ("#ffffff", "#334155", "#334155")  # text, fill, border
PUBLIC_PILL = ("#0f766e", "", "#0f766e")  # outlined: calm, unlike the filled kind badges
HIDDEN_PILL = ("#64748b", "", "#94a3b8")
SELECTED_PILL = ("#0f172a", "#ffffff", "#ffffff")
# Flag values built once: paint() runs for every visible cell on every repaint.
_SELECTED = QStyle.StateFlag.State_Selected
_ALTERNATE = QStyleOptionViewItem.ViewItemFeature.Alternate
_LEFT_CENTRE = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ONE_LINE = _LEFT_CENTRE | int(Qt.TextFlag.TextSingleLine)
THUMB_SIZE = QSize(160, 90)
MAX_TEXT_LINES = 6
_Index = QModelIndex | QPersistentModelIndex


class TimelineDelegate(QStyledItemDelegate):
    """Paints every cell: times in the monospace font, the kind badge, the entry (thumbnail, then
    text lines elided to the width).

    Kept lean on purpose — it reads the model directly instead of going through QModelIndex
    roles, and draws badges from cached pixmaps — because a new entry at the bottom repaints the
    whole visible timeline, and that must stay well inside one frame.
    """

    def __init__(self, model: TimelineModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._fixed = fixed_font()
        self._badges: dict[tuple[EntryKind, float], QPixmap] = {}
        self._pills: dict[tuple[str, tuple[str, str, str], float], QPixmap] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        rect = option.rect
        palette = option.palette
        selected = bool(option.state & _SELECTED)
        if selected:
            painter.fillRect(rect, palette.highlight())
        elif option.features & _ALTERNATE:
            painter.fillRect(rect, palette.alternateBase())
        entry = self._model.entry_at(index.row())
        column = index.column()
        colour = palette.highlightedText() if selected else palette.text()
        if column == COL_KIND:
            self._paint_badge(painter, option, entry.kind)
        elif column == COL_ENTRY:
            painter.setPen(colour.color())
            self._paint_entry(painter, option, entry)
        else:
            painter.setPen(colour.color())
            painter.setFont(self._fixed)
            text = self._model.cell_text(index.row(), column)
            line = QFontMetrics(option.font).lineSpacing()
            painter.drawText(
                QRect(rect.left() + PADDING + 2, rect.top() + PADDING, rect.width(), line),
                _LEFT_CENTRE,
                text,
            )

    def _badge(self, kind: EntryKind, option: QStyleOptionViewItem) -> QPixmap:
        ratio = option.widget.devicePixelRatioF() if option.widget else 1.0
        cached = self._badges.get((kind, ratio))
        if cached is not None:
            return cached
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(kind.label) + 16
        height = metrics.height() + 4
        pixmap = QPixmap(int(width * ratio), int(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(kind_colour(kind))
        painter.drawRoundedRect(QRect(0, 0, width, height), height / 2, height / 2)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, kind.label)
        painter.end()
        self._badges[(kind, ratio)] = pixmap
        return pixmap

    def _pill(
        self, text: str, style: tuple[str, str, str], option: QStyleOptionViewItem
    ) -> QPixmap:
        """A small rounded label (milestone, PUBLIC, HIDDEN), drawn once and cached."""
        ratio = option.widget.devicePixelRatioF() if option.widget else 1.0
        key = (text, style, ratio)
        cached = self._pills.get(key)
        if cached is not None:
            return cached
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(text) + 14
        height = metrics.height() + 2
        pixmap = QPixmap(int(width * ratio), int(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fg, bg, border = style
        painter.setPen(QColor(border))
        painter.setBrush(QColor(bg) if bg else Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(0.5, 0.5, width - 1, height - 1), 4, 4)
        painter.setFont(font)
        painter.setPen(QColor(fg))
        painter.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        self._pills[key] = pixmap
        return pixmap

    def _paint_badge(
        self, painter: QPainter, option: QStyleOptionViewItem, kind: EntryKind
    ) -> None:
        painter.drawPixmap(
            option.rect.left() + PADDING, option.rect.top() + PADDING - 1, self._badge(kind, option)
        )

    def _paint_entry(self, painter: QPainter, option: QStyleOptionViewItem, entry: Entry) -> None:
        rect = option.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        if entry.capture is not None:
            pixmap = self._model.thumbnail(entry.capture.id)
            if pixmap is not None and not pixmap.isNull():
                scaled = pixmap.size().scaled(THUMB_SIZE, Qt.AspectRatioMode.KeepAspectRatio)
                target = QRect(rect.left(), rect.top(), scaled.width(), scaled.height())
                painter.drawPixmap(target, pixmap)
                pen = painter.pen()
                painter.setPen(option.palette.color(QPalette.ColorRole.Mid))
                painter.drawRect(target.adjusted(0, 0, -1, -1))
                painter.setPen(pen)
            rect.setLeft(rect.left() + THUMB_SIZE.width() + 10)
        painter.setFont(option.font)
        metrics = QFontMetrics(option.font)
        spacing = metrics.lineSpacing()
        selected = bool(option.state & _SELECTED)
        if entry.public or entry.hidden:
            label, style = ("HIDDEN", HIDDEN_PILL) if entry.hidden else ("PUBLIC", PUBLIC_PILL)
            pill = self._pill(label, SELECTED_PILL if selected else style, option)
            width = int(pill.deviceIndependentSize().width())
            top = rect.top() + (spacing - int(pill.deviceIndependentSize().height())) // 2
            painter.drawPixmap(rect.right() - width, top, pill)
            rect.setRight(rect.right() - width - 8)
        if entry.starred:
            pen = painter.pen()
            painter.setPen(option.palette.highlightedText().color() if selected else STAR_COLOUR)
            painter.drawText(QRect(rect.left(), rect.top(), spacing + 2, spacing), _ONE_LINE, "★")
            painter.setPen(pen)
            rect.setLeft(rect.left() + metrics.horizontalAdvance("★") + 6)
        milestone = self._model.milestone_of(entry.id)
        if milestone is not None:
            pill = self._pill(f"⚑ {milestone.label}", MILESTONE_PILL, option)
            size = pill.deviceIndependentSize()
            painter.drawPixmap(rect.left(), rect.top() + (spacing - int(size.height())) // 2, pill)
            rect.setLeft(rect.left() + int(size.width()) + 8)
        if entry.hidden and not selected:
            painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        text = entry.text or self._model.capture_caption(entry)
        lines = text.split("\n", MAX_TEXT_LINES)
        room = max(1, rect.height() // metrics.lineSpacing())
        if len(lines) > room:
            lines = lines[: room - 1] + [lines[room - 1] + " …"]
        y = rect.top()
        flags = _ONE_LINE
        for line in lines:
            elided = metrics.elidedText(line[:2000], Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(
                QRect(rect.left(), y, rect.width(), metrics.lineSpacing()), flags, elided
            )
            y += metrics.lineSpacing()


class TimelineView(QTableView):
    """The timeline table. Emits `capture_activated(entry)` on a double-click on a capture,
    `entry_activated(entry)` on one on a note, `context_menu(entry, global position)`."""

    capture_activated = Signal(object)
    entry_activated = Signal(object)
    context_menu = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._follow = True
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
        self.setItemDelegate(TimelineDelegate(model, self))
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._fit_time_columns()
        self.setColumnWidth(
            COL_KIND, QFontMetrics(self.font()).horizontalAdvance("Communication") + 40
        )
        model.time_format_changed.connect(self._fit_time_columns)
        model.rowsInserted.connect(self._rows_inserted)
        model.modelAboutToBeReset.connect(self._keep_selection)
        model.modelReset.connect(self._model_reset)
        self._model_reset()  # size the rows the model already holds

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

    def _keep_selection(self) -> None:
        entry = self.selected_entry()
        self._reselect = None if entry is None else entry.id

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
        time_text = "28 Nov 00:00:00" if days else "00:00:00"
        offset_text = "T+10d 00:00:00" if days else "T+00:00:00"
        width = max(
            fixed.horizontalAdvance(time_text), header.horizontalAdvance("Time (local)") + 6
        )
        self.setColumnWidth(COL_TIME, width + 28)
        self.setColumnWidth(COL_OFFSET, fixed.horizontalAdvance(offset_text) + 28)

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
        if model is not None and hasattr(model, "tall_rows"):
            for row in model.tall_rows():
                self.verticalHeader().resizeSection(row, self._row_height(model.entry_at(row)))
        reselect, self._reselect = getattr(self, "_reselect", None), None
        if reselect is not None:
            self.select_entry(reselect, scroll=False)
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
        elif entry is not None:
            self.entry_activated.emit(entry)
