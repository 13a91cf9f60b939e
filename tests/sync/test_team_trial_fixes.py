"""What a new-user trial of team recording found, each fixed: a password in a connection string
libpq cannot read was printed and logged; a failed Share could not be tried again; a replica
joined with a typed password stayed offline; a refused password read as "offline"; the
incident id was only shown as an error. Real widgets, a real PostgreSQL."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from incident_recorder.storage import IncidentFile
from incident_recorder.sync import passwords
from incident_recorder.sync.conninfo import BadConninfoError, with_password
from incident_recorder.sync.replicator import SyncState, connect
from tests.sync.conftest import KEYED_PASSWORD

SECRET = "sam-secret-2"
MISTYPED = [  # the scheme mistyped; a bracket left open
    f"postgresl://sam:{SECRET}@127.0.0.1:54329/incidents",
    f"postgresql://sam:{SECRET}@[::1",
]


@pytest.fixture(autouse=True)
def _nothing_typed_before() -> None:
    passwords._TYPED.clear()  # what a dialog typed lives for the process: not across tests


@pytest.mark.parametrize("url", MISTYPED)
def test_a_connection_string_libpq_cannot_read_is_never_repeated(
    url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(BadConninfoError) as refused:
        connect(url)
    assert SECRET not in str(refused.value) and "postgres" in str(refused.value)
    path = tmp_path / "a.incident"
    IncidentFile.create(path, "Checkout outage").close()
    for args in (["share", str(path), "--db", url], ["team", "init", url]):
        done = subprocess.run(
            [sys.executable, "-m", "incident_recorder", *args],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
        assert SECRET not in done.stderr + done.stdout
    assert SECRET not in caplog.text


def test_a_mistyped_url_in_the_join_dialog_shows_no_password(
    qtbot,
    application,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from incident_recorder.ui.dialogs.join_team import JoinTeamDialog

    application.start.join_team()
    dialog = application.start.findChild(JoinTeamDialog)
    assert dialog is not None
    dialog.url_edit.setText(MISTYPED[0])
    dialog.id_edit.setText("0b1e9c1c-3f4f-4c52-8a8a-2f7f3b7c0d11")
    dialog.path_edit.setText(str(tmp_path / "joined"))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled() and "not" in dialog.message.text())
    assert SECRET not in dialog.message.text()
    assert dialog.message.text().startswith("Not joined: not a PostgreSQL connection string")


def test_after_a_failed_share_the_window_can_share(
    tmp_path: Path,
    team_url: str,
    qtbot,
    window_on,  # type: ignore[no-untyped-def]
) -> None:
    from incident_recorder.ui.dialogs.share_team import ShareTeamDialog

    path = tmp_path / "solo.incident"
    IncidentFile.create(path, "Checkout outage").close()
    window = window_on(path)
    unreachable = team_url.replace(team_url.split(":")[-1].split("/")[0], "1")  # port 1
    for url in (unreachable, team_url):
        window.actions_by_id["share_team"].trigger()
        dialog = next(d for d in window.findChildren(ShareTeamDialog) if d.isVisible())
        if url == team_url:
            assert dialog.url_edit.text() == unreachable, "the failed attempt's URL is offered"
        dialog.url_edit.setText(url)
        dialog.buttons.accepted.emit()
        if url == unreachable:
            qtbot.waitUntil(lambda: window.last_error is not None, timeout=15_000)
            qtbot.waitUntil(lambda: window.team._thread is None, timeout=5_000)
            assert not window.header.sync_state.isVisible(), "not shared: no error in the header"
            assert window.banner.isVisible() and "not shared" in window.banner.text()
    qtbot.waitUntil(lambda: window.team.status == "live", timeout=15_000)
    assert not window.banner.isVisible(), "the failed attempt's banner goes once it is shared"
    assert "incident id" in window.statusBar().currentMessage()
    incident = window.file.incident().uuid
    assert incident in window.statusBar().currentMessage()
    window.actions_by_id["share_team"].trigger()  # again: the id, in a box it can be copied from
    box = window.team.id_box
    assert isinstance(box, QMessageBox) and box.isVisible() and incident in box.text()
    assert team_url.split("?")[0] in box.text(), "and the database teammates join it in"
    next(b for b in box.buttons() if b.text() == "Copy Id").click()
    assert QApplication.clipboard().text() == incident
    box.close()


def test_a_replica_joined_with_a_typed_password_reconnects_with_it(
    tmp_path: Path,
    keyed_url: str,
    qtbot,
    application,  # type: ignore[no-untyped-def]
) -> None:
    """No keyring (the tests' default) and the password only typed into Join: the replica's
    window syncs live with it, and again after the server was away (memory only)."""
    from incident_recorder.ui.dialogs.join_team import JoinTeamDialog

    a = tmp_path / "a.incident"
    IncidentFile.create(a, "Checkout outage").close()
    done = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "share", str(a), "--db",
         with_password(keyed_url, KEYED_PASSWORD)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    incident = done.stdout.split()[0]
    opened: list[Path] = []
    application.start.open_requested.connect(opened.append)
    application.start.join_team()
    dialog = application.start.findChild(JoinTeamDialog)
    assert dialog is not None
    dialog.url_edit.setText(keyed_url)
    dialog.id_edit.setText(incident)
    dialog.path_edit.setText(str(tmp_path / "joined"))
    qtbot.keyClicks(dialog.password.edit, KEYED_PASSWORD)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    with IncidentFile.open(opened[0], readonly=True) as joined:
        assert KEYED_PASSWORD not in joined.team_state()["conninfo"]
    window = application.open_path(opened[0])
    qtbot.waitUntil(lambda: window.team.status == "live", timeout=15_000)


def test_a_refused_password_is_an_error_not_offline(
    tmp_path: Path, keyed_url: str, team_url: str
) -> None:
    from incident_recorder.session import IncidentSession
    from incident_recorder.sync.links import share
    from incident_recorder.sync.replicator import Replicator

    path = tmp_path / "a.incident"
    with IncidentFile.create(path, "Checkout outage") as handle:
        session = IncidentSession(handle)
        with connect(team_url) as conn:
            share(session, conn, team_url)
        wrong = with_password(keyed_url, "not-the-password")
        states: list[SyncState] = []
        Replicator(session, wrong).run(lambda: bool(states), states.append)
    assert states[0].status == "error"
    assert states[0].text() == 'error: password authentication failed for user "' + (
        keyed_url[13:].split("@")[0] + '"'
    )
    assert "not-the-password" not in states[0].reason
    with pytest.raises(psycopg.OperationalError) as refused:
        connect(wrong)
    assert "not-the-password" not in str(refused.value) and "\n" not in str(refused.value)
