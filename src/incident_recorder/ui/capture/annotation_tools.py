"""Drawing annotations in the capture viewer: tools, the shapes being edited, undo, painting.

`AnnotationEditor` holds the shapes of one capture (image pixels, as stored), the current tool
(select, rectangle, arrow, text, redact), the selection and an undo stack. The viewer feeds it
mouse positions already mapped to image pixels and asks it to paint the shapes over the pixmap
it shows. Redactions are painted solid black, as the export renders them (report/annotate.py).
Nothing is stored here: the viewer emits the shapes and the window saves them as a revision.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QLineF, QObject, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from incident_recorder.domain.annotation import Shape, ShapeKind

TOOLS: tuple[tuple[str, str, str], ...] = (
    ("select", "Select", "Select a shape (Delete removes it); drag to pan a zoomed image"),
    ("rectangle", "Rectangle", "Drag to draw a rectangle"),
    ("arrow", "Arrow", "Drag from the tail to the head of an arrow"),
    ("text", "Text", "Click where a text label starts"),
    ("redact", "Redact", "Drag a solid box over what must not be shared"),
)
"""(tool id, button text, tooltip) in toolbar order."""
_KINDS = {
    "rectangle": ShapeKind.RECTANGLE,
    "arrow": ShapeKind.ARROW,
    "text": ShapeKind.TEXT,
    "redact": ShapeKind.REDACTION,
}
MIN_DRAG = 3
"""Image pixels: a rectangle or redaction narrower or lower than this draws nothing, nor does
an arrow shorter than this both ways (a stray click)."""
INK = QColor(230, 20, 20)


class AnnotationEditor(QObject):
    """The editable shapes of one capture; `changed` fires after every edit."""

    changed = Signal()

    def __init__(self, shapes: Sequence[Shape] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.shapes: list[Shape] = list(shapes)
        self.saved: list[Shape] = list(shapes)
        self.tool = "select"
        self.selected: int | None = None
        self._undo: list[list[Shape]] = []
        self._start: QPoint | None = None
        self.preview: Shape | None = None

    @property
    def dirty(self) -> bool:
        return self.shapes != self.saved

    def reset(self, shapes: Sequence[Shape]) -> None:
        """Show `shapes` as saved (reloaded from the file): no selection, nothing to undo."""
        self.shapes = list(shapes)
        self.saved = list(shapes)
        self.selected = None
        self.preview = None
        self._undo.clear()
        self.changed.emit()

    def mark_saved(self) -> None:
        self.saved = list(self.shapes)
        self._undo.clear()
        self.changed.emit()

    def _edit(self, shapes: list[Shape]) -> None:
        self._undo.append(list(self.shapes))
        self.shapes = shapes
        self.selected = None
        self.changed.emit()

    def add(self, shape: Shape) -> None:
        self._edit([*self.shapes, shape])

    def delete_selected(self) -> bool:
        if self.selected is None:
            return False
        self._edit([s for i, s in enumerate(self.shapes) if i != self.selected])
        return True

    def undo(self) -> bool:
        """Take back the last edit since the last save."""
        if not self._undo:
            return False
        self.shapes = self._undo.pop()
        self.selected = None
        self.changed.emit()
        return True

    # -- pointer (positions in image pixels) -------------------------------------------------

    def press(self, at: QPoint) -> None:
        if self.tool == "select":
            self.selected = self.shape_at(at)
            self.changed.emit()
            return
        self._start = at

    def move(self, at: QPoint) -> None:
        if self._start is not None and self.tool in ("rectangle", "arrow", "redact"):
            self.preview = Shape(
                _KINDS[self.tool], self._start.x(), self._start.y(), at.x(), at.y()
            )
            self.changed.emit()

    def release(self, at: QPoint, text: str | None = None) -> Shape | None:
        """Finish a drag; the shape added (None for a stray click). Text labels need `text`."""
        start, self._start, self.preview = self._start, None, None
        if start is None or self.tool == "select":
            return None
        kind = _KINDS[self.tool]
        if kind is ShapeKind.TEXT:
            if not text or not text.strip():
                self.changed.emit()
                return None
            shape = Shape(kind, start.x(), start.y(), start.x(), start.y(), text.strip())
        else:
            width, height = abs(at.x() - start.x()), abs(at.y() - start.y())
            too_small = (
                width < MIN_DRAG or height < MIN_DRAG  # a box needs both: a flat one hides nothing
                if kind in (ShapeKind.RECTANGLE, ShapeKind.REDACTION)
                else width < MIN_DRAG and height < MIN_DRAG
            )
            if too_small:
                self.changed.emit()
                return None
            shape = Shape(kind, start.x(), start.y(), at.x(), at.y())
        self.add(shape)
        return shape

    def shape_at(self, at: QPoint) -> int | None:
        """The topmost shape whose box (grown by a few pixels) holds `at`."""
        for index in range(len(self.shapes) - 1, -1, -1):
            left, top, right, bottom = self.shapes[index].box()
            if self.shapes[index].kind is ShapeKind.TEXT:
                right, bottom = left + 8 * len(self.shapes[index].text) + 8, top + 20
            if left - 4 <= at.x() <= right + 4 and top - 4 <= at.y() <= bottom + 4:
                return index
        return None

    # -- painting ----------------------------------------------------------------------------

    def paint(self, pixmap: QPixmap, scale: float) -> QPixmap:
        """A copy of `pixmap` (the image shown at `scale`) with the shapes drawn on it."""
        shapes = [*self.shapes, *([self.preview] if self.preview else [])]
        if not shapes:
            return pixmap
        out = QPixmap(pixmap)
        painter = QPainter(out)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(INK, max(2.0, 2.0 * scale))
        for index, shape in enumerate(shapes):
            left, top, right, bottom = (v * scale for v in shape.box())
            box = QRectF(left, top, right - left, bottom - top)
            if shape.kind is ShapeKind.REDACTION:
                painter.fillRect(box, QColor(0, 0, 0))
            elif shape.kind is ShapeKind.RECTANGLE:
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(box)
            elif shape.kind is ShapeKind.ARROW:
                _arrow(painter, pen, shape, scale)
            elif shape.kind is ShapeKind.TEXT:
                painter.setPen(pen)
                font = QFont()
                font.setPixelSize(max(8, round(18 * scale)))
                painter.setFont(font)
                painter.drawText(
                    QPointF(shape.x1 * scale, shape.y1 * scale + 16 * scale), shape.text
                )
            if index == self.selected:
                painter.setPen(QPen(QColor(40, 120, 255), 2, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(box.adjusted(-3, -3, 3, 3))
        painter.end()
        return out


def _arrow(painter: QPainter, pen: QPen, shape: Shape, scale: float) -> None:
    line = QLineF(shape.x1 * scale, shape.y1 * scale, shape.x2 * scale, shape.y2 * scale)
    painter.setPen(pen)
    painter.drawLine(line)
    if line.length() < 1:
        return
    head = min(line.length() * 0.4, 6 * pen.widthF() + 6)
    back = QLineF(line.p2(), line.p1())
    back.setLength(head)
    left, right = QLineF(back), QLineF(back)
    left.setAngle(back.angle() + 25)
    right.setAngle(back.angle() - 25)
    path = QPainterPath()
    path.addPolygon(QPolygonF([line.p2(), left.p2(), right.p2()]))
    painter.fillPath(path, QBrush(INK))
