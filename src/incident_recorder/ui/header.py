"""The header of the recorder window: incident title, what the file holds, a running clock."""

from __future__ import annotations

from datetime import UTC, tzinfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from incident_recorder.domain import Incident
from incident_recorder.domain.times import Clock, format_offset
from incident_recorder.ui.style import fixed_font
from incident_recorder.ui.timeline_model import TimelineModel


class IncidentHeader(QWidget):
    def __init__(
        self,
        incident: Incident,
        file_name: str,
        model: TimelineModel,
        clock: Clock,
        local_zone: tzinfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentHeader")
        self._model = model
        self._clock = clock
        self._zone = local_zone
        self._utc = False
        self._file_name = file_name
        self.title = QLabel(incident.title)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a title is text, never markup
        self.title.setObjectName("incidentTitle")
        self.title.setAccessibleName("Incident title")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setObjectName("incidentDetails")
        self.now = QLabel()
        self.now.setFont(fixed_font(2))
        self.now.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.now.setAccessibleName("Current time")
        self.elapsed = QLabel()
        self.elapsed.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.elapsed.setObjectName("incidentDetails")

        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(self.title)
        left.addWidget(self.details)
        right = QVBoxLayout()
        right.setSpacing(2)
        right.addWidget(self.now)
        right.addWidget(self.elapsed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addLayout(left, 1)
        layout.addLayout(right)

        self._created = incident.created_at
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self.refresh)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self.refresh()

    def set_utc(self, utc: bool) -> None:
        self._utc = utc
        self.refresh()

    def refresh(self) -> None:
        count = self._model.rowCount()
        captures = self._model.capture_count
        created = self._created.astimezone(UTC if self._utc else self._zone)
        parts = [
            f"Created {created:%a %d %b %Y, %H:%M}" + (" UTC" if self._utc else ""),
            f"{count:,} entr{'y' if count == 1 else 'ies'}",
        ]
        if captures:
            parts.append(f"{captures:,} capture{'s' if captures != 1 else ''}")
        parts.append(self._file_name)
        self.details.setText("  ·  ".join(parts))
        self.tick()

    def tick(self) -> None:
        now = self._clock()
        local = now.astimezone(self._zone)
        utc = now.astimezone(UTC)
        if local.utcoffset() == utc.utcoffset():
            self.now.setText(f"{utc:%H:%M:%S} UTC")
        else:
            self.now.setText(f"{local:%H:%M:%S} {local:%Z}  ·  {utc:%H:%M:%S} UTC")
        if self._model.rowCount():
            first = self._model.entry_at(0).occurred_at
            self.elapsed.setText(f"{format_offset(now - first)} since the first entry")
        else:
            self.elapsed.setText("No entries yet: start typing")
