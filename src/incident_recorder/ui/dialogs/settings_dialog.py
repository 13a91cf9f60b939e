"""The Settings dialog (Ctrl+,): general settings, the key of every action, global hotkeys.

The "General" page (``ui.settings_general``) holds the data folder, time display, theme, default
report template and update cadences. On the "Keys" page a table lists every action of the
actions table with its key, edited in place with a ``QKeySequenceEdit``; actions grabbed
system-wide are marked "global". A key that another action, the note field or the capture viewer
already uses is refused with an inline message and Save is disabled until it is resolved. Save
stores the settings (``incident_recorder.settings``), gives every open recorder window its new
keys at once, applies the theme and re-grabs the global hotkeys; a combination another program
holds is reported in the dialog and the status bar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.settings import Settings
from incident_recorder.ui.capture import global_hotkeys
from incident_recorder.ui.common.actions import ACTIONS, NOTE_KEYS, VIEWER_KEYS
from incident_recorder.ui.dialogs.settings_general import GeneralPage
from incident_recorder.ui.dialogs.settings_store import SettingsStore

DEFAULTS: dict[str, str] = {spec.id: spec.shortcut for spec in ACTIONS}
GLOBAL_MODIFIERS = ("Ctrl+", "Alt+", "Meta+")


def normalized(shortcut: str) -> str:
    """One spelling per key sequence (``"ctrl+alt+s"`` → ``"Ctrl+Alt+S"``)."""
    return QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.PortableText)


def shortcuts_of(settings: Settings) -> dict[str, str]:
    """Action id → key of every action, with the user's settings applied."""
    return {spec.id: normalized(settings.shortcut(spec.id, spec.shortcut)) for spec in ACTIONS}


def global_combinations(settings: Settings) -> dict[str, str]:
    """What to grab system-wide under ``settings`` (nothing when global hotkeys are off)."""
    if not settings.global_hotkeys_enabled:
        return {}
    keys = shortcuts_of(settings)
    return {spec.id: keys[spec.id] for spec in ACTIONS if spec.global_key}


def problems(keys: Mapping[str, str]) -> dict[str, str]:
    """Action id → why its key cannot be used (empty when every key is fine)."""
    names = {spec.id: spec.text.replace("&", "").rstrip("…") for spec in ACTIONS}
    reserved = {normalized(k): f"the note field ({what})" for k, what in NOTE_KEYS}
    for _id, viewer_keys, what in VIEWER_KEYS:
        for key in viewer_keys:
            reserved.setdefault(normalized(key), f"the capture viewer ({what})")
    found: dict[str, str] = {}
    for spec in ACTIONS:
        key = normalized(keys.get(spec.id, ""))
        if not key:
            continue
        others = [names[o] for o in keys if o != spec.id and normalized(keys[o]) == key]
        if others:
            found[spec.id] = f"{key} is already the key of “{others[0]}”"
        elif key in reserved:
            found[spec.id] = f"{key} is used by {reserved[key]}"
        elif spec.global_key and not key.startswith(GLOBAL_MODIFIERS):
            found[spec.id] = f"{key}: a global key needs Ctrl, Alt or Meta"
        elif spec.global_key and (reason := global_hotkeys.grab_problem(key)):
            found[spec.id] = reason
    return found


def apply_everywhere(settings: Settings) -> list[str]:
    """Give every open recorder window ``settings``; re-grab the global hotkeys.

    Returns the messages about combinations another program holds.
    """
    from incident_recorder.ui.common.theme import apply_scheme

    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_scheme(app, settings.theme)
    for widget in QApplication.topLevelWidgets():
        apply = getattr(widget, "apply_settings", None)
        if callable(apply):
            apply(settings)
    return global_hotkeys.configure(global_combinations(settings))


