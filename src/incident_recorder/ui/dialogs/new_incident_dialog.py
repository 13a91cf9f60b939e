"""Asks for a new incident's title, its severity, and where its file goes (a default is offered)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from incident_recorder.domain.details import DEFAULT_SEVERITIES
from incident_recorder.ui.dialogs.file_dialogs import save_file_name

SUFFIX = ".incident"


def default_file_name(title: str, now: datetime) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "incident"
    return f"{now:%Y-%m-%d-%H%M}-{slug}{SUFFIX}"


class NewIncidentDialog(QDialog):
    def __init__(
        self,
        folder: Path,
        now: datetime,
        parent: QWidget | None = None,
        severities: Sequence[str] = DEFAULT_SEVERITIES,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Incident")
        self._folder = folder
        self._now = now
        self._path_edited = False
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("e.g. Checkout errors after config push")
        self.title_edit.setAccessibleName("Incident title")
        self.title_edit.textChanged.connect(self._title_changed)
        self.severity_box = QComboBox()
        self.severity_box.setAccessibleName("Severity")
        self.severity_box.addItem("Not set yet", None)
        for name in severities:
            self.severity_box.addItem(name, name)
        self.severity_box.setToolTip(
            "How bad it is now (the worst first); change it later in Incident Details (Ctrl+I)"
        )
        self.path_edit = QLineEdit(str(folder / default_file_name("", now)))
        self.path_edit.setAccessibleName("Incident file")
        self.path_edit.textEdited.connect(lambda _text: setattr(self, "_path_edited", True))
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose the incident file")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.error = QLabel()
        self.error.setObjectName("errorBanner")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start Recording")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Title", self.title_edit)
        form.addRow("&Severity", self.severity_box)
        file_label = QLabel("&File")  # a row that is a layout gets no buddy from addRow
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, path_row)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.resize(620, 0)

    def title(self) -> str:
        return " ".join(self.title_edit.text().split())

    def severity(self) -> str | None:
        """The chosen severity (None: not set yet)."""
        value = self.severity_box.currentData()
        return value if isinstance(value, str) else None

    def path(self) -> Path:
        return Path(self.path_edit.text()).expanduser()

    def _title_changed(self, text: str) -> None:
        if not self._path_edited:
            self.path_edit.setText(str(self._folder / default_file_name(text, self._now)))

    def _browse(self) -> None:
        chosen = save_file_name(
            self, "Incident file", str(self.path()), f"Incident files (*{SUFFIX})"
        )
        if chosen:
            self._path_edited = True
            self.path_edit.setText(chosen if chosen.endswith(SUFFIX) else chosen + SUFFIX)

    def show_error(self, message: str) -> None:
        """Say what is wrong on the dialog's banner; what was typed stays."""
        self.error.setText(message)
        self.error.setWordWrap(True)
        self.error.show()

    def _accept(self) -> None:
        if not self.title():
            self.show_error("Give the incident a title.")
            return
        if self.path().exists():
            self.show_error(f"{self.path()} already exists: choose another file name.")
            return
        self.accept()
