"""The inline question shown in the note bar before a very large note (a pasted log) is saved.

It never blocks the window: the timeline, the menus and the other keys go on working while it
is shown, and the draft stays in the field whatever the answer.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from incident_recorder.domain.text import describe_size


class LargeNoteBar(QFrame):
    """The inline question before a very large note is saved: Save / Keep editing."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("largeNote")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.save_button = QPushButton("Save as note")
        self.save_button.setToolTip("Save the whole text as one note (Enter)")
        self.keep_button = QPushButton("Keep editing")
        self.keep_button.setToolTip("Back to the field; nothing is saved (Esc)")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.keep_button)
        self.setAccessibleName("Large note: confirm before saving")
        self.hide()

    def ask(self, text: str) -> None:
        self.label.setText(
            f"This note is {describe_size(text)}. Save it as a note? Long logs are better"
            " attached as a file or trimmed. Enter saves it · Esc keeps editing."
        )
        self.show()
