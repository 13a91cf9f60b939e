"""The entry editor (F2, double-click on a note, "Edit Entry…"): text, kind, occurred at, public,
starred, hidden.

Save writes ONE revision holding only what changed (nothing changed: no revision at all); the
earlier revisions stay in the file. Problems are said inline under the fields; a save that fails
keeps the dialog open with the edits. If the entry was revised elsewhere since the dialog opened,
the first Save says so and a second one saves over it (only the fields changed here).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFileError
from incident_recorder.ui.dialogs.time_field import TimeField


class _TextEdit(QPlainTextEdit):
    """Ctrl+Enter saves (Enter is a new line here)."""

    save = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save.emit()
            return
        super().keyPressEvent(event)


def kind_box(kind: EntryKind) -> QComboBox:
    box = QComboBox()
    for each in EntryKind:
        box.addItem(f"{each.label}  (Ctrl+{each.key_number})", each)
    box.setCurrentIndex(list(EntryKind).index(kind))
    box.setAccessibleName("Kind")
    return box


class EntryEditor(QDialog):
    """Edits one entry; `saved(entry)` once its new revision is durable."""

    saved = Signal(object)

    def __init__(
        self,
        session: IncidentSession,
        entry: Entry,
        *,
        now: datetime,
        local_zone: tzinfo | None,
        utc: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Entry")
        self.setObjectName("entryEditor")
        self._session = session
        self._file = session.file
        self.entry = entry
        self._base_revision = entry.revision
        what = "capture" if entry.capture is not None else "note"
        self.summary = QLabel(
            f"Entry {entry.id} ({what}) · revision {entry.revision} · recorded "
            f"{entry.recorded_at.astimezone(local_zone):%H:%M:%S} from {entry.source}. "
            "Saving adds a revision; the earlier ones are kept."
        )
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        self.text = _TextEdit(entry.text)
        self.text.setAccessibleName("Entry text")
        self.text.setTabChangesFocus(True)
        self.text.save.connect(self.save)
        self.text.setMinimumHeight(90)
        self.kind = kind_box(entry.kind)
        self.when = TimeField(local_zone, now, utc=utc, anchor=entry.occurred_at)
        self.public = QCheckBox("&Public — may appear in the public report and status updates")
        self.public.setChecked(entry.public)
        self.starred = QCheckBox("&Starred — a key moment")
        self.starred.setChecked(entry.starred)
        self.hidden = QCheckBox("&Hidden — left out of the timeline and reports; kept in history")
        self.hidden.setChecked(entry.hidden)
        self.message = QLabel()
        self.message.setObjectName("errorBanner")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.when.changed.connect(self._validate)

        form = QFormLayout()
        form.addRow("&Text", self.text)
        form.addRow("&Kind", self.kind)
        form.addRow("&Occurred at", self.when)
        label = form.labelForField(self.when)
        if isinstance(label, QLabel):
            label.setBuddy(self.when.edit)  # Alt+O lands in the field, not its container
        form.addRow("", self.public)
        form.addRow("", self.starred)
        form.addRow("", self.hidden)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for first, second in (
            (self.text, self.kind),
            (self.kind, self.when.edit),
            (self.when.edit, self.public),
        ):
            QWidget.setTabOrder(first, second)
        self.resize(620, self.sizeHint().height())
        self.text.setFocus()
        self._validate()

    def changes(self) -> dict[str, Any]:
        """The revise() arguments for what was changed here; ValueError if a field is unusable."""
        found: dict[str, Any] = {}
        text = self.text.toPlainText()
        if text != self.entry.text:
            if not text.strip() and self.entry.capture is None:
                raise ValueError("a note needs some text (to remove it, tick Hidden)")
            found["text"] = text
        kind = self.kind.currentData()
        if kind != self.entry.kind:
            found["kind"] = kind
        if not self.when.untouched():
            typed = self.when.value()
            if typed.moment != self.entry.occurred_at:
                found["occurred_at"] = typed.moment
                found["occurred_offset"] = typed.offset
        for name, box in (("public", self.public), ("starred", self.starred)):
            if box.isChecked() != getattr(self.entry, name):
                found[name] = box.isChecked()
        if self.hidden.isChecked() != self.entry.hidden:
            found["hidden"] = self.hidden.isChecked()
        return found

    def _validate(self) -> bool:
        try:
            self.changes()
        except ValueError as error:
            self.show_message(str(error))
            return False
        self.message.hide()
        return True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.text.setFocus()

    def show_message(self, text: str) -> None:
        self.message.setText(text[:1].upper() + text[1:])
        self.message.show()

    def save(self) -> Entry | None:
        """One revision with what changed; None (dialog kept open) if nothing was saved."""
        try:
            changes = self.changes()
        except ValueError as error:
            self.show_message(str(error))
            return None
        if not changes:
            self.accept()
            return None
        try:
            current = self._file.entry(self.entry.id).revision
            if current != self._base_revision:
                self._base_revision = current
                self.show_message(
                    f"This entry was changed elsewhere since it was opened (now revision "
                    f"{current}). Save again to save the fields changed here over it."
                )
                return None
            entry = self._session.revise(self.entry.id, **changes)
        except (ValueError, IncidentFileError) as error:
            self.show_message(f"Not saved: {error}")
            return None
        self.saved.emit(entry)
        self.accept()
        return entry
