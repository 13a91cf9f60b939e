"""The recognised text of a capture in its viewer: word boxes, proposed redactions, copying.

A viewer's `TextLayer` is given the capture's recognised words and the boxes of its unhandled
findings (CaptureController reads them). It paints the proposed redactions (dashed red, over
the image as shown), the boxes of findings marked not sensitive (dotted grey, no fill: see
findings_panel.py), the words a search matched in yellow (`highlight`: a capture opened from
the timeline filtered by a text) and, when "Show Text Boxes" is on, a thin box round every
recognised word.
"Accept Proposed Redactions" (Ctrl+Shift+R) adds a redaction over each proposal to the viewer's
shapes and saves them as one annotation revision, editable later like any other; Ctrl+Shift+C
copies the capture's text, with every word under a redaction left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QPainter,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QLabel, QToolBar

from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.readings import MASK
from incident_recorder.recognition.words import Box, Word, matching_words, text_of
from incident_recorder.ui.capture.annotation_tools import AnnotationEditor

PADDING = 3
HIGHLIGHT = QColor(255, 210, 0, 110)
"""A word the search matched: a marker-pen yellow, the text still readable through it."""
"""Pixels a redaction reaches past a proposal's box (as session/findings.py proposes them)."""


class Viewer(Protocol):
    """What the layer uses of its capture viewer (ui/capture/capture_viewer.py)."""

    editor: AnnotationEditor
    image: QImage

    def refresh(self) -> None: ...

    def submit_annotations(self) -> bool: ...


class TextLayer(QObject):
    """Recognised words and proposed redactions of one capture viewer."""

    def __init__(self, viewer: Viewer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._viewer = viewer
        self.words: list[Word] = []
        self.proposals: list[Box] = []
        self.dismissed: list[Box] = []
        self.query = ""
        """The search whose words are highlighted ("" for none)."""
        self.highlighted: list[Word] = []
        self.recognised = False
        self.toolbar = QToolBar()
        self.toolbar.setAccessibleName("Recognised text")
        self.show_words = QAction("Show Text Boxes", self, checkable=True)
        self.show_words.toggled.connect(lambda _=False: viewer.refresh())
        self.toolbar.addAction(self.show_words)
        self.status = QLabel()
        self.toolbar.addWidget(self.status)
        viewer.editor.changed.connect(self._update_status)
        self._update_status()

    def set_text(
        self, words: list[Word] | None, proposals: list[Box], dismissed: Sequence[Box] = ()
    ) -> None:
        """The capture's words (None: not recognised yet), the boxes to propose and those of
        findings marked not sensitive."""
        self.recognised = words is not None
        self.words = list(words or [])
        self.proposals = list(proposals)
        self.dismissed = list(dismissed)
        self.highlighted = matching_words(self.words, self.query)
        self._update_status()
        self._viewer.refresh()

    def highlight(self, query: str) -> None:
        """Highlight the words a full-text search for `query` matched ("": none)."""
        self.query = query.strip()
        self.highlighted = matching_words(self.words, self.query)
        self._update_status()
        self._viewer.refresh()

    def pending(self) -> list[Box]:
        """Proposals no redaction in the viewer's shapes covers yet."""
        redactions = [_box(s) for s in self._viewer.editor.shapes if s.kind is ShapeKind.REDACTION]
        return [p for p in self.proposals if not any(p.covered_by(r) for r in redactions)]

    def _update_status(self) -> None:
        if not self.recognised:
            text = "Text not recognised yet"
        else:
            pending = len(self.pending())
            text = f"{len(self.words)} word(s) recognised"
            if self.query:
                text += f"; {len(self.highlighted)} match “{self.query}”"
            if pending:
                text += f"; {pending} look(s) sensitive: Ctrl+Shift+R redacts them"
        self.status.setText(f"  {text}  ")

    def accept(self) -> bool:
        """Add a redaction over every pending proposal and save them (one annotation revision);
        whether there was anything to accept."""
        pending = self.pending()
        if not pending:
            self._update_status()
            return False
        width, height = self._viewer.image.width(), self._viewer.image.height()
        editor = self._viewer.editor
        for box in pending:
            editor.add(
                Shape(
                    ShapeKind.REDACTION,
                    max(0, box.left - PADDING),
                    max(0, box.top - PADDING),
                    min(width or box.right + PADDING, box.right + PADDING),
                    min(height or box.bottom + PADDING, box.bottom + PADDING),
                )
            )
        self._viewer.submit_annotations()
        self._update_status()
        return True

    def text(self) -> str:
        """The capture's text, words under a redaction replaced by a mark."""
        redactions = [_box(s) for s in self._viewer.editor.shapes if s.kind is ShapeKind.REDACTION]
        shown = [
            Word(MASK, w.box, w.confidence, w.line)
            if any(w.box.covered_by(r, 0.5) for r in redactions)
            else w
            for w in self.words
        ]
        return text_of(shown)

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

    def paint(self, pixmap: QPixmap, scale: float) -> QPixmap:
        """`pixmap` (the image at `scale`) with word boxes and pending proposals drawn on it."""
        pending = self.pending()
        shown = self.show_words.isChecked() and self.words
        if not pending and not self.dismissed and not self.highlighted and not shown:
            return pixmap
        painter = QPainter(pixmap)
        try:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(HIGHLIGHT))
            for word in self.highlighted:
                painter.drawRect(_rect(word.box, scale))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if self.show_words.isChecked():
                painter.setPen(QPen(QColor(40, 120, 255, 200), 1))
                for word in self.words:
                    painter.drawRect(_rect(word.box, scale))
            painter.setPen(QPen(QColor(120, 120, 120), 1, Qt.PenStyle.DotLine))
            for box in self.dismissed:
                painter.drawRect(_rect(box, scale))
            pen = QPen(QColor(220, 30, 30), 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(QBrush(QColor(220, 30, 30, 60)))
            for box in pending:
                painter.drawRect(_rect(box, scale))
        finally:
            painter.end()
        return pixmap


def _box(shape: Shape) -> Box:
    left, top, right, bottom = shape.box()
    return Box(left, top, right - left, bottom - top)


def _rect(box: Box, scale: float) -> QRect:
    return QRect(
        round(box.left * scale),
        round(box.top * scale),
        max(1, round(box.width * scale)),
        max(1, round(box.height * scale)),
    )
