"""Every revision of one entry (Ctrl+Shift+H, "Show History…"), the original first.

A row per revision: its number, when it was saved, kind, occurred at (with the offset it was typed
in), public / starred / hidden and the text; a cell that differs from the revision before is
bold on a soft tint, with the earlier value in its tooltip. Below, the selected revision's text
word by word against the one before it (removed words struck through, added ones underlined).
Nothing here changes the file except "Unhide", which adds one revision.
"""

from __future__ import annotations

import difflib
import html
from datetime import UTC, datetime, tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.domain import Entry
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFileError
from incident_recorder.ui.common.inert_browser import InertBrowser
from incident_recorder.ui.common.links import plain_tip
from incident_recorder.ui.common.style import adapt

COLUMNS = ("Rev.", "Saved", "Kind", "Occurred at", "Public", "Starred", "Hidden", "Text")
CHANGED = QColor("#fef3c7")


def cells(entry: Entry, saved: datetime, zone: tzinfo | None) -> list[str]:
    """The texts of one revision's row."""
    occurred = entry.occurred_at.astimezone(zone)
    typed = f" (typed {entry.occurred_offset})" if entry.occurred_offset else ""
    return [
        "original" if entry.revision == 1 else str(entry.revision),
        f"{saved.astimezone(zone):%d %b %H:%M:%S}",
        entry.kind.label,
        f"{occurred:%d %b %H:%M:%S}{typed}",
        "yes" if entry.public else "no",
        "★" if entry.starred else "",
        "hidden" if entry.hidden else "",
        " ".join(entry.text.split()),
    ]


def word_diff(before: str, after: str) -> str:
    """HTML: `after` with the words removed since `before` struck through, added ones marked."""
    old, new = before.split(" "), after.split(" ")
    parts: list[str] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if op in ("delete", "replace"):
            gone = html.escape(" ".join(old[a1:a2]))
            parts.append(f"<s style='color:{adapt('#b91c1c')}'>{gone}</s>")
        if op in ("insert", "replace"):
            added = html.escape(" ".join(new[b1:b2]))
            parts.append(f"<u style='color:{adapt('#15803d')}'>{added}</u>")
        if op == "equal":
            parts.append(html.escape(" ".join(new[b1:b2])))
    return " ".join(parts).replace("\n", "<br>")


class EntryHistory(QDialog):
    """The revisions of entry `entry_id`. `unhidden(entry)` after Unhide saved a revision."""

    unhidden = Signal(object)

    def __init__(
        self,
        session: IncidentSession,
        entry_id: int,
        *,
        local_zone: tzinfo | None,
        utc: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Entry History")
        self.setObjectName("entryHistory")
        self._session = session
        self._file = session.file
        self._entry_id = entry_id
        self._zone = UTC if utc else local_zone
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Revisions")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.detail = InertBrowser()  # HTML from notes: loads nothing
        self.detail.setAccessibleName("Text of the selected revision")
        self.detail.setOpenLinks(False)
        self.detail.setMaximumHeight(140)
        self.unhide = QPushButton("&Unhide")
        self.unhide.setToolTip("Show the entry again (a new revision; this history stays)")
        self.unhide.clicked.connect(self._unhide)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.unhide, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._show_detail)
        self.revisions: list[Entry] = []
        self.reload()
        self.resize(980, 420)

    def reload(self) -> None:
        """Read the history again (IncidentFileError if it cannot be read)."""
        self.revisions = self._file.history(self._entry_id)
        saved = self._file.revision_times(self._entry_id)
        rows = [
            cells(entry, at, self._zone) for entry, at in zip(self.revisions, saved, strict=True)
        ]
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for number, row in enumerate(rows):
            for column, text in enumerate(row):
                item = QTableWidgetItem(text)
                before = rows[number - 1][column] if number else None
                if before is not None and column >= 2 and before != text:
                    item.setFont(bold)
                    item.setBackground(QBrush(QColor(adapt(CHANGED.name()))))
                    item.setToolTip(plain_tip(f"Changed; before: {before[:300]}"))
                item.setData(Qt.ItemDataRole.UserRole, column >= 2 and before not in (None, text))
                self.table.setItem(number, column, item)
        current = self.revisions[-1]
        count = len(self.revisions)
        self.summary.setText(
            f"Entry {self._entry_id}: {count} revision{'s' if count != 1 else ''}. Every "
            "earlier version is kept; changed values are highlighted."
            + (" This entry is hidden." if current.hidden else "")
        )
        self.unhide.setVisible(current.hidden)
        self.table.selectRow(count - 1)

    def changed_cells(self, row: int) -> list[str]:
        """The column names highlighted as changed in revision row `row`."""
        items = [self.table.item(row, c) for c in range(len(COLUMNS))]
        return [
            COLUMNS[c]
            for c, item in enumerate(items)
            if item is not None and item.data(Qt.ItemDataRole.UserRole)
        ]

    def _show_detail(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        row = rows[0].row()
        text = self.revisions[row].text
        if row and self.revisions[row - 1].text != text:
            self.detail.setHtml(word_diff(self.revisions[row - 1].text, text))
        else:
            self.detail.setPlainText(text)

    def _unhide(self) -> None:
        try:
            entry = self._session.revise(self._entry_id, hidden=False)
            self.reload()
        except (ValueError, IncidentFileError) as error:
            self.summary.setText(f"Not saved: {error}")
            return
        self.unhidden.emit(entry)
