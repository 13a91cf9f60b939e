"""The settings kept with QSettings: an INI file in the app's config folder.

``settings.Settings`` declares every setting and its default (and imports no Qt); this store
only moves them in and out of ``QSettings(file, IniFormat)``. The file is
``paths.config_dir() / "settings.ini"`` (the test suite points the config folder at a temporary
one, so tests never touch the real home directory).

Loading never fails: a missing or damaged file, or a value of the wrong type, gives that
field's default. Saving rewrites the file through QSettings (which writes a temporary file and
renames it, so a crash mid-save leaves the previous settings), then ``sync()``s and checks the
status: a failure raises ``OSError`` with a message naming the file.

Migration: versions before this one kept a settings.json beside it. When there is no INI file
yet but that JSON is there, it is read once, saved as the INI file, and renamed to
``settings.json.migrated`` — renamed, not left in place, so nobody edits a file that is no
longer read, and not deleted, so it can still be recovered by hand. If the INI file cannot be
written, the JSON is left alone and migrated on a later start.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings

from incident_recorder.settings import FILE_NAME, LEGACY_FILE_NAME, Settings

MIGRATED_SUFFIX = ".migrated"
_STATUS_TEXT = {
    QSettings.Status.AccessError: "the folder or file is not writable (read-only, or the disk "
    "is full)",
    QSettings.Status.FormatError: "the file is damaged",
}


class SettingsStore:
    """Settings stored in the INI ``file`` (normally ``paths.config_dir() / "settings.ini"``)."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.legacy_file = file.with_name(LEGACY_FILE_NAME)
        """The settings.json of earlier versions, migrated once (see the module docstring)."""

    def _qsettings(self) -> QSettings:
        return QSettings(str(self.file), QSettings.Format.IniFormat)

    def load(self) -> Settings:
        """The saved settings; the defaults for whatever is missing, damaged or wrong-typed."""
        if not self.file.exists() and self.legacy_file.is_file():
            return self._migrate()
        if not self.file.is_file():
            return Settings()
        stored = self._qsettings()
        return Settings.from_values({key: stored.value(key) for key in stored.allKeys()})

    def save(self, settings: Settings) -> None:
        """Replace the stored settings with ``settings``. Raises ``OSError`` on failure."""
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OSError(
                f"the settings folder {self.file.parent} cannot be made: {error.strerror}"
            ) from error
        stored = self._qsettings()
        stored.clear()
        for key, value in settings.to_values().items():
            stored.setValue(key, value)
        stored.sync()
        status = stored.status()
        if status != QSettings.Status.NoError:
            reason = _STATUS_TEXT.get(status, status.name)
            raise OSError(f"the settings could not be written to {self.file}: {reason}")

    def _migrate(self) -> Settings:
        """The legacy settings.json read, saved as the INI file, and renamed."""
        try:
            raw = json.loads(self.legacy_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = None
        settings = Settings.from_json(raw)
        try:
            self.save(settings)
            self.legacy_file.rename(self.legacy_file.with_name(LEGACY_FILE_NAME + MIGRATED_SUFFIX))
        except OSError:
            pass  # read from the JSON again next time; nothing is lost
        return settings


def default_store() -> SettingsStore:
    """The settings file in the app's config folder."""
    from incident_recorder import paths

    return SettingsStore(paths.config_dir() / FILE_NAME)
