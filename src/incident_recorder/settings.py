"""The user's settings, declared once here with their defaults, kept as JSON in the config folder.

Every setting is a typed field of :class:`Settings`; a fresh ``Settings()`` is the defaults.
Shortcuts are stored per action id as overrides of the actions table's own key (the table stays
the one place where defaults are declared; an action without an override uses its table key).

Loading never fails: a missing, unreadable or damaged file, or a field of the wrong type, gives
the defaults for what cannot be read. Saving writes a temporary file and renames it over the old
one, so a crash mid-save leaves the previous settings intact. This module imports no Qt.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from incident_recorder.domain.cadence import DEFAULT_CADENCE, parse_cadence
from incident_recorder.domain.details import DEFAULT_SEVERITIES

FILE_NAME = "settings.json"
FORMAT = 1
TIME_DISPLAYS = ("local", "utc")
"""How the recorder shows times when a window opens (Ctrl+Shift+U still toggles)."""
THEMES = ("system", "light", "dark")
"""``system`` follows the desktop's light/dark scheme; the others force one."""


def _no_overrides() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Settings:
    """All settings, with their defaults."""

    shortcuts: Mapping[str, str] = field(default_factory=_no_overrides)
    """Action id → key sequence (portable text, e.g. ``"Ctrl+Alt+S"``; ``""`` = no key),
    only for actions whose key differs from the actions table's."""
    global_hotkeys_enabled: bool = True
    """Grab the actions marked global system-wide (X11), so they work from any application."""
    export_folder: str = ""
    """The folder the last report was exported into ("" = next to the incident file)."""
    report_template: str = "default"
    """The report template the export dialog selects first."""
    severities: tuple[str, ...] = DEFAULT_SEVERITIES
    """The team's severity scale, the worst first (offered by the Incident details dialog)."""
    update_cadence_minutes: Mapping[str, int] = field(default_factory=lambda: DEFAULT_CADENCE)
    """Severity → minutes between customer-facing (public communication) updates; 0 or a
    severity not listed: no "next update due" countdown."""
    data_folder: str = ""
    """Where new incident files go ("" = the app's data folder, see ``paths.data_dir``)."""
    time_display: str = "local"
    """One of :data:`TIME_DISPLAYS`: the times a recorder window shows when it opens."""
    theme: str = "system"
    """One of :data:`THEMES`."""
    hint_dismissed: bool = False
    """The start window's first-run card of the five keys was dismissed."""

    def shortcut(self, action_id: str, default: str) -> str:
        """The key of ``action_id``: the user's choice, else ``default`` (the table's key)."""
        return self.shortcuts.get(action_id, default)

    def with_shortcuts(self, chosen: Mapping[str, str], defaults: Mapping[str, str]) -> Settings:
        """These settings with ``chosen`` keys; a key equal to its default is not stored."""
        overrides = {a: k for a, k in chosen.items() if defaults.get(a) != k}
        return replace(self, shortcuts=MappingProxyType(dict(sorted(overrides.items()))))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "shortcuts": dict(self.shortcuts),
            "global_hotkeys_enabled": self.global_hotkeys_enabled,
            "export_folder": self.export_folder,
            "report_template": self.report_template,
            "severities": list(self.severities),
            "update_cadence_minutes": dict(self.update_cadence_minutes),
            "data_folder": self.data_folder,
            "time_display": self.time_display,
            "theme": self.theme,
            "hint_dismissed": self.hint_dismissed,
        }

    @classmethod
    def from_json(cls, raw: object) -> Settings:
        """Whatever can be read of ``raw``; anything else keeps its default."""
        defaults = cls()
        if not isinstance(raw, dict):
            return defaults
        shortcuts = raw.get("shortcuts")
        if isinstance(shortcuts, dict):
            kept = {k: v for k, v in shortcuts.items() if isinstance(k, str) and isinstance(v, str)}
        else:
            kept = {}
        enabled = raw.get("global_hotkeys_enabled")
        folder = raw.get("export_folder")
        template = raw.get("report_template")
        severities = _severities(raw.get("severities")) or defaults.severities
        cadence = {
            **defaults.update_cadence_minutes,
            **parse_cadence(raw.get("update_cadence_minutes")),
        }
        return cls(
            shortcuts=MappingProxyType(kept),
            global_hotkeys_enabled=(
                enabled if isinstance(enabled, bool) else defaults.global_hotkeys_enabled
            ),
            export_folder=folder if isinstance(folder, str) else defaults.export_folder,
            report_template=(
                template if isinstance(template, str) and template else defaults.report_template
            ),
            severities=severities,
            update_cadence_minutes=MappingProxyType(cadence),
            data_folder=_text(raw.get("data_folder"), defaults.data_folder),
            time_display=_choice(raw.get("time_display"), TIME_DISPLAYS, defaults.time_display),
            theme=_choice(raw.get("theme"), THEMES, defaults.theme),
            hint_dismissed=_flag(raw.get("hint_dismissed"), defaults.hint_dismissed),
        )


def _text(raw: object, default: str) -> str:
    return raw if isinstance(raw, str) else default


def _choice(raw: object, choices: tuple[str, ...], default: str) -> str:
    return raw if isinstance(raw, str) and raw in choices else default


def _flag(raw: object, default: bool) -> bool:
    return raw if isinstance(raw, bool) else default


def _severities(raw: object) -> tuple[str, ...]:
    """A stored severity scale: its distinct non-empty names in order (empty if unreadable)."""
    if not isinstance(raw, list):
        return ()
    names = (" ".join(name.split()) for name in raw if isinstance(name, str))
    return tuple(dict.fromkeys(name for name in names if name))


class SettingsStore:
    """Settings stored in ``file`` (normally ``paths.config_dir() / "settings.json"``)."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def load(self) -> Settings:
        """The saved settings; the defaults where the file is missing or damaged."""
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Settings()
        return Settings.from_json(raw)

    def save(self, settings: Settings) -> None:
        """Write atomically (temporary file, then rename). Raises ``OSError`` on failure."""
        self.file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".settings-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(settings.to_json(), handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.file)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def default_store() -> SettingsStore:
    """The settings file in the app's config folder."""
    from incident_recorder import paths

    return SettingsStore(paths.config_dir() / FILE_NAME)
