"""The Incident details dialog (Ctrl+I, or a click on the header's title).

Title, severity (the team's scale from the settings), status, detection source, the roles, the
services affected (each with a "public" box: only public ones may appear in a public report) and
the five milestone times. Save records each changed field and milestone as a new value in its
history (nothing is overwritten); Enter saves, Esc cancels, every control has an accessible name.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.domain.details import (
    DETAIL_FIELDS,
    DetectionSource,
    IncidentDetails,
    Role,
    Service,
    Status,
    details_to_json,
)
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.record import current_status
from incident_recorder.domain.times import Clock
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFileError
from incident_recorder.ui.common.style import adapt
from incident_recorder.ui.dialogs.milestone_times import MilestoneTimes


class ServicesEditor(QWidget):
    """The services affected: a name and a "public" box per row, Add and Remove."""

    changed = Signal()

    def __init__(self, services: tuple[Service, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[QLineEdit, QCheckBox, QPushButton]] = []
        self._rows = QVBoxLayout()
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(4)
        self.add_button = QPushButton("&Add service")
        self.add_button.setAutoDefault(False)
        self.add_button.setAccessibleName("Add a service")
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        self.empty = QLabel("No services listed yet.")
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addLayout(self._rows)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        for service in services:
            self.add_row(service)
        self._renumber()

    def add_row(self, service: Service | None = None, *, focus: bool = False) -> QLineEdit:
        name = QLineEdit(service.name if service else "")
        name.setPlaceholderText("Service name, e.g. checkout-api")
        public = QCheckBox("Public")
        public.setChecked(bool(service and service.public))
        public.setToolTip("May be named in the public report and status updates")
        remove = QPushButton("Remove")
        remove.setAutoDefault(False)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(name, 1)
        line.addWidget(public)
        line.addWidget(remove)
        entry = (name, public, remove)
        remove.clicked.connect(lambda _=False: self._remove(row, entry))
        name.textEdited.connect(self.changed)
        public.toggled.connect(self.changed)
        self.rows.append(entry)
        self._rows.addWidget(row)
        self._renumber()
        if focus:
            row.show()  # a layout shows a new child later: the focus (and typing) must land now
            name.setFocus()
        self.changed.emit()
        return name

    def _remove(self, row: QWidget, entry: tuple[QLineEdit, QCheckBox, QPushButton]) -> None:
        self.rows.remove(entry)
        row.hide()
        row.deleteLater()
        self._renumber()
        self.add_button.setFocus()
        self.changed.emit()

    def _renumber(self) -> None:
        for number, (name, public, remove) in enumerate(self.rows, start=1):
            name.setAccessibleName(f"Service {number} name")
            public.setAccessibleName(f"Service {number} public")
            remove.setAccessibleName(f"Remove service {number}")
        self.empty.setVisible(not self.rows)

    def services(self) -> tuple[Service, ...]:
        """The listed services (blank rows left out); ValueError for a name listed twice."""
        found: dict[str, Service] = {}
        for name, public, _ in self.rows:
            text = " ".join(name.text().split())
            if not text:
                continue
            if text.casefold() in found:
                raise ValueError(f"“{text}” is listed twice")
            found[text.casefold()] = Service(text, public.isChecked())
        return tuple(found.values())


class DetailsDialog(QDialog):
    saved = Signal(str)
    """Saved: a one-line summary for the status bar."""

    def __init__(
        self,
        session: IncidentSession,
        *,
        severities: tuple[str, ...],
        clock: Clock,
        local_zone: tzinfo | None = None,
        utc: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Incident Details")
        self._session = session
        self._file = session.file
        current = self._file.details()
        self._details = current

        self.title = QLineEdit(current.title)
        self.title.setCursorPosition(0)  # a long title shows its beginning
        self.title.setAccessibleName("Title")
        self.severity = QComboBox()
        self.severity.setAccessibleName("Severity")
        self.severity.addItem("Not set", None)
        scale = list(severities)
        if current.severity and current.severity not in scale:
            scale.append(current.severity)  # a value from an older scale stays choosable
        for name in scale:
            self.severity.addItem(name, name)
        self.severity.setCurrentIndex(max(0, self.severity.findData(current.severity)))
        self.status = QComboBox()
        self.status.setAccessibleName("Status")
        for status in Status:
            self.status.addItem(status.label, status.value)  # Qt keeps an enum as its text
        # While the resolved milestone is set the incident reads Resolved everywhere (header,
        # reports, status page): the form says the same, and the stored choice is kept as is.
        self._status_locked = self._file.milestones()[Milestone.RESOLVED] is not None
        shown = current_status(current, self._file.milestones())
        self.status.setCurrentIndex(self.status.findData(shown.value))
        if self._status_locked:
            self.status.setEnabled(False)
            self.status.setToolTip(
                "Resolved while the Resolved milestone is set: clear that milestone below to "
                "choose another status"
            )
        self.detection = QComboBox()
        self.detection.setAccessibleName("Detection source")
        self.detection.addItem("Not recorded", None)
        for source in DetectionSource:
            self.detection.addItem(source.label, source.value)
        known = current.detection_source
        self.detection.setCurrentIndex(max(0, self.detection.findData(known and known.value)))
        self.roles = {role: QLineEdit(current.roles.get(role, "")) for role in Role}
        about = QFormLayout()
        about.setHorizontalSpacing(12)
        about.addRow("&Title", self.title)
        about.addRow("&Severity", self.severity)
        about.addRow("Sta&tus", self.status)
        about.addRow("&Detected by", self.detection)
        roles_box = QGroupBox("Roles")
        roles_form = QFormLayout(roles_box)
        for role, edit in self.roles.items():
            edit.setAccessibleName(role.label)
            edit.setPlaceholderText("Name (internal: never in a public report)")
            roles_form.addRow(role.label, edit)

        self.services = ServicesEditor(current.services)
        services_box = QGroupBox("Services affected")
        QVBoxLayout(services_box).addWidget(self.services)

        history = {m: self._file.milestone_history(m) for m in Milestone}
        self.times = MilestoneTimes(
            self._file.milestones(),
            history,
            created=self._file.incident().created_at,
            now=clock(),
            local_zone=local_zone,
            utc=utc,
        )
        times_box = QGroupBox("Milestones")
        QVBoxLayout(times_box).addWidget(self.times)

        self.message = QLabel()
        self.message.setAccessibleName("Problem")
        self.message.setStyleSheet(f"color: {adapt('#b91c1c')};")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.save_button.setAccessibleName("Save the incident details")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addLayout(about)
        left.addWidget(roles_box)
        left.addWidget(services_box)
        left.addStretch(1)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.addLayout(left, 0, 0)
        grid.addWidget(times_box, 0, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.title.textEdited.connect(self._validate)
        self.services.changed.connect(self._validate)
        self.times.validity_changed.connect(lambda _ok: self._validate())
        self._validate()
        self.title.setFocus()
        self.resize(900, self.sizeHint().height())

    def details(self) -> IncidentDetails:
        """What the form says (ValueError naming the first problem)."""
        title = " ".join(self.title.text().split())
        if not title:
            raise ValueError("An incident needs a title")
        roles = {role: name for role, edit in self.roles.items() if (name := edit.text().strip())}
        return IncidentDetails(
            title=title,
            severity=self.severity.currentData(),
            status=self._details.status
            if self._status_locked
            else Status(self.status.currentData()),
            services=self.services.services(),
            roles=roles,
            detection_source=DetectionSource(source)
            if (source := self.detection.currentData())
            else None,
        )

    def _validate(self) -> bool:
        problem = ""
        try:
            self.details()
        except ValueError as error:
            problem = str(error)
        ok = self.times.is_valid() if not problem else False
        if not problem and not ok:
            problem = "A milestone time cannot be read: see the message under it"
        self.message.setText(problem)
        self.message.setVisible(bool(problem))
        self.save_button.setEnabled(not problem)
        return not problem

    def save(self) -> bool:
        """Record what changed (each field and milestone a new revision), then close."""
        if not self._validate():
            return False
        try:
            changes = self.times.changes()
            wanted = self.details()
            loaded, typed = details_to_json(self._details), details_to_json(wanted)
            edited = [name for name in DETAIL_FIELDS if loaded[name] != typed[name]]
            if edited:
                # Only the fields edited here: one another program changed meanwhile stays.
                current = self._file.details()
                merged = replace(current, **{name: getattr(wanted, name) for name in edited})
                self._details = self._session.set_details(merged)
            changed = [name.replace("_", " ") for name in edited]
            for milestone, when, offset in changes:
                self._session.set_milestone(milestone, when, offset=offset, source="gui")
                self.times.saved(milestone, when)
                changed.append(milestone.label.lower())
        except (ValueError, IncidentFileError) as error:
            self.message.setText(f"Not saved: {error}")
            self.message.show()
            return False
        summary = ", ".join(changed) if changed else "nothing changed"
        self.saved.emit(f"Incident details saved ({summary})")
        self.accept()
        return True
