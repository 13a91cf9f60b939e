"""The user's settings, declared once here with their defaults, and how they are read back.

Every setting is a typed field of :class:`Settings`; a fresh ``Settings()`` is the defaults.
Shortcuts are stored per action id as overrides of the actions table's own key (the table stays
the one place where defaults are declared; an action without an override uses its table key).

They are kept with QSettings in an INI file (``ui/dialogs/settings_store.py``); this module imports
no
Qt, so it only converts: ``to_values`` gives the flat INI keys and their text, ``from_values``
reads such keys back (INI gives every value back as text: each is converted to its field's type
here), and ``from_json`` reads the settings.json of earlier versions (migrated once). Reading
never fails: a missing, damaged or wrong-typed value gives that field's default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote

from incident_recorder.domain.cadence import DEFAULT_CADENCE, parse_cadence
from incident_recorder.domain.details import DEFAULT_SEVERITIES

FILE_NAME = "settings.ini"
LEGACY_FILE_NAME = "settings.json"
"""Where versions before QSettings kept the settings (read once, then renamed)."""
FORMAT = 2
TIME_DISPLAYS = ("local", "utc", "offset")
"""How the recorder shows times when a window opens (Ctrl+Shift+U cycles them): local time,
UTC, or T+ (the offset from impact start, else from the first entry, as the report counts)."""
CAPTURE_FORMATS = ("png", "jpeg")
"""How a screen capture is encoded: PNG (lossless) or JPEG (smaller files)."""
JPEG_QUALITIES = range(50, 101)
"""The JPEG qualities offered (Pillow's scale; 95+ is near lossless and large)."""
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
    capture_format: str = "png"
    """One of :data:`CAPTURE_FORMATS`: how new screen captures are encoded (thumbnails: PNG)."""
    jpeg_quality: int = 85
    """The JPEG quality (in :data:`JPEG_QUALITIES`) when ``capture_format`` is ``"jpeg"``."""
    author: str = ""
    """The name the user records under: teammates see it beside their entries (team sync)."""
    own_domains: tuple[str, ...] = ()
    """The team's own domains: a host name under one (db-1.corp.example.net) is a finding, as
    are those listed in ``<data dir>/findings/own-domains.txt`` (session/findings.py)."""

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
            "capture_format": self.capture_format,
            "jpeg_quality": self.jpeg_quality,
            "author": self.author,
            "own_domains": list(self.own_domains),
        }

    def to_values(self) -> dict[str, str | list[str]]:
        """The flat keys of the INI file ("group/key" for a mapping's entries) and their text."""
        values: dict[str, str | list[str]] = {}
        for name, value in self.to_json().items():
            if isinstance(value, dict):
                values.update({f"{name}/{quote(k, safe='')}": str(v) for k, v in value.items()})
            elif isinstance(value, bool):
                values[name] = "true" if value else "false"
            elif isinstance(value, list):
                values[name] = [str(item) for item in value]
            else:
                values[name] = str(value)
        return values

    @classmethod
    def from_values(cls, values: Mapping[str, object]) -> Settings:
        """Settings from the INI file's keys: each text converted to its field's type, then
        read like :meth:`from_json` (what cannot be read keeps its default)."""
        raw: dict[str, Any] = {}
        for key, value in values.items():
            group, _, name = key.partition("/")
            if name and group in _GROUPS:
                entry = _int(value) if _GROUPS[group] is int else value
                raw.setdefault(group, {})[unquote(name)] = entry
            elif not name and group in _BOOLS:
                raw[group] = {"true": True, "false": False}.get(str(value).lower(), value)
            elif not name and group in _INTS:
                raw[group] = _int(value)
            elif not name and group in _LISTS:
                raw[group] = [value] if isinstance(value, str) else value  # INI: one item = text
            elif not name:
                raw[group] = value
        return cls.from_json(raw)

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
            capture_format=_choice(
                raw.get("capture_format"), CAPTURE_FORMATS, defaults.capture_format
            ),
            jpeg_quality=_number(raw.get("jpeg_quality"), JPEG_QUALITIES, defaults.jpeg_quality),
            author=" ".join(_text(raw.get("author"), defaults.author).split()),
            own_domains=domain_names(raw.get("own_domains")),
        )


_GROUPS: Mapping[str, type] = {"shortcuts": str, "update_cadence_minutes": int}
"""Mapping fields: one INI key per entry, under the field's group (names %-quoted)."""
_BOOLS = frozenset({"global_hotkeys_enabled", "hint_dismissed"})
_INTS = frozenset({"format", "jpeg_quality"})
_LISTS = frozenset({"severities", "own_domains"})
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
"""A domain name as the host finding matches them (recognition/findings.py): labels and a
top-level name of letters."""


def _int(raw: object) -> object:
    """INI text of a whole number as an int; anything else unchanged (then refused)."""
    if isinstance(raw, str) and re.fullmatch(r"-?[0-9]{1,9}", raw.strip()):
        return int(raw)
    return raw


def _number(raw: object, allowed: range, default: int) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool) and raw in allowed:
        return raw
    return default


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


def domain_name(text: str) -> str | None:
    """`text` as a domain name, lowercase, without a leading "*." or "."; None if it is not
    one."""
    name = text.strip().lower().removeprefix("*.").lstrip(".")
    return name if _DOMAIN.fullmatch(name) else None


def domain_names(raw: object) -> tuple[str, ...]:
    """The distinct domain names of a stored list (one text: INI's one item), in order; what
    is not a domain name is left out."""
    items = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    names = (domain_name(item) for item in items if isinstance(item, str))
    return tuple(dict.fromkeys(name for name in names if name))


def saved_own_domains(file: Path) -> tuple[str, ...]:
    """The own domains in the settings INI `file`, read without Qt (the detector runs in the
    command line and the export child too); () when unset or unreadable. QSettings writes a
    list as "a, b" (names hold no comma or quote, so no escaping to undo)."""
    return domain_names(_saved_general(file, "own_domains").split(","))


def _saved_general(file: Path, key: str) -> str:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(file, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return ""
    return parser.get("General", key, fallback="").strip()


def saved_author(file: Path) -> str:
    """The author name in the settings INI `file` (QSettings keeps plain keys under
    [General]), read without Qt for the command line; "" when unset or unreadable."""
    value = _saved_general(file, "author")
    if len(value) >= 2 and value[0] == value[-1] == '"':  # QSettings quotes, \\-escaping " and \\
        value = re.sub(r"\\(.)", r"\1", value[1:-1])
    return " ".join(value.split())
