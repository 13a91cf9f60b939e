"""The start window and the app's wiring: recent incidents, opening, creating, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from incident_recorder.app import Application, display_problem
from incident_recorder.recent import RecentList
from incident_recorder.storage import IncidentFile


@pytest.fixture
def application(qapp, clock, tmp_path: Path):
    app = Application(qapp, clock, RecentList(tmp_path / "config" / "recent.json"))
    yield app
    for window in list(app.windows):
        window.close()
    app.start.close()


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
    item = application.start.recent_list.item(0)
    assert "DB failover" in item.text()
    with qtbot.waitSignal(application.start.open_requested) as opened:
        application.start.recent_list.itemActivated.emit(item)
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