class SettingsDialog(QDialog):
    """Edits a copy of the settings; Save stores and applies them."""

    COL_ACTION, COL_KEY, COL_GLOBAL = range(3)

    def __init__(self, store: SettingsStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.store = store
        self.settings = store.load()
        self.messages: list[str] = []
        self.table = QTableWidget(len(ACTIONS), 3, self)
        self.table.setHorizontalHeaderLabels(["Action", "Key", "Scope"])
        self.table.setAccessibleName("Keys of every action")
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.editors: dict[str, QKeySequenceEdit] = {}
        for row, spec in enumerate(ACTIONS):
            name = QTableWidgetItem(spec.text.replace("&", ""))
            name.setToolTip(spec.tip)
            self.table.setItem(row, self.COL_ACTION, name)
            editor = QKeySequenceEdit(self.table)
            editor.setMaximumSequenceLength(1)
            editor.setClearButtonEnabled(True)
            editor.setAccessibleName(f"Key of {name.text()}")
            editor.keySequenceChanged.connect(self._validate)
            self.table.setCellWidget(row, self.COL_KEY, editor)
            self.editors[spec.id] = editor
            scope = "global" if spec.global_key else "in window"
            self.table.setItem(row, self.COL_GLOBAL, QTableWidgetItem(scope))
        self.table.resizeColumnsToContents()
        self.global_box = QCheckBox(
            "Global hotkeys: the actions marked global work while another application has focus"
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("settingsMessage")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Close
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self.restore_defaults)
        self.general = GeneralPage(self)
        for edit in (self.general.folder_edit, self.general.domains_edit):
            edit.textChanged.connect(self._validate)
        keys_page = QWidget()
        keys_layout = QVBoxLayout(keys_page)
        keys_layout.addWidget(self.table, 1)
        keys_layout.addWidget(self.global_box)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Settings pages")
        self.tabs.addTab(self.general, "&General")
        self.tabs.addTab(keys_page, "&Keys")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._show(self.settings)
        self.resize(640, 620)

    def _show(self, settings: Settings) -> None:
        for action_id, key in shortcuts_of(settings).items():
            editor = self.editors[action_id]
            editor.blockSignals(True)
            editor.setKeySequence(QKeySequence(key))
            editor.blockSignals(False)
        self.global_box.setChecked(settings.global_hotkeys_enabled)
        self.general.show_settings(settings)
        self._validate()

    def keys(self) -> dict[str, str]:
        """Action id → the key shown now."""
        return {
            action_id: editor.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
            for action_id, editor in self.editors.items()
        }

    def set_key(self, action_id: str, shortcut: str) -> None:
        self.editors[action_id].setKeySequence(QKeySequence(shortcut))

    def _validate(self) -> bool:
        found = list(problems(self.keys()).values())
        general = self.general.problem()
        if general:
            found.append(general)
        self.save_button.setEnabled(not found)
        self.message.setProperty("error", bool(found))
        self.message.style().polish(self.message)
        self.message.setText("\n".join(found))
        return not found

    def restore_defaults(self) -> None:
        """Every setting back to its default (the severity scale, not edited here, is kept)."""
        self._show(replace(Settings(), severities=self.settings.severities))

    def save(self) -> bool:
        """Store and apply the settings; False (nothing stored) while a key is refused."""
        if not self._validate():
            return False
        chosen = self.settings.with_shortcuts(self.keys(), DEFAULTS)
        chosen = replace(chosen, global_hotkeys_enabled=self.global_box.isChecked())
        chosen = self.general.chosen(chosen)
        try:
            self.store.save(chosen)
        except OSError as error:
            self.message.setText(f"The settings could not be saved: {error}")
            return False
        self.settings = chosen
        self.messages = apply_everywhere(chosen)
        status = getattr(self.parent(), "statusBar", None)
        if self.messages:
            self.message.setProperty("error", True)
            self.message.style().polish(self.message)
            self.message.setText("\n".join(self.messages))
            if callable(status):
                status().showMessage(" · ".join(self.messages), 20_000)
            return True  # stays open: the message is read here
        if callable(status):
            status().showMessage("Settings saved", 4000)
        self.accept()
        return True
