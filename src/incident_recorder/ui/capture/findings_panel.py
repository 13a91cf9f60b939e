"""The findings of one capture, listed beside its image in the viewer, each one dismissable.

A row is one finding of the capture's entry (in its recognised text or in its caption): what it
looks like and its state — proposed for redaction, redacted, or marked not sensitive (by whom
and when: greyed and in italics, its box drawn dotted grey on the image instead of red).
"Not Sensitive" (the button under the list, or the row's context menu) emits
`dismiss_requested(entry id, finding key)`; the owner (CaptureController) records it with the
name in Settings ▸ Your name and the time, as `incident-recorder findings --dismiss` does, and
gives the viewer its findings again. The value found is never shown: only its kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.recognition.words import Box

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
"""A row's (entry id, finding key)."""
DISMISSED_COLOUR = QColor(120, 120, 120)


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One finding as the panel shows it."""

    entry_id: int
    key: str
    source: str  # 'capture', 'caption' (or 'note')
    kind: str  # 'aws-access-key', 'email', …
    label: str  # "an AWS access key": what it looks like, never the value
    box: Box | None
    handled: str | None  # 'redacted', 'dismissed' or None
    dismissed_by: str = ""
    dismissed_at: str = ""  # as the window shows times

    @property
    def text(self) -> str:
        where = "" if self.source == "capture" else f"In the {self.source}: "
        if self.handled == "dismissed":
            state = f"not sensitive — {self.dismissed_by}, {self.dismissed_at}"
        elif self.handled == "redacted":
            state = "redacted"
        else:
            state = "proposed for redaction" if self.box is not None else "not handled"
        return f"{where}{self.label[:1].upper()}{self.label[1:]}: {state}"


class FindingsPanel(QWidget):
    """The list of a capture's findings and the action that marks one not sensitive."""

    dismiss_requested = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Findings")
        self.rows: list[FindingRow] = []
        self.read_only = False
        self.menu: QMenu | None = None
        """The last context menu opened on a row."""
        self.title = QLabel("Looks sensitive")
        self.list = QListWidget()
        self.list.setAccessibleName("Findings in this capture")
        self.list.setWordWrap(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.currentRowChanged.connect(lambda _=0: self._update_button())
        self.dismiss_button = QPushButton("&Not Sensitive")
        self.dismiss_button.setAutoDefault(False)
        self.dismiss_button.setToolTip(
            "Mark the selected finding as not sensitive, recorded with your name "
            "(Settings ▸ Your name) and the time"
        )
        self.dismiss_button.clicked.connect(self.dismiss_current)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addWidget(self.dismiss_button)
        layout.addWidget(self.message)
        self.setMinimumWidth(220)
        self.setMaximumWidth(360)
        self.setVisible(False)

    def show_findings(self, rows: Sequence[FindingRow]) -> None:
        """Show `rows` (the panel hides itself when there are none); the selection stays on
        the same finding when it is still listed."""
        current = self.list.currentItem()
        kept = current.data(KEY_ROLE) if current is not None else None
        self.rows = list(rows)
        self.list.clear()
        for row in self.rows:
            item = QListWidgetItem(row.text)
            item.setData(KEY_ROLE, (row.entry_id, row.key))
            if row.handled == "dismissed":
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
                item.setForeground(QBrush(DISMISSED_COLOUR))
            self.list.addItem(item)
            if kept == (row.entry_id, row.key):
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.rows:
            undecided = [i for i, r in enumerate(self.rows) if r.handled is None]
            self.list.setCurrentRow(undecided[0] if undecided else 0)
        pending = sum(1 for r in self.rows if r.handled is None)
        self.title.setText(f"Looks sensitive: {len(self.rows)} finding(s), {pending} not handled")
        self.setVisible(bool(self.rows))
        self._update_button()

    def say(self, message: str) -> None:
        self.message.setText(message)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._update_button()

    def current(self) -> FindingRow | None:
        index = self.list.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def dismiss_current(self) -> None:
        """Ask for the selected finding to be recorded as not sensitive."""
        row = self.current()
        if row is not None and row.handled is None and not self.read_only:
            self.dismiss_requested.emit(row.entry_id, row.key)

    def _update_button(self) -> None:
        row = self.current()
        self.dismiss_button.setEnabled(not self.read_only and row is not None and not row.handled)

    def _menu(self, at: QPoint) -> None:
        item = self.list.itemAt(at)
        if item is None:
            return
        self.list.setCurrentItem(item)
        menu = QMenu(self)
        act = QAction("Not Sensitive", menu)
        act.setEnabled(self.dismiss_button.isEnabled())
        act.triggered.connect(self.dismiss_current)
        menu.addAction(act)
        self.menu = menu
        menu.popup(self.list.viewport().mapToGlobal(at))
