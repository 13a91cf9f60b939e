"""Settings: defaults, a round trip through the file, and a damaged file read as the defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incident_recorder import paths
from incident_recorder.settings import Settings, SettingsStore, default_store


def test_defaults_are_declared_once() -> None:
    settings = Settings()
    assert settings.global_hotkeys_enabled is True
    assert dict(settings.shortcuts) == {}
    assert settings.shortcut("capture_screen", "Ctrl+Alt+S") == "Ctrl+Alt+S"


def test_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert SettingsStore(tmp_path / "none.json").load() == Settings()


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "sub" / "settings.json")
    defaults = {"capture_screen": "Ctrl+Alt+S", "new_incident": "Ctrl+N"}
    chosen = Settings(global_hotkeys_enabled=False).with_shortcuts(
        {"capture_screen": "Ctrl+Alt+X", "new_incident": "Ctrl+N"}, defaults
    )
    assert dict(chosen.shortcuts) == {"capture_screen": "Ctrl+Alt+X"}, "defaults not stored"
    store.save(chosen)
    loaded = store.load()
    assert loaded == chosen
    assert loaded.shortcut("capture_screen", "Ctrl+Alt+S") == "Ctrl+Alt+X"
    assert loaded.shortcut("new_incident", "Ctrl+N") == "Ctrl+N"
    assert [p.name for p in store.file.parent.iterdir()] == ["settings.json"], "no temp file left"


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'{"shortcuts": 5, "global_hotkeys_enabled": "yes"}',
        b"",
    ],
)
def test_a_damaged_file_is_ignored(tmp_path: Path, content: bytes) -> None:
    file = tmp_path / "settings.json"
    file.write_bytes(content)
    assert SettingsStore(file).load() == Settings()


def test_wrong_entries_are_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    raw = {"shortcuts": {"capture_screen": "Ctrl+Alt+X", "bad": 3}, "global_hotkeys_enabled": 0}
    file.write_text(json.dumps(raw))
    loaded = SettingsStore(file).load()
    assert dict(loaded.shortcuts) == {"capture_screen": "Ctrl+Alt+X"}
    assert loaded.global_hotkeys_enabled is True


def test_the_default_store_is_in_the_config_folder() -> None:
    assert default_store().file == paths.config_dir() / "settings.json"


def test_severities_default_to_the_domain_scale_and_round_trip(tmp_path: Path) -> None:
    from incident_recorder.domain.details import DEFAULT_SEVERITIES

    assert Settings().severities == DEFAULT_SEVERITIES
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings(severities=("P1", "P2", "P3")))
    assert store.load().severities == ("P1", "P2", "P3")


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


def test_update_cadence_defaults_round_trip_and_damage(tmp_path: Path) -> None:
    assert dict(Settings().update_cadence_minutes) == {
        "SEV1": 30,
        "SEV2": 60,
        "SEV3": 120,
        "SEV4": 0,
    }
    store = SettingsStore(tmp_path / "settings.json")
    from types import MappingProxyType

    chosen = Settings(update_cadence_minutes=MappingProxyType({"SEV1": 15, "P0": 10, "SEV4": 0}))
    store.save(chosen)
    # merged over the defaults: a severity is turned off with 0, not by leaving it out
    assert store.load().update_cadence_minutes == {
        "SEV1": 15,
        "SEV2": 60,
        "SEV3": 120,
        "SEV4": 0,
        "P0": 10,
    }
    store.file.write_text(
        json.dumps({"update_cadence_minutes": {"SEV1": 20, "SEV2": "soon", "SEV3": -5, "": 3}}),
        encoding="utf-8",
    )
    # what can be read is kept; the rest are the defaults
    assert dict(store.load().update_cadence_minutes) == {
        "SEV1": 20,
        "SEV2": 60,
        "SEV3": 120,
        "SEV4": 0,
    }
