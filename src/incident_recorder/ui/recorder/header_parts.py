"""Small pieces of the window header: a label that elides instead of widening the window, and a
chip (a caption over a value) for a milestone's time or a metric."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from incident_recorder.ui.common.style import fixed_font

MISSING = "—"
"""What a chip shows for a value not recorded (never a guess)."""


class ElidedLabel(QLabel):
    """A one-line label that shrinks with "…" instead of widening the window; `clicked`."""

    clicked = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # titles and file names are text, never markup
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        return QSize(
            self.fontMetrics().horizontalAdvance("…") * 6, super().minimumSizeHint().height()
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown
        )

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class Chip(QWidget):
    """A small caption over a value: a milestone's time or a metric."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(caption.upper())
        self.caption.setStyleSheet(
            "color: palette(placeholder-text); font-size: 7.5pt; font-weight: 600;"
        )
        self.value = QLabel(MISSING)
        self.value.setFont(fixed_font(0))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        self._name = caption

    def show_value(self, value: str | None, tip: str) -> None:
        missing = value is None
        self.value.setText(value or MISSING)
        self.value.setStyleSheet(
            "color: palette(placeholder-text);" if missing else "font-weight: 600;"
        )
        self.setToolTip(tip)
        self.setAccessibleName(f"{self._name}: {value or 'not recorded'}")
        self.value.setAccessibleName(self.accessibleName())

    @property
    def missing(self) -> bool:
        return self.value.text() == MISSING
