"""The "General" page of the Settings dialog: everything that is not a key.

Your name, the team's own domains (host names under them are findings: session/findings.py),
data folder, time display, theme, the report template the export and report windows start
with, and the public-update cadence of each severity. ``show`` fills the page from settings;
``chosen`` returns the settings with the page's values; ``problem`` says why they cannot be
saved (the data folder or an own domain can be wrong).

The capture format: PNG (lossless, the default: a screenshot of a log or a dashboard stays
exactly readable; written at zlib level 1 to keep a capture within its latency budget) or JPEG
at a chosen quality (smaller on busy screens — dashboards, gradients, photos —, often not on
flat text; fine detail may blur). Exported redactions are exact either way: a redacted copy is
always written as PNG (report/annotate.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from incident_recorder import paths
from incident_recorder.settings import JPEG_QUALITIES, Settings, domain_name, domain_names
from incident_recorder.ui.dialogs.file_dialogs import existing_directory

TIME_CHOICES = (("local", "Local time"), ("utc", "UTC"), ("offset", "T+ (since impact started)"))
THEME_CHOICES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))
CAPTURE_CHOICES = (("png", "PNG (lossless)"), ("jpeg", "JPEG (smaller files)"))


def _template_names() -> list[str]:
    """Usable report templates, the default first (read when the page opens, not at start-up)."""
    from incident_recorder.report.templates import available_templates

    return [t.name for t in available_templates(paths.template_dirs())]


def _combo(name: str, choices: tuple[tuple[str, str], ...]) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for value, text in choices:
        box.addItem(text, value)
    return box


def _buddy(text: str, field: QWidget) -> QLabel:
    """A row label whose mnemonic focuses `field` (QFormLayout cannot give a buddy to a row
    that is a layout, and would show the '&')."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


class GeneralPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder_edit = QLineEdit()
        self.folder_edit.setAccessibleName("Data folder")
        self.folder_edit.setPlaceholderText(str(paths.data_dir()))
        self.folder_edit.setToolTip("Where new incident files go (empty: the default folder)")
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose the data folder")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        self.time_box = _combo("Time display", TIME_CHOICES)
        self.time_box.setToolTip(
            "The times a recorder window shows when it opens (Ctrl+Shift+U switches: local, UTC, "
            "T+). T+ counts from impact started, else from the first entry, as the report does"
        )
        self.theme_box = _combo("Theme", THEME_CHOICES)
        self.template_box = QComboBox()
        self.template_box.setAccessibleName("Default report template")
        for name in _template_names():
            self.template_box.addItem(name, name)
        self.cadence_boxes: dict[str, QSpinBox] = {}
        self.cadence_grid = QGridLayout()
        self.cadence_grid.setColumnStretch(1, 1)
        self.cadence_grid.setColumnStretch(4, 1)
        self.cadence_grid.setColumnMinimumWidth(2, 12)
        self.capture_box = _combo("Capture format", CAPTURE_CHOICES)
        self.capture_box.setToolTip(
            "How new screen captures are stored. PNG keeps every pixel; JPEG is smaller on busy "
            "screens (dashboards, gradients, photos), often not on flat text, and fine text may "
            "blur. Exported redactions are exact either way."
        )
        self.quality_box = QSpinBox()
        self.quality_box.setRange(JPEG_QUALITIES.start, JPEG_QUALITIES.stop - 1)
        self.quality_box.setAccessibleName("JPEG quality")
        self.quality_box.setToolTip("Higher: sharper and larger (85 is a good balance)")
        self.capture_box.currentIndexChanged.connect(self._capture_format_changed)
        capture_row = QHBoxLayout()
        capture_row.addWidget(self.capture_box, 1)
        self.quality_label = QLabel("&Quality")
        self.quality_label.setBuddy(self.quality_box)
        capture_row.addWidget(self.quality_label)
        capture_row.addWidget(self.quality_box)
        self.author_edit = QLineEdit()
        self.author_edit.setAccessibleName("Author")
        self.author_edit.setToolTip("Your name: teammates see it beside your entries")
        self.domains_edit = QLineEdit()
        self.domains_edit.setAccessibleName("Own domains")
        self.domains_edit.setPlaceholderText("corp.example.net, internal.example")
        self.domains_edit.setToolTip(
            "The team's own domains, separated by commas or spaces: a host name under one "
            "(db-1.corp.example.net) seen in a note or a capture is a finding, so the public "
            "report never names an internal machine. The names in "
            f"{paths.data_dir() / 'findings' / 'own-domains.txt'} are used too."
        )
        form = QFormLayout(self)
        form.addRow(_buddy("Your &name", self.author_edit), self.author_edit)
        form.addRow(_buddy("Own do&mains", self.domains_edit), self.domains_edit)
        form.addRow(_buddy("&Data folder", self.folder_edit), folder_row)
        form.addRow("&Times shown in", self.time_box)
        form.addRow("T&heme", self.theme_box)
        form.addRow("Default report &template", self.template_box)
        form.addRow(_buddy("&Captures stored as", self.capture_box), capture_row)
        self.cadence_label = cadence_label = QLabel("Public &update every")
        cadence_label.setToolTip(
            "Minutes between public updates per severity: the recorder counts down to the next "
            "one. 0: no countdown."
        )
        form.addRow(cadence_label, self.cadence_grid)

    def show_settings(self, settings: Settings) -> None:
        self.author_edit.setText(settings.author)
        self.domains_edit.setText(", ".join(settings.own_domains))
        self.folder_edit.setText(settings.data_folder)
        self.time_box.setCurrentIndex(max(0, self.time_box.findData(settings.time_display)))
        self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(settings.theme)))
        self.capture_box.setCurrentIndex(max(0, self.capture_box.findData(settings.capture_format)))
        self.quality_box.setValue(settings.jpeg_quality)
        self._capture_format_changed()
        index = self.template_box.findData(settings.report_template)
        if index < 0:  # a template that is gone: kept, so saving does not silently change it
            self.template_box.addItem(settings.report_template, settings.report_template)
            index = self.template_box.count() - 1
        self.template_box.setCurrentIndex(index)
        while (item := self.cadence_grid.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        self.cadence_boxes = {}
        for severity in settings.severities:
            box = QSpinBox()
            box.setRange(0, 24 * 60)
            box.setSuffix(" min")
            box.setSpecialValueText("no countdown")
            box.setAccessibleName(f"Public update cadence of {severity}")
            box.setValue(settings.update_cadence_minutes.get(severity, 0))
            label = QLabel(severity)
            label.setBuddy(box)
            row, pair = divmod(len(self.cadence_boxes), 2)
            self.cadence_grid.addWidget(label, row, 3 * pair)
            self.cadence_grid.addWidget(box, row, 3 * pair + 1)
            self.cadence_boxes[severity] = box
        if self.cadence_boxes:  # Alt+U goes to the first (worst) severity's minutes
            self.cadence_label.setBuddy(next(iter(self.cadence_boxes.values())))

    def _domains(self) -> list[str]:
        return self.domains_edit.text().replace(",", " ").split()

    def problem(self) -> str | None:
        wrong = [name for name in self._domains() if domain_name(name) is None]
        if wrong:
            return f"Own domains: {wrong[0]} is not a domain name (like corp.example.net)"
        text = self.folder_edit.text().strip()
        if not text:
            return None
        folder = Path(text).expanduser()
        if folder.exists() and not folder.is_dir():
            return f"Data folder: {folder} is a file, not a folder"
        if not folder.is_absolute():
            return f"Data folder: give a full path ({text} is relative)"
        return None

    def chosen(self, settings: Settings) -> Settings:
        cadence = {**settings.update_cadence_minutes}
        cadence.update({name: box.value() for name, box in self.cadence_boxes.items()})
        return replace(
            settings,
            author=" ".join(self.author_edit.text().split()),
            own_domains=domain_names(self._domains()),
            data_folder=self.folder_edit.text().strip(),
            time_display=str(self.time_box.currentData()),
            theme=str(self.theme_box.currentData()),
            capture_format=str(self.capture_box.currentData()),
            jpeg_quality=self.quality_box.value(),
            report_template=str(self.template_box.currentData() or settings.report_template),
            update_cadence_minutes=MappingProxyType(cadence),
        )

    def _capture_format_changed(self) -> None:
        jpeg = self.capture_box.currentData() == "jpeg"
        self.quality_box.setEnabled(jpeg)
        self.quality_label.setEnabled(jpeg)

    def _browse(self) -> None:
        start = self.folder_edit.text() or str(paths.data_dir())
        chosen = existing_directory(self, "Data folder", start)
        if chosen:
            self.folder_edit.setText(chosen)
