"""Settings (Qt-free): defaults declared once, the INI values and the legacy JSON read back
typed, and damaged or wrong-typed values read as their defaults. The QSettings store itself is
tested in tests/ui/test_settings_store.py."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from incident_recorder.settings import Settings


def test_defaults_are_declared_once() -> None:
    settings = Settings()
    assert settings.global_hotkeys_enabled is True
    assert dict(settings.shortcuts) == {}
    assert settings.shortcut("capture_screen", "Ctrl+Alt+S") == "Ctrl+Alt+S"
    assert (settings.time_display, settings.capture_format, settings.jpeg_quality) == (
        "local",
        "png",
        85,
    )


def test_shortcuts_equal_to_their_default_are_not_stored() -> None:
    defaults = {"capture_screen": "Ctrl+Alt+S", "new_incident": "Ctrl+N"}
    chosen = Settings(global_hotkeys_enabled=False).with_shortcuts(
        {"capture_screen": "Ctrl+Alt+X", "new_incident": "Ctrl+N"}, defaults
    )
    assert dict(chosen.shortcuts) == {"capture_screen": "Ctrl+Alt+X"}, "defaults not stored"
    assert chosen.shortcut("new_incident", "Ctrl+N") == "Ctrl+N"


def a_changed_setting_of_every_field() -> Settings:
    return Settings(
        shortcuts=MappingProxyType({"capture_screen": "Ctrl+Alt+X", "settings": "Ctrl+,"}),
        global_hotkeys_enabled=False,
        export_folder="/tmp/reports, old",
        report_template="short",
        severities=("P1", "P,2", "P 3"),
        update_cadence_minutes=MappingProxyType({"P1": 15, "a/b": 5, "100%": 0}),
        data_folder="/srv/incidents",
        time_display="offset",
        theme="dark",
        hint_dismissed=True,
        capture_format="jpeg",
        jpeg_quality=70,
        author="Ada Lovelace",
        own_domains=("corp.example.net", "intra.example"),
    )


def test_every_field_round_trips_through_the_ini_values() -> None:
    chosen = a_changed_setting_of_every_field()
    unchanged = [
        f for f in Settings.__dataclass_fields__ if getattr(chosen, f) == getattr(Settings(), f)
    ]
    assert unchanged == [], "the round trip covers every field"
    values = chosen.to_values()
    assert all(isinstance(v, str | list) for v in values.values()), "INI holds text only"
    assert values["global_hotkeys_enabled"] == "false"
    assert values["jpeg_quality"] == "70"
    assert values["update_cadence_minutes/a%2Fb"] == "5", "a '/' would open an INI group"
    loaded = Settings.from_values(values)
    assert loaded.update_cadence_minutes == {
        "SEV1": 30,
        "SEV2": 60,
        "SEV3": 120,
        "SEV4": 0,
        "P1": 15,
        "a/b": 5,
        "100%": 0,
    }, "merged over the defaults"
    from dataclasses import replace

    assert replace(loaded, update_cadence_minutes=chosen.update_cadence_minutes) == chosen


def test_ini_text_is_converted_per_field() -> None:
    loaded = Settings.from_values(
        {
            "format": "2",
            "global_hotkeys_enabled": "false",
            "hint_dismissed": "true",
            "jpeg_quality": "60",
            "severities": "P1",  # QSettings gives a one-item list back as its text
            "update_cadence_minutes/SEV1": "20",
            "shortcuts/capture_screen": "Ctrl+Alt+X",
            "capture_format": "jpeg",
            "time_display": "utc",
        }
    )
    assert loaded.global_hotkeys_enabled is False
    assert loaded.hint_dismissed is True
    assert loaded.jpeg_quality == 60
    assert loaded.severities == ("P1",)
    assert loaded.update_cadence_minutes["SEV1"] == 20
    assert dict(loaded.shortcuts) == {"capture_screen": "Ctrl+Alt+X"}
    assert (loaded.capture_format, loaded.time_display) == ("jpeg", "utc")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("global_hotkeys_enabled", "yes"),
        ("global_hotkeys_enabled", "0"),
        ("hint_dismissed", ["true", "false"]),
        ("jpeg_quality", "high"),
        ("jpeg_quality", "101"),
        ("jpeg_quality", "49"),
        ("capture_format", "gif"),
        ("capture_format", ["png", "jpeg"]),
        ("time_display", "mars"),
        ("theme", ""),
        ("report_template", ""),
        ("data_folder", ["a", "b"]),
        ("severities", None),  # QSettings' @Invalid()
        ("update_cadence_minutes/SEV1", "soon"),
        ("update_cadence_minutes/SEV1", "-5"),
        ("update_cadence_minutes/SEV1", "99999999"),
        ("shortcuts/capture_screen", ["Ctrl+A", "Ctrl+B"]),
        ("shortcuts", "Ctrl+A"),
        ("unknown/nested/key", "x"),
    ],
)
def test_a_wrong_typed_ini_value_gives_that_fields_default(key: str, value: object) -> None:
    assert Settings.from_values({key: value, "theme": "dark"}) == Settings(theme="dark")


@pytest.mark.parametrize(
    "raw",
    [[1, 2, 3], {"shortcuts": 5, "global_hotkeys_enabled": "yes"}, None, "text"],
)
def test_a_damaged_legacy_json_is_read_as_the_defaults(raw: object) -> None:
    assert Settings.from_json(raw) == Settings()


def test_wrong_legacy_entries_are_dropped_and_the_rest_kept() -> None:
    raw = {"shortcuts": {"capture_screen": "Ctrl+Alt+X", "bad": 3}, "global_hotkeys_enabled": 0}
    loaded = Settings.from_json(raw)
    assert dict(loaded.shortcuts) == {"capture_screen": "Ctrl+Alt+X"}
    assert loaded.global_hotkeys_enabled is True


def test_severities_default_to_the_domain_scale() -> None:
    from incident_recorder.domain.details import DEFAULT_SEVERITIES

    assert Settings().severities == DEFAULT_SEVERITIES


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (["P1", " P2 ", "", "P1", 3], ("P1", "P2")),
        ([], ("SEV1", "SEV2", "SEV3", "SEV4")),
        ("SEV1", ("SEV1", "SEV2", "SEV3", "SEV4")),
    ],
)
def test_a_damaged_severity_scale_keeps_what_can_be_read(stored, expected) -> None:
    assert Settings.from_json({"severities": stored}).severities == expected


def test_update_cadence_defaults_and_damage() -> None:
    assert dict(Settings().update_cadence_minutes) == {
        "SEV1": 30,
        "SEV2": 60,
        "SEV3": 120,
        "SEV4": 0,
    }
    raw = {"update_cadence_minutes": {"SEV1": 20, "SEV2": "soon", "SEV3": -5, "": 3}}
    # what can be read is kept; the rest are the defaults
    assert dict(Settings.from_json(raw).update_cadence_minutes) == {
        "SEV1": 20,
        "SEV2": 60,
        "SEV3": 120,
        "SEV4": 0,
    }
