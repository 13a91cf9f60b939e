"""The team dialogs' password field and "Remember in the system keyring" (real widgets, a real
Secret Service, a PostgreSQL role that must give its password): ticked, the password is kept
after the connection succeeded and later connections without it get in; without a keyring the
box is disabled and says why; the password is in no file and no log line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from incident_recorder.storage import IncidentFile
from incident_recorder.sync import passwords
from incident_recorder.sync.conninfo import with_password
from incident_recorder.sync.replicator import connect
from incident_recorder.ui.dialogs.join_team import JoinTeamDialog
from tests.sync.conftest import KEYED_PASSWORD
from tests.sync.test_team_keyring import ok, written_files


def join_remembering(
    application: Any, qtbot: Any, url: str, incident: str, out: Path
) -> JoinTeamDialog:
    """Start window ▸ Join Team Incident…: `url`, `incident`, `out`, the password typed and
    Remember ticked; returns the dialog once the replica's window was asked for."""
    opened: list[object] = []
    application.start.open_requested.connect(opened.append)
    application.start.join_team()
    dialog = application.start.findChild(JoinTeamDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.password.remember.isEnabled, timeout=10_000)
    dialog.url_edit.setText(url)
    dialog.id_edit.setText(incident)
    dialog.path_edit.setText(str(out))
    qtbot.keyClicks(dialog.password.edit, KEYED_PASSWORD)
    dialog.password.remember.setChecked(True)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    return dialog


def test_join_with_remember_ticked_keeps_the_password_in_the_keyring(
    secret_service: dict[str, str],
    keyed_url: str,
    tmp_path: Path,
    qtbot,
    application,  # type: ignore[no-untyped-def]
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    a = tmp_path / "a.incident"
    ok("new", a, "--title", "Checkout outage")
    ok("note", a, "shared note")
    incident = ok("share", a, "--db", with_password(keyed_url, KEYED_PASSWORD)).strip()
    assert passwords.lookup(keyed_url) is None  # the URL's password was used, not kept
    join_remembering(application, qtbot, keyed_url, incident, tmp_path / "joined")
    assert passwords.lookup(keyed_url) == KEYED_PASSWORD
    with connect(keyed_url) as conn:  # no password in the string: the keyring's lets it in
        assert conn.execute("SELECT current_user").fetchone() == (keyed_url[13:].split("@")[0],)
    with IncidentFile.open(tmp_path / "joined.incident", readonly=True) as joined:
        assert [e.text for e in joined.entries()] == ["shared note"]
        assert "127.0.0.1" in joined.team_state()["conninfo"]
    for window in list(application.windows):  # closed, its file can be read as bytes
        window.close()
    assert KEYED_PASSWORD not in caplog.text
    assert KEYED_PASSWORD.encode() not in written_files(a, tmp_path / "joined.incident")


def test_join_says_so_when_the_keyring_does_not_keep_the_password(
    secret_service: dict[str, str],
    keyed_url: str,
    tmp_path: Path,
    qtbot,
    application,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A keyring that refuses (locked, say: here its store raises as keyring's PasswordSetError
    would) after the join succeeded: the replica is made and opened, and a message says the
    password was not kept (before, only a log line did)."""

    def refuses(conninfo: str, password: str) -> str:
        raise passwords.NoKeyringError("the system keyring did not keep it: collection is locked")

    a = tmp_path / "a.incident"
    ok("new", a, "--title", "Checkout outage")
    incident = ok("share", a, "--db", with_password(keyed_url, KEYED_PASSWORD)).strip()
    monkeypatch.setattr(passwords, "store", refuses)
    dialog = join_remembering(application, qtbot, keyed_url, incident, tmp_path / "joined")
    assert (tmp_path / "joined.incident").exists()
    assert dialog.not_kept is not None and dialog.not_kept.isVisible()
    assert "collection is locked" in dialog.not_kept.text()
    assert KEYED_PASSWORD not in dialog.not_kept.text()
    dialog.not_kept.close()
    for window in list(application.windows):
        window.close()


def test_share_with_remember_ticked_keeps_the_password_in_the_keyring(
    secret_service: dict[str, str],
    keyed_url: str,
    tmp_path: Path,
    qtbot,
    window_on: Callable[[Path], object],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from incident_recorder.ui.dialogs.share_team import ShareTeamDialog

    caplog.set_level(logging.DEBUG)
    path = tmp_path / "solo.incident"
    with IncidentFile.create(path, "Checkout outage") as solo:
        solo.add_note("recorded alone")
    window = window_on(path)
    window.actions_by_id["share_team"].trigger()  # type: ignore[attr-defined]
    dialog = window.findChild(ShareTeamDialog)  # type: ignore[attr-defined]
    assert dialog is not None
    qtbot.waitUntil(dialog.password.remember.isEnabled, timeout=10_000)
    dialog.url_edit.setText(keyed_url)
    qtbot.keyClicks(dialog.password.edit, KEYED_PASSWORD)
    box = dialog.password.remember  # clicked on its box: the dialog is wider than its text
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert dialog.password.remember.isChecked()
    dialog.buttons.accepted.emit()
    header = window.header.sync_state  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: header.text().startswith("live"), timeout=10_000)
    qtbot.waitUntil(lambda: passwords.lookup(keyed_url) == KEYED_PASSWORD, timeout=5_000)
    assert "In sync" in ok("sync", path, "--once")  # another process, the URL kept in the file
    window.close()  # type: ignore[attr-defined]
    assert KEYED_PASSWORD not in caplog.text
    assert KEYED_PASSWORD.encode() not in written_files(path)


def test_without_a_keyring_remember_is_disabled_and_says_why(
    qtbot,
    application,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    application.start.join_team()  # the tests' keyring: keyring's "no backend" (conftest.py)
    dialog = application.start.findChild(JoinTeamDialog)
    assert dialog is not None
    remember = dialog.password.remember
    qtbot.waitUntil(lambda: dialog.password.keyring_problem != "Looking for the system keyring…")
    assert not remember.isEnabled()
    assert remember.toolTip().startswith("Not available: no system keyring is available")
