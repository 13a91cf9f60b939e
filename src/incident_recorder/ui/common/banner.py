"""A message across the top of a window's working area: an error, or a notice that stays.

Never a dialog: it takes no focus and no keystroke, so a fast typist's next keys go on into the
field they were typing in (a modal box swallowed them, and the Enter meant for the next note
closed it). An error banner says what failed and is closed with its ✕ or when the same thing
succeeds later; a notice (a read-only incident, a file open in another window) stays as long as
what it says is true.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class Banner(QFrame):
    """One message at a time; `title` is what it is about ("" when hidden)."""

    def __init__(self, object_name: str = "errorBanner", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.title = ""
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a message may quote a file's text
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss this message")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def text(self) -> str:
        return self.label.text() if self.isVisible() or self.title else ""

    def show_message(self, title: str, message: str, *, closable: bool = True) -> None:
        """Show `title: message` (the newest message replaces the one shown)."""
        self.title = title
        self.label.setText(f"{title}: {message}" if message else title)
        self.setAccessibleName(title)
        self.setAccessibleDescription(message)
        self.close_button.setVisible(closable)
        self.show()

    def clear(self, title: str) -> None:
        """Hide the banner if it is about `title` (that thing has since succeeded)."""
        if self.title == title:
            self.dismiss()

    def dismiss(self) -> None:
        self.title = ""
        self.label.clear()
        self.hide()
