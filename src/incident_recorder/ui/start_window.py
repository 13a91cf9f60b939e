"""The start window: recent incidents, "New Incident…", "Open…", and why a file could not open."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.recent import RecentIncident


class StartWindow(QWidget):
    new_requested = Signal()
    browse_requested = Signal()
    open_requested = Signal(object)

    def __init__(self, recent: list[RecentIncident], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Incident Recorder")
        self.setObjectName("startWindow")
        title = QLabel("Incident Recorder")
        title.setObjectName("startTitle")
        subtitle = QLabel(
            "Keep the record while production is down: one key stamps a note, "
            "one key captures the screen."
        )
        subtitle.setWordWrap(True)
        subtitle.setObjectName("incidentDetails")
        self.banner = QLabel()
        self.banner.setTextFormat(Qt.TextFormat.PlainText)  # paths and messages, never markup
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Error")
        self.banner.hide()

        self.new_button = QPushButton("New Incident…")
        self.new_button.setDefault(True)
        self.new_button.setAccessibleName("New incident")
        self.new_button.clicked.connect(self.new_requested.emit)
        self.open_button = QPushButton("Open Incident File…")
        self.open_button.setAccessibleName("Open incident file")
        self.open_button.clicked.connect(self.browse_requested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)

        self.recent_list = QListWidget()
        self.recent_list.setAccessibleName("Recent incidents")
        self.recent_list.itemActivated.connect(self._activated)
        self.empty_hint = QLabel("No recent incidents yet. Start one with New Incident (Ctrl+N).")
        self.empty_hint.setObjectName("incidentDetails")
        self.set_recent(recent)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("Recent incidents"))
        layout.addWidget(self.recent_list, 1)
        layout.addWidget(self.empty_hint)
        QShortcut(QKeySequence("Ctrl+N"), self, self.new_requested.emit)
        QShortcut(QKeySequence("Ctrl+O"), self, self.browse_requested.emit)
        self.resize(720, 480)

    def set_recent(self, recent: list[RecentIncident]) -> None:
        self.recent_list.clear()
        for item in recent:
            exists = Path(item.path).exists()
            try:
                when = (
                    datetime.fromisoformat(item.opened_at).astimezone().strftime("%d %b %Y %H:%M")
                )
            except ValueError:
                when = ""
            label = f"{item.title}\n{item.path}  ·  last opened {when}"
            if not exists:
                label += "  ·  missing"
            row = QListWidgetItem(label)
            row.setData(Qt.ItemDataRole.UserRole, item.path)
            row.setToolTip(item.path)
            if not exists:
                row.setFlags(row.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.recent_list.addItem(row)
        self.empty_hint.setVisible(not recent)
        if recent:
            self.recent_list.setCurrentRow(0)

    def show_error(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.show()

    def _activated(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
