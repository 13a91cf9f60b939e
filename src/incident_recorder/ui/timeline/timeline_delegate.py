"""The timeline's delegate: paints every cell of TimelineModel (or the filtered timeline).

Times in the monospace font, the kind badge, then the entry: thumbnail, ★ for a starred entry, a
"⚑ Milestone" pill for an entry marking a milestone, the text wrapped at word boundaries to the
width (timeline_text.wrap_lines: a few lines at most, the last ending in "…" when there is more;
the whole text is in the tooltip), and a quiet outlined PUBLIC badge at the right edge for a
public entry (HIDDEN, greyed, when hidden entries are shown). `row_height` says how tall an
entry's row must be for that (the view sizes rows with it).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.text import visible
from incident_recorder.ui.common.style import adapt, fixed_font, is_dark, kind_colour
from incident_recorder.ui.timeline.timeline_model import COL_ENTRY, COL_KIND
from incident_recorder.ui.timeline.timeline_text import MAX_TEXT_LINES, wrap_lines

PADDING = 6
STAR_COLOUR = QColor("#b45309")  # amber: 3:1 or more on light rows (adapted on dark)
MILESTONE_PILL = ("#ffffff", "#334155", "#334155")  # text, fill, border
TEAM_PILL = ("#1d4ed8", "", "#1d4ed8")  # outlined blue: a teammate's name, or "⇡ not sent"
PUBLIC_PILL = ("#0f766e", "", "#0f766e")  # outlined: calm, unlike the filled kind badges
HIDDEN_PILL = ("#64748b", "", "#94a3b8")
SELECTED_PILL = ("#0f172a", "#ffffff", "#ffffff")
# Flag values built once: paint() runs for every visible cell on every repaint.
# As an int: a Python enum's & costs twice an int's, on every cell.
_SELECTED = QStyle.StateFlag.State_Selected.value
_LEFT_CENTRE = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ONE_LINE = _LEFT_CENTRE | int(Qt.TextFlag.TextSingleLine)
THUMB_SIZE = QSize(160, 90)
THUMB_GAP = 10
PLACEHOLDER = "Image not shown"
"""Drawn instead of a thumbnail that was refused (too large) or is damaged."""
PILL_GAP = 8
LINES_CACHE_SIZE = 4096
_LINES: OrderedDict[tuple[str, int, str], list[str]] = OrderedDict()
"""Wrapped lines by (text, width, font), shared by every timeline (the filtered view shows
the same entries at the same width)."""
__all__ = ["MAX_TEXT_LINES", "PADDING", "THUMB_SIZE", "TimelineDelegate"]
_Index = QModelIndex | QPersistentModelIndex


class TimelineDelegate(QStyledItemDelegate):
    """Paints every cell: times in the monospace font, the kind badge, the entry (thumbnail, then
    text lines elided to the width).

    Kept lean on purpose — it reads the model directly instead of going through QModelIndex
    roles, and draws badges from cached pixmaps — because a new entry at the bottom repaints the
    whole visible timeline, and that must stay well inside one frame.
    """

    def __init__(self, model: Any, parent: QWidget | None = None) -> None:
        """`model`: a TimelineModel or a FilteredTimeline (the same reading methods)."""
        super().__init__(parent)
        self._model = model
        self._fixed = fixed_font()
        self._badges: dict[tuple[EntryKind, float], QPixmap] = {}
        self._pills: dict[tuple[str, tuple[str, str, str], float, bool], QPixmap] = {}
        self._pill_widths: dict[tuple[str, str], int] = {}

    # -- layout of the Entry column (shared by painting and the row heights) -------------------

    def text_width(self, entry: Entry, column_width: int, font: QFont) -> int:
        """The width the entry's text wraps to in an Entry cell `column_width` wide."""
        width = column_width - 2 * PADDING
        if entry.capture is not None:
            width -= THUMB_SIZE.width() + THUMB_GAP
        if entry.public or entry.hidden:
            width -= self.pill_width("HIDDEN" if entry.hidden else "PUBLIC", font) + PILL_GAP
        if entry.starred:
            width -= QFontMetrics(font).horizontalAdvance("★") + 6
        milestone = self._model.milestone_of(entry.id)
        if milestone is not None:
            width -= self.pill_width(f"⚑ {milestone.label}", font) + PILL_GAP
        team = self._model.team_label(entry.id)
        if team is not None:
            width -= self.pill_width(team, font) + PILL_GAP
        return max(1, width)

    def text_lines(self, entry: Entry, column_width: int, font: QFont) -> list[str]:
        """The lines the entry's text shows in an Entry cell `column_width` wide (cached)."""
        width = self.text_width(entry, column_width, font)
        text = visible(entry.text or self._model.capture_caption(entry))
        key = (text, width, font.key())
        lines = _LINES.get(key)
        if lines is None:
            lines = wrap_lines(text, font, width)
            _LINES[key] = lines
            if len(_LINES) > LINES_CACHE_SIZE:
                _LINES.popitem(last=False)
        return lines

    def row_height(self, entry: Entry, column_width: int, font: QFont) -> int:
        """How tall the entry's row must be: its text lines, or its thumbnail if taller."""
        height = len(self.text_lines(entry, column_width, font)) * QFontMetrics(font).lineSpacing()
        if entry.capture is not None:
            height = max(height, THUMB_SIZE.height())
        return height + 2 * PADDING

    def pill_width(self, text: str, font: QFont) -> int:
        key = (text, font.key())
        width = self._pill_widths.get(key)
        if width is None:
            width = self._pill_widths[key] = (
                QFontMetrics(_pill_font(font)).horizontalAdvance(text) + 14
            )
        return width

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        rect = option.rect
        palette = option.palette
        selected = bool(option.state.value & _SELECTED)
        if selected:
            painter.fillRect(rect, palette.highlight())
        # An alternate row's background is the view's: QTableView fills it before calling the
        # delegate (the style's PE_PanelItemViewRow); filling it again cost 40 calls a paint.
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
        dark = is_dark(option.palette)
        key = (text, style, ratio, dark)
        cached = self._pills.get(key)
        if cached is not None:
            return cached
        font = _pill_font(option.font)
        metrics = QFontMetrics(font)
        width = self.pill_width(text, option.font)
        height = metrics.height() + 2
        pixmap = QPixmap(int(width * ratio), int(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fg, bg, border = (adapt(c) if c and style is not SELECTED_PILL else c for c in style)
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

    @staticmethod
    def _paint_placeholder(painter: QPainter, option: QStyleOptionViewItem, rect: QRect) -> None:
        """A framed box saying the thumbnail is not shown (the tooltip says why)."""
        target = QRect(rect.left(), rect.top(), THUMB_SIZE.width(), THUMB_SIZE.height())
        pen = painter.pen()
        painter.setPen(option.palette.color(QPalette.ColorRole.Mid))
        painter.drawRect(target.adjusted(0, 0, -1, -1))
        painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(target, Qt.AlignmentFlag.AlignCenter, PLACEHOLDER)
        painter.setPen(pen)

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
            elif self._model.thumbnail_problem(entry.capture.id) is not None:
                self._paint_placeholder(painter, option, rect)
            rect.setLeft(rect.left() + THUMB_SIZE.width() + THUMB_GAP)
        painter.setFont(option.font)
        metrics = QFontMetrics(option.font)
        spacing = metrics.lineSpacing()
        selected = bool(option.state.value & _SELECTED)
        if entry.public or entry.hidden:
            label, style = ("HIDDEN", HIDDEN_PILL) if entry.hidden else ("PUBLIC", PUBLIC_PILL)
            pill = self._pill(label, SELECTED_PILL if selected else style, option)
            width = int(pill.deviceIndependentSize().width())
            top = rect.top() + (spacing - int(pill.deviceIndependentSize().height())) // 2
            painter.drawPixmap(rect.right() - width, top, pill)
            rect.setRight(rect.right() - width - PILL_GAP)
        if entry.starred:
            pen = painter.pen()
            painter.setPen(
                option.palette.highlightedText().color()
                if selected
                else QColor(adapt(STAR_COLOUR.name()))
            )
            painter.drawText(QRect(rect.left(), rect.top(), spacing + 2, spacing), _ONE_LINE, "★")
            painter.setPen(pen)
            rect.setLeft(rect.left() + metrics.horizontalAdvance("★") + 6)
        milestone = self._model.milestone_of(entry.id)
        if milestone is not None:
            pill = self._pill(f"⚑ {milestone.label}", MILESTONE_PILL, option)
            size = pill.deviceIndependentSize()
            painter.drawPixmap(rect.left(), rect.top() + (spacing - int(size.height())) // 2, pill)
            rect.setLeft(rect.left() + int(size.width()) + PILL_GAP)
        team = self._model.team_label(entry.id)
        if team is not None:  # who wrote it (a teammate), or that it is not sent yet
            pill = self._pill(team, SELECTED_PILL if selected else TEAM_PILL, option)
            size = pill.deviceIndependentSize()
            painter.drawPixmap(rect.left(), rect.top() + (spacing - int(size.height())) // 2, pill)
            rect.setLeft(rect.left() + int(size.width()) + PILL_GAP)
        if entry.hidden and not selected:
            painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        lines = self.text_lines(entry, option.rect.width(), option.font)
        room = max(1, rect.height() // spacing)
        if len(lines) > room:  # the row is not tall enough yet (it is about to be resized)
            lines = lines[:room]
        y = rect.top()
        for line in lines:
            painter.drawText(QRect(rect.left(), y, rect.width(), spacing), _ONE_LINE, line)
            y += spacing


def warm_up(font: QFont) -> None:
    """Do once, at a quiet moment, what the first paint of a row does for the first time:
    PySide builds QGradient's enums on the first `fillRect` with a brush (2–7 ms), and the first
    text drawn in a font loads its glyphs. A window that opens empty (a teammate's incident
    just joined) would otherwise pay it in the middle of the catch-up's first paint."""
    pixmap = QPixmap(8, 8)
    painter = QPainter(pixmap)
    try:
        painter.fillRect(QRect(0, 0, 8, 8), QPalette().alternateBase())
        for face in (fixed_font(), font, _pill_font(font)):
            painter.setFont(face)
            painter.drawText(QRect(0, 0, 8, 8), _ONE_LINE, "T+0123456789:− Aa")
    finally:
        painter.end()


def _pill_font(font: QFont) -> QFont:
    pill = QFont(font)
    pill.setBold(True)
    pill.setPointSizeF(max(7.0, pill.pointSizeF() - 1.5))
    return pill
