"""The QSettings store: a round trip through the INI file, damage read as the defaults, the
one-time migration of settings.json, and a write failure reported (sync status checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from incident_recorder import paths
from incident_recorder.settings import Settings
from incident_recorder.ui.dialogs.settings_store import SettingsStore, default_store
from tests.test_settings import a_changed_setting_of_every_field


def test_the_default_store_is_in_the_config_folder() -> None:
    assert default_store().file == paths.config_dir() / "settings.ini"
    assert default_store().legacy_file == paths.config_dir() / "settings.json"


def test_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert SettingsStore(tmp_path / "none.ini").load() == Settings()
    assert not (tmp_path / "none.ini").exists(), "reading writes nothing"


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "sub" / "settings.ini")
    chosen = a_changed_setting_of_every_field()
    store.save(chosen)
    loaded = SettingsStore(store.file).load()
    assert loaded.shortcut("capture_screen", "Ctrl+Alt+S") == "Ctrl+Alt+X"
    assert loaded.shortcut("settings", "Ctrl+,") == "Ctrl+,"
    assert loaded.severities == ("P1", "P,2", "P 3")
    assert loaded.update_cadence_minutes["a/b"] == 5
    assert (loaded.capture_format, loaded.jpeg_quality, loaded.time_display) == (
        "jpeg",
        70,
        "offset",
    )
    assert [p.name for p in store.file.parent.iterdir()] == ["settings.ini"], "no temp file left"
    text = store.file.read_text(encoding="utf-8")
    assert "capture_format=jpeg" in text and "jpeg_quality=70" in text, "a readable INI file"
    store.save(Settings())
    assert SettingsStore(store.file).load() == Settings(), "saving replaces every key"


def test_a_fresh_process_reads_the_same_settings(tmp_path: Path) -> None:
    """QSettings gives typed values back within one process (its cache) but text from the
    file: the typed conversion is what another process sees."""
    store = SettingsStore(tmp_path / "settings.ini")
    store.save(a_changed_setting_of_every_field())
    script = (
        "import sys; from pathlib import Path; "
        "from incident_recorder.ui.dialogs.settings_store import SettingsStore; "
        "print(repr(SettingsStore(Path(sys.argv[1])).load()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(store.file)],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
    ).stdout.strip()
    assert out == repr(store.load())


def test_ini_text_written_by_hand_is_read_typed(tmp_path: Path) -> None:
    file = tmp_path / "settings.ini"
    file.write_text(
        "[General]\nglobal_hotkeys_enabled=false\njpeg_quality=90\ncapture_format=jpeg\n"
        "severities=P1\ntime_display=offset\n"
        "[update_cadence_minutes]\nSEV1=10\nSEV2=often\n"
        "[shortcuts]\ncapture_screen=Ctrl+Alt+Q\n",
        encoding="utf-8",
    )
    loaded = SettingsStore(file).load()
    assert loaded.global_hotkeys_enabled is False
    assert (loaded.jpeg_quality, loaded.capture_format, loaded.time_display) == (
        90,
        "jpeg",
        "offset",
    )
    assert loaded.severities == ("P1",)
    cadence = loaded.update_cadence_minutes
    assert (cadence["SEV1"], cadence["SEV2"]) == (10, 60), "'often' gives the default"
    assert loaded.shortcut("capture_screen", "Ctrl+Alt+S") == "Ctrl+Alt+Q"


@pytest.mark.parametrize(
    "content",
    [
        b"{not ini",
        b"\xff\xfe\x00garbage",
        b"[General]\nglobal_hotkeys_enabled=yes\njpeg_quality=best\ntheme=plaid\n",
        b"[shortcuts]\ncapture_screen\n=orphan\n[[[\n",
        b"",
    ],
)
def test_a_damaged_file_is_read_as_the_defaults(tmp_path: Path, content: bytes) -> None:
    file = tmp_path / "settings.ini"
    file.write_bytes(content)
    assert SettingsStore(file).load() == Settings()


def test_settings_json_is_migrated_once_and_renamed(tmp_path: Path) -> None:
    legacy = tmp_path / "settings.json"
    legacy.write_text(
        json.dumps(
            {
                "format": 1,
                "shortcuts": {"capture_screen": "Ctrl+Alt+X"},
                "time_display": "utc",
                "update_cadence_minutes": {"SEV1": 15},
                "hint_dismissed": True,
            }
        ),
        encoding="utf-8",
    )
    store = SettingsStore(tmp_path / "settings.ini")
    migrated = store.load()
    assert migrated.shortcut("capture_screen", "Ctrl+Alt+S") == "Ctrl+Alt+X"
    assert (migrated.time_display, migrated.hint_dismissed) == ("utc", True)
    assert migrated.update_cadence_minutes["SEV1"] == 15
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "settings.ini",
        "settings.json.migrated",
    ]
    assert SettingsStore(store.file).load() == migrated, "now read from the INI file"
    store.save(Settings(theme="dark"))
    legacy.write_text(json.dumps({"theme": "light"}), encoding="utf-8")  # e.g. an old version
    assert store.load().theme == "dark", "the JSON is migrated once, never read over the INI"


def test_a_damaged_settings_json_migrates_as_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_bytes(b"{damaged")
    store = SettingsStore(tmp_path / "settings.ini")
    assert store.load() == Settings()
    assert store.file.is_file()
    assert (tmp_path / "settings.json.migrated").read_bytes() == b"{damaged", "kept, renamed"


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "config").write_text("a file where the folder should be")
    store = SettingsStore(tmp_path / "config" / "settings.ini")
    with pytest.raises(OSError, match="the settings folder .*config cannot be made"):
        store.save(Settings(theme="dark"))
    assert store.load() == Settings()


def test_a_failed_write_is_reported_from_the_sync_status(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.ini")
    store.save(Settings(theme="dark"))
    store.file.unlink()
    store.file.mkdir()  # the rename over it fails, as in a read-only folder (root ignores modes)
    with pytest.raises(OSError, match=r"could not be written to .*settings\.ini: .*not writable"):
        store.save(Settings(theme="light"))


def test_a_migration_that_cannot_be_written_keeps_the_json(tmp_path: Path, monkeypatch) -> None:
    legacy = tmp_path / "settings.json"
    legacy.write_text(json.dumps({"theme": "dark"}), encoding="utf-8")
    store = SettingsStore(tmp_path / "settings.ini")

    def refuse(settings: Settings) -> None:
        raise OSError("the settings could not be written (read-only)")

    monkeypatch.setattr(store, "save", refuse)
    assert store.load().theme == "dark", "the JSON's settings are used all the same"
    assert legacy.is_file() and not store.file.exists(), "left for the next start to migrate"
    monkeypatch.undo()
    assert SettingsStore(store.file).load().theme == "dark"
    assert not legacy.exists()


@pytest.mark.parametrize("name", ["Ada Lovelace", "Zoë Ångström-Ñúñez", 'O\'Brien, "Pat"'])
def test_the_command_line_reads_the_author_qsettings_saved(tmp_path: Path, name: str) -> None:
    """The CLI reads the author without Qt (settings.saved_author): what QSettings wrote."""
    from incident_recorder.settings import saved_author

    store = SettingsStore(tmp_path / "settings.ini")
    store.save(Settings(author=name))
    assert saved_author(store.file) == name
    assert saved_author(tmp_path / "missing.ini") == ""
