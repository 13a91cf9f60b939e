"""The start window and the app's wiring: recent incidents, opening, creating, clear errors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from incident_recorder.app import Application, display_problem
from incident_recorder.recent import RecentList
from incident_recorder.storage import IncidentFile


def test_start_window_lists_recent_incidents_and_opens_one(application, qtbot, tmp_path) -> None:
    path = tmp_path / "db-failover.incident"
    IncidentFile.create(path, "DB failover").close()
    application.show_start()
    assert application.start.isVisible()
    assert application.start.empty_hint.isVisible()

    window = application.open_path(path)
    assert window is not None and "DB failover" in window.windowTitle()
    assert not application.start.isVisible()
    recent = application.recent.load()
    assert [(r.title, Path(r.path)) for r in recent] == [("DB failover", path.resolve())]
    window.close()

    application.show_start()
    item = application.start.recent_list.topLevelItem(0)
    assert "DB failover" in item.text(0)
    with qtbot.waitSignal(application.start.open_requested) as opened:
        application.start.recent_list.itemActivated.emit(item, 0)
    assert Path(opened.args[0]) == path.resolve()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "empty"), (b"not sqlite at all " * 100, "not an incident file")],
)
def test_a_bad_file_shows_a_clear_message_and_stays_untouched(
    application, tmp_path, capsys, content: bytes, fragment: str
) -> None:
    path = tmp_path / "bad.incident"
    path.write_bytes(content)
    assert application.open_path(path) is None
    assert application.start.isVisible()
    assert application.start.banner.isVisible()
    assert fragment in application.start.banner.text()
    assert "Traceback" not in capsys.readouterr().err
    assert path.read_bytes() == content
    assert application.windows == []


def test_create_makes_the_file_and_opens_the_recorder(application, tmp_path) -> None:
    path = tmp_path / "new" / "folder" / "checkout.incident"
    window = application.create(path, "Checkout outage")
    assert window is not None
    with IncidentFile.open(path, readonly=True) as handle:
        assert handle.incident().title == "Checkout outage"
    window.close()


def test_display_problem_is_reported_before_qt_would_abort() -> None:
    assert display_problem({}, "linux") is not None
    assert "no display" in (display_problem({}, "linux") or "")
    assert "cannot connect" in (display_problem({"DISPLAY": ":987"}, "linux") or "")
    assert display_problem({"DISPLAY": ":987", "WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "win32") is None


def test_recent_rows_show_title_severity_state_and_date(application, qtbot, tmp_path) -> None:
    from incident_recorder.domain.milestones import Milestone

    open_one = tmp_path / "db.incident"
    with IncidentFile.create(open_one, "DB failover") as handle:
        handle.set_details(replace(handle.details(), severity="SEV2"))
    done = tmp_path / "dns.incident"
    with IncidentFile.create(done, "DNS outage") as handle:
        handle.record_milestone(Milestone.RESOLVED, text="Resolved")
    for path, title in ((done, "DNS outage"), (open_one, "DB failover")):
        application.recent.add(path, title, "2026-11-27T10:00:00+00:00")
    application.show_start()
    rows = application.start.recent_list
    qtbot.waitUntil(lambda: rows.topLevelItem(1).text(2) != "…", timeout=15_000)
    first, second = rows.topLevelItem(0), rows.topLevelItem(1)
    assert [first.text(c) for c in range(3)] == ["DB failover", "SEV2", "Investigating"]
    assert [second.text(c) for c in range(3)] == ["DNS outage", "—", "Resolved"]
    assert first.text(3) and first.text(4)  # started, last opened


def test_two_incidents_of_one_title_are_told_apart_by_their_file(
    application, qtbot, tmp_path
) -> None:
    """Two "Checkout outage" rows, told apart only by a tooltip: each now names its file."""
    for name in ("monday", "tuesday"):
        path = tmp_path / f"{name}.incident"
        IncidentFile.create(path, "Checkout outage").close()
        application.recent.add(path, "Checkout outage", "2026-11-27T10:00:00+00:00")
    other = tmp_path / "dns.incident"
    IncidentFile.create(other, "DNS outage").close()
    application.recent.add(other, "DNS outage", "2026-11-27T10:00:00+00:00")
    application.show_start()
    rows = application.start.recent_list
    qtbot.waitUntil(
        lambda: all(rows.topLevelItem(i).text(2) != "…" for i in range(3)), timeout=15_000
    )
    texts = sorted(rows.topLevelItem(i).text(0) for i in range(3))
    assert texts == [
        "Checkout outage  ·  monday.incident",
        "Checkout outage  ·  tuesday.incident",
        "DNS outage",
    ]


def test_a_missing_file_is_greyed_with_its_reason_and_can_be_removed(
    application, qtbot, tmp_path
) -> None:
    gone = tmp_path / "gone.incident"
    IncidentFile.create(gone, "Gone").close()
    application.recent.add(gone, "Gone", "2026-11-27T10:00:00+00:00")
    gone.unlink()
    application.show_start()
    start = application.start
    qtbot.waitUntil(lambda: start.problem(gone.resolve()) is not None, timeout=15_000)
    row = start.recent_list.topLevelItem(0)
    assert "missing" in row.text(0) and "missing" in row.toolTip(0)
    assert row.foreground(0).color() != start.palette().color(start.palette().ColorRole.Text)
    with qtbot.assertNotEmitted(start.open_requested):
        start.recent_list.itemActivated.emit(row, 0)
    assert start.banner.isVisible() and "missing" in start.banner.text()

    start.recent_list.setCurrentItem(row)
    start.recent_list.setFocus()
    qtbot.keyClick(start.recent_list, Qt.Key.Key_Delete)
    assert start.recent_list.topLevelItemCount() == 0
    assert application.recent.load() == []


def test_new_incident_saves_title_and_severity(application, qtbot, monkeypatch) -> None:
    from incident_recorder.ui.dialogs.new_incident_dialog import NewIncidentDialog

    def fill(dialog: NewIncidentDialog) -> int:
        qtbot.keyClicks(dialog.title_edit, "Checkout errors")
        dialog.severity_box.setCurrentIndex(dialog.severity_box.findData("SEV1"))
        dialog._accept()
        return NewIncidentDialog.DialogCode.Accepted

    monkeypatch.setattr(NewIncidentDialog, "exec", fill)
    window = application.ask_new(application.start)
    assert window is not None
    assert window.file.path.parent == application.data_folder()
    details = window.file.details()
    assert (details.title, details.severity) == ("Checkout errors", "SEV1")
    window.close()


def test_the_hint_card_shows_the_five_keys_until_dismissed(qapp, clock, qtbot, tmp_path) -> None:
    from incident_recorder.ui.dialogs.settings_store import SettingsStore

    store = SettingsStore(tmp_path / "settings.ini")
    store.save(store.load().with_shortcuts({"report": "Ctrl+Shift+R"}, {"report": "Ctrl+R"}))
    app = Application(qapp, clock, RecentList(tmp_path / "recent.json"), store)
    app.show_start()
    card = app.start.hint
    assert card.isVisible()
    text = card.table.text()
    for key in ("Enter", "Ctrl+Alt+S", "Alt+1…5", "Ctrl+1…9", "Ctrl+Shift+R"):
        assert key in text
    qtbot.mouseClick(card.dismiss_button, Qt.MouseButton.LeftButton)
    assert not card.isVisible()
    assert store.load().hint_dismissed
    app.start.close()
    again = Application(qapp, clock, RecentList(tmp_path / "recent.json"), store)
    again.show_start()
    assert not again.start.hint.isVisible()
    again.start.close()


def test_the_start_window_uses_the_keys_from_the_settings(
    qapp, clock, qtbot, tmp_path, monkeypatch
) -> None:
    from incident_recorder.ui.dialogs.new_incident_dialog import NewIncidentDialog
    from incident_recorder.ui.dialogs.settings_store import SettingsStore

    asked: list[bool] = []
    monkeypatch.setattr(NewIncidentDialog, "exec", lambda _self: asked.append(True) or 0)

    store = SettingsStore(tmp_path / "settings.ini")
    store.save(store.load().with_shortcuts({"new_incident": "Ctrl+Shift+Y"}, {}))
    app = Application(qapp, clock, RecentList(tmp_path / "recent.json"), store)
    app.show_start()
    start = app.start
    qtbot.waitUntil(start.isActiveWindow)
    with qtbot.waitSignal(start.new_requested, timeout=2000):
        qtbot.keyClick(
            start,
            Qt.Key.Key_Y,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert asked == [True]
    assert "Ctrl+Shift+Y" in start.empty_hint.text()
    start.close()


def test_a_bad_file_opened_from_a_recorder_window_is_explained_there(
    application, qtbot, tmp_path
) -> None:
    good = tmp_path / "good.incident"
    IncidentFile.create(good, "DB failover").close()
    window = application.open_path(good)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    bad = tmp_path / "notes.txt"
    bad.write_bytes(b"just some notes\n" * 50)

    assert application.open_path(bad) is None  # checked on a worker: the reason follows
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=15_000)

    assert not application.start.isVisible()  # the recorder is not covered by the start window
    assert "not an incident file" in window.last_error
    assert window.last_error.count(str(bad)) == 1  # the path once, not "Could not open P: P …"


def test_the_open_dialog_starts_where_the_last_incident_was(application, tmp_path) -> None:
    assert application.open_folder().is_dir()  # never a folder that does not exist
    folder = tmp_path / "incidents" / "2026"
    folder.mkdir(parents=True)
    path = folder / "db.incident"
    IncidentFile.create(path, "DB failover").close()
    application.open_path(path).close()
    assert application.open_folder() == folder.resolve()
