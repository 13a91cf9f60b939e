"""The Settings dialog's General page and the keys: a round trip through a real settings file."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from incident_recorder.settings import Settings
from incident_recorder.ui.common.actions import ACTIONS
from incident_recorder.ui.dialogs.settings_dialog import SettingsDialog, problems, shortcuts_of
from incident_recorder.ui.dialogs.settings_store import SettingsStore, default_store


def test_every_setting_round_trips_through_the_file(qtbot, tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "config" / "settings.ini")
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    page = dialog.general
    folder = tmp_path / "incidents"
    page.folder_edit.setText(str(folder))
    assert page.time_box.findData("offset") >= 0, "T+ is offered"
    page.time_box.setCurrentIndex(page.time_box.findData("utc"))
    page.theme_box.setCurrentIndex(page.theme_box.findData("dark"))
    assert page.template_box.findData("short") >= 0, "the shipped templates are offered"
    page.template_box.setCurrentIndex(page.template_box.findData("short"))
    assert not page.quality_box.isEnabled(), "PNG: no quality to choose"
    page.capture_box.setCurrentIndex(page.capture_box.findData("jpeg"))
    assert page.quality_box.isEnabled()
    page.quality_box.setValue(70)
    page.cadence_boxes["SEV1"].setValue(15)
    page.cadence_boxes["SEV4"].setValue(45)
    dialog.set_key("jump_latest", "Ctrl+Shift+J")
    assert dialog.save()
    dialog.close()

    saved = SettingsStore(store.file).load()  # read back from the file
    assert saved.data_folder == str(folder)
    assert (saved.time_display, saved.theme, saved.report_template) == ("utc", "dark", "short")
    assert (saved.capture_format, saved.jpeg_quality) == ("jpeg", 70)
    assert dict(saved.update_cadence_minutes) == {"SEV1": 15, "SEV2": 60, "SEV3": 120, "SEV4": 45}
    assert saved.shortcut("jump_latest", "Ctrl+End") == "Ctrl+Shift+J"

    again = SettingsDialog(store)
    qtbot.addWidget(again)
    assert again.general.folder_edit.text() == str(folder)
    assert again.general.time_box.currentData() == "utc"
    assert again.general.theme_box.currentData() == "dark"
    assert again.general.template_box.currentData() == "short"
    assert again.general.cadence_boxes["SEV1"].value() == 15
    assert again.general.capture_box.currentData() == "jpeg"
    assert again.general.quality_box.value() == 70
    assert again.keys()["jump_latest"] == "Ctrl+Shift+J"
    again.restore_defaults()
    assert again.save()
    assert SettingsStore(store.file).load() == Settings()


def test_a_data_folder_that_is_a_file_is_refused(qtbot, tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.ini")
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    dialog.general.folder_edit.setText(str(a_file))
    assert not dialog.save_button.isEnabled()
    assert "is a file, not a folder" in dialog.message.text()
    dialog.general.folder_edit.setText("relative/folder")
    assert "give a full path" in dialog.message.text()
    assert not dialog.save()
    assert not store.file.exists()
    dialog.general.folder_edit.setText("")
    assert dialog.save_button.isEnabled()


def test_no_two_actions_share_a_key_after_any_user_change() -> None:
    defaults = shortcuts_of(Settings())
    assert problems(defaults) == {}
    ids = [spec.id for spec in ACTIONS if defaults[spec.id]]
    for changed, taken in [*pairwise(ids), (ids[-1], ids[0])]:
        keys = {**defaults, changed: defaults[taken]}
        found = problems(keys)
        assert found, f"{changed} given the key of {taken} was accepted"
        assert defaults[taken] in found[changed] or defaults[taken] in found.get(taken, "")


def test_a_new_window_starts_in_the_time_display_chosen(make_window) -> None:
    store = default_store()
    store.save(Settings(time_display="utc"))
    window = make_window()
    assert window.model.time_display == "utc"
    assert window.model.utc
    store.save(Settings(time_display="offset"))
    window = make_window(window.file.path.with_name("other.incident"), "Other")
    assert window.model.time_display == "offset"
    assert not window.model.utc, "dialogs that take a time start in local time"


def test_the_new_fields_have_accessible_names(qtbot, tmp_path: Path) -> None:
    dialog = SettingsDialog(SettingsStore(tmp_path / "settings.ini"))
    qtbot.addWidget(dialog)
    page = dialog.general
    assert page.capture_box.accessibleName() == "Capture format"
    assert page.quality_box.accessibleName() == "JPEG quality"
    assert page.time_box.accessibleName() == "Time display"
    assert [page.capture_box.itemData(i) for i in range(page.capture_box.count())] == [
        "png",
        "jpeg",
    ]
    assert page.capture_box.currentData() == "png" and page.quality_box.value() == 85


def test_row_labels_show_no_ampersand_and_focus_their_field(qtbot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QFormLayout, QLabel

    dialog = SettingsDialog(SettingsStore(tmp_path / "settings.ini"))
    qtbot.addWidget(dialog)
    form = dialog.general.layout()
    assert isinstance(form, QFormLayout)
    labels = [
        form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        for row in range(form.rowCount())
        if form.itemAt(row, QFormLayout.ItemRole.LabelRole) is not None
    ]
    texts = {label.text(): label.buddy() for label in labels if isinstance(label, QLabel)}
    assert texts["&Data folder"] is dialog.general.folder_edit
    assert texts["&Captures stored as"] is dialog.general.capture_box
    assert all(buddy is not None for buddy in texts.values()), "every '&' has a field to focus"
