"""One free-text section of the report editor: a heading, a Markdown editor, and its draft.

The editor shows the section's guiding prompt while empty. When the section is empty and the
record gives a pre-filled draft (entries of the matching kinds, the metrics), the draft is shown
beneath it, read-only, with a "Use draft" button that copies it into the editor; a draft is
never saved unless it is used.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

MIN_LINES = 4
MAX_LINES = 30


def editor_font() -> QFont:
    """A readable monospace font for Markdown (the system's fixed font, a touch larger)."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(10.0, font.pointSizeF() + 0.5))
    return font


class SectionEdit(QPlainTextEdit):
    """A plain-text editor that grows with its text (between MIN_LINES and MAX_LINES)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(editor_font())
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def _fit(self, *_: object) -> None:
        lines = max(MIN_LINES, min(MAX_LINES, int(self.document().size().height()) + 1))
        height = self.fontMetrics().lineSpacing() * lines
        margins = self.contentsMargins()
        frame = 2 * self.frameWidth() + margins.top() + margins.bottom() + 12
        self.setFixedHeight(height + frame)

    def sizeHint(self) -> QSize:
        return QSize(400, self.height())


class SectionEditor(QWidget):
    """Heading + editor + draft panel for section `key`."""

    edited = Signal(str)
    """The section's key, on every change of its text."""

    def __init__(self, key: str, label: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.label = label
        self.setObjectName(f"section_{key}")
        heading = QLabel(label)
        heading.setObjectName("sectionHeading")
        self.edit = SectionEdit()
        self.edit.setObjectName(f"edit_{key}")
        self.edit.setPlaceholderText(prompt)
        self.edit.setAccessibleName(label)
        self.edit.textChanged.connect(self._changed)

        self.draft_panel = QFrame()
        self.draft_panel.setObjectName("draftPanel")
        self.draft_label = QLabel()
        self.draft_label.setObjectName("draftText")
        self.draft_label.setWordWrap(True)
        # The draft is Markdown (what "Use draft" copies); shown as a reader sees it, so a
        # note's '<' or '*' reads as typed, never as its escape (issue 15)
        self.draft_label.setTextFormat(Qt.TextFormat.MarkdownText)
        self.draft_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.use_draft_button = QPushButton("Use draft")
        self.use_draft_button.setToolTip("Copy this draft into the section to edit it")
        self.use_draft_button.clicked.connect(self.use_draft)
        caption = QLabel("Draft from the timeline — not saved unless used")
        caption.setObjectName("hint")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(caption, 1)
        top.addWidget(self.use_draft_button)
        panel = QVBoxLayout(self.draft_panel)
        panel.setContentsMargins(10, 8, 10, 8)
        panel.addLayout(top)
        panel.addWidget(self.draft_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 14)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(self.edit)
        layout.addWidget(self.draft_panel)
        self._draft = ""
        self._loading = False
        self._update_draft_panel()

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        """Show `text` (as saved) without counting it as an edit."""
        self._loading = True
        try:
            self.edit.setPlainText(text)
        finally:
            self._loading = False
        self._update_draft_panel()

    @property
    def draft(self) -> str:
        return self._draft

    def set_draft(self, draft: str) -> None:
        self._draft = draft.strip()
        self.draft_label.setText(self._draft)
        self._update_draft_panel()

    def use_draft(self) -> None:
        """Copy the draft into the editor (an edit: it is saved like typing)."""
        if self._draft:
            self.edit.setPlainText(self._draft)
            self.edit.setFocus()

    def _changed(self) -> None:
        self._update_draft_panel()
        if not self._loading:
            self.edited.emit(self.key)

    def _update_draft_panel(self) -> None:
        self.draft_panel.setVisible(bool(self._draft) and not self.edit.toPlainText().strip())
