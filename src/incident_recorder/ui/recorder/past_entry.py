"""Add an entry after the fact (Ctrl+Shift+N, "Add Past Entry…"): "at 13:58 the config push went
out".

Text, kind, occurred at (required; local time or UTC, kept with the offset it was typed in) and
public. Saved with add_note(occurred_at=, occurred_offset=); the timeline slots it in at its time.
A clock time means its latest moment that is not in the future (13:58 typed at 00:10 is
yesterday's). Problems are said inline, once there is something to check (never before anything
is typed); a failed save keeps what was typed. The kind keys of the recorder window (Ctrl+1 …
Ctrl+9, or the user's own) choose the kind here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.kinds import DEFAULT_KIND
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFileError
from incident_recorder.ui.dialogs.time_field import TimeField
from incident_recorder.ui.recorder.entry_editor import _TextEdit, kind_box


class PastEntryDialog(QDialog):
    """`saved(entry)` once the backdated note is durable."""

    saved = Signal(object)

    def __init__(
        self,
        session: IncidentSession,
        *,
        now: datetime,
        local_zone: tzinfo | None,
        utc: bool = False,
        kind: EntryKind = DEFAULT_KIND,
        kind_keys: Mapping[EntryKind, QKeySequence] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`kind_keys`: the recorder window's key of each kind (the actions table's by
        default)."""
        super().__init__(parent)
        self.setWindowTitle("Add Past Entry")
        self.setObjectName("pastEntry")
        self._session = session
        self._file = session.file
        self._now = now
        intro = QLabel("Record something that happened earlier, at the time it happened.")
        intro.setObjectName("hint")
        self.when = TimeField(local_zone, now, utc=utc)
        self.text = _TextEdit()
        self.text.setAccessibleName("Entry text")
        self.text.setPlaceholderText("e.g. the config push went out")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(80)
        self.text.save.connect(self.save)
        self.kind = kind_box(kind)
        self.public = QCheckBox("&Public — may appear in the public report and status updates")
        self.message = QLabel()
        self.message.setObjectName("errorBanner")
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Occurred at", self.when)
        label = form.labelForField(self.when)
        if isinstance(label, QLabel):
            label.setBuddy(self.when.edit)  # Alt+O lands in the field, not its container
        form.addRow("&Text", self.text)
        form.addRow("&Kind", self.kind)
        form.addRow("", self.public)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        for first, second in (
            (self.when.edit, self.text),
            (self.text, self.kind),
            (self.kind, self.public),
        ):
            QWidget.setTabOrder(first, second)
        self._kind_keys(kind_keys)
        self.resize(600, self.sizeHint().height())
        self.when.edit.setFocus()

    def _kind_keys(self, keys: Mapping[EntryKind, QKeySequence] | None) -> None:
        """The window's kind keys, working here: a dialog is a window of its own."""
        if keys is None:
            from incident_recorder.ui.common.actions import action

            keys = {k: QKeySequence(action(f"kind_{k.value}").shortcut) for k in EntryKind}
        for kind, key in keys.items():
            choose = QAction(self)
            choose.setShortcut(key)
            choose.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            index = list(EntryKind).index(kind)  # kind_box lists them in this order
            choose.triggered.connect(lambda _=False, i=index: self.kind.setCurrentIndex(i))
            self.addAction(choose)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.when.edit.setFocus()

    def show_message(self, text: str) -> None:
        self.message.setText(text[:1].upper() + text[1:])
        self.message.show()

    def save(self) -> Entry | None:
        """Add the entry; None (dialog kept open, message shown) if it could not be."""
        try:
            typed = self.when.value()
        except ValueError as error:
            self.show_message(str(error))
            self.when.edit.setFocus()
            return None
        if typed.moment > self._now + timedelta(minutes=1):
            self.show_message("that time is in the future: a past entry needs a past time")
            return None
        if not self.text.toPlainText().strip():
            self.show_message("the entry needs some text")
            self.text.setFocus()
            return None
        try:
            entry = self._session.add_note(
                self.text.toPlainText(),
                self.kind.currentData(),
                typed.moment,
                public=self.public.isChecked(),
                occurred_offset=typed.offset,
            )
        except (ValueError, IncidentFileError) as error:
            self.show_message(f"Not saved: {error}")
            return None
        self.saved.emit(entry)
        self.accept()
        return entry
