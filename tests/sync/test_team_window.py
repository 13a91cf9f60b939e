"""The recorder window of a shared incident: a teammate's entry appears live with its author,
the header shows the sync state, an entry recorded offline is marked until it is sent, and
Share with Team… / Join Team Incident… link incidents (a real PostgreSQL, real widgets)."""

from __future__ import annotations

import time
from pathlib import Path

from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFile
from incident_recorder.sync.replicator import Replicator, connect
from incident_recorder.ui.recorder.team_sync import NOT_SENT
from tests.sync.postgres_cluster import Cluster
from tests.sync.test_replicator import shared_pair


def test_a_teammates_note_appears_live_with_its_author(
    tmp_path: Path,
    team_url: str,
    qtbot,
    window_on,  # type: ignore[no-untyped-def]
) -> None:
    a, b = shared_pair(tmp_path, team_url)
    b.close()
    with a, connect(team_url) as conn:
        on_a = IncidentSession(a, author="Ada Lovelace")
        sync_a = Replicator(on_a)
        on_a.add_note("before B opened")
        sync_a.sync_once(conn)
        window = window_on(tmp_path / "b.incident")
        qtbot.waitUntil(lambda: window.header.sync_state.text().startswith("live"), timeout=10_000)
        qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5_000)
        assert window.header.sync_state.text() == "live · 1 teammate"
        note = on_a.add_note("checkout 502s from eu-west")
        sent = time.monotonic()
        sync_a.push(conn)
        qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5_000)
        shown_after = time.monotonic() - sent
        entry = window.model.entry_at(1)
        assert entry.text == note.text
        qtbot.waitUntil(lambda: window.model.team_label(entry.id) == "Ada Lovelace")
        assert shown_after < 1.0, shown_after
        # B's own note is sent at once: no "not sent" label stays
        own = window.session.add_note("B: failing over")
        qtbot.waitUntil(lambda: sync_a.pull(conn) == 1 or a.entry_count() == 3, timeout=5_000)
        assert a.entry_count() == 3
        qtbot.waitUntil(lambda: window.model.team_label(own.id) is None)


def test_a_catch_up_reaches_an_open_window_in_bounded_blocks(
    tmp_path: Path,
    team_url: str,
    qtbot,
    window_on,  # type: ignore[no-untyped-def]
) -> None:
    """A teammate's 1,200 offline entries are announced to B's window a block per event-loop
    turn (the sync pulls 500 at a time): no turn of B's UI thread inserts them all."""
    from incident_recorder.domain import EntryKind
    from incident_recorder.domain.imported import ImportedEntry
    from incident_recorder.session import Change, EntriesAdded
    from incident_recorder.ui.recorder.block_feed import BLOCK_ROWS

    many = 1_200
    a, b = shared_pair(tmp_path, team_url)
    b.close()
    window = window_on(tmp_path / "b.incident")
    qtbot.waitUntil(lambda: window.header.sync_state.text().startswith("live"), timeout=10_000)
    announced: list[int] = []

    def heard(change: Change) -> None:
        if isinstance(change, EntriesAdded):
            announced.append(len(change.entries))

    window.session.listen(heard)
    inserted: list[int] = []
    window.model.rowsInserted.connect(lambda _p, first, last: inserted.append(last - first + 1))
    with a, connect(team_url) as conn:
        now = a.incident().created_at
        a.import_entries(
            [ImportedEntry(EntryKind.OBSERVATION, f"offline {n}", now, "test") for n in range(many)]
        )
        Replicator(IncidentSession(a, author="Ada Lovelace")).push(conn)
    qtbot.waitUntil(lambda: window.model.rowCount() == many, timeout=20_000)
    assert sum(announced) == many, "every pulled entry announced once, through the session"
    assert max(announced) <= BLOCK_ROWS and max(inserted) <= BLOCK_ROWS
    assert len(announced) >= many // BLOCK_ROWS
    qtbot.waitUntil(lambda: window.model.team_label(window.model.entry_at(0).id) is not None)


def test_offline_the_header_says_since_when_and_what_waits(
    postgres: Cluster,
    tmp_path: Path,
    team_url: str,
    qtbot,
    window_on,  # type: ignore[no-untyped-def]
) -> None:
    a, b = shared_pair(tmp_path, team_url)
    a.close()
    dead = team_url.replace(f":{postgres.port}/", ":1/")
    b.set_team_state(conninfo=dead)
    b.close()
    window = window_on(tmp_path / "b.incident")
    qtbot.waitUntil(lambda: window.header.sync_state.text().startswith("offline"), timeout=10_000)
    entry = window.session.add_note("written while the database is unreachable")
    qtbot.waitUntil(lambda: "1 entry waiting" in window.header.sync_state.text(), timeout=5_000)
    assert window.header.sync_state.text().startswith("offline since ")
    qtbot.waitUntil(lambda: window.model.team_label(entry.id) == NOT_SENT)
    assert window.team.status == "offline"


def test_share_with_team_links_and_syncs_an_open_incident(
    tmp_path: Path,
    team_url: str,
    qtbot,
    window_on,  # type: ignore[no-untyped-def]
) -> None:
    from incident_recorder.ui.dialogs.share_team import ShareTeamDialog

    path = tmp_path / "solo.incident"
    with IncidentFile.create(path, "Checkout outage") as solo:
        solo.add_note("recorded alone")
        incident = solo.incident().uuid
    window = window_on(path)
    window.actions_by_id["share_team"].trigger()
    dialog = window.findChild(ShareTeamDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.url_edit.setText(team_url)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.header.sync_state.text().startswith("live"), timeout=10_000)
    with connect(team_url) as conn:
        count = conn.execute(
            "SELECT count(*) FROM incident_recorder.records WHERE incident_id = %s", (incident,)
        ).fetchone()
    assert count == (1,)
    assert window.file.team_state()["incident"] == incident


def _shared_with_a_note(tmp_path: Path, team_url: str) -> str:
    """An incident shared with one note in the team database; its id."""
    a, b = shared_pair(tmp_path, team_url)
    b.close()
    with a, connect(team_url) as conn:
        IncidentSession(a).add_note("shared note")
        Replicator(IncidentSession(a)).sync_once(conn)
        return a.incident().uuid


def test_join_team_incident_from_the_start_window(
    tmp_path: Path,
    team_url: str,
    qtbot,
    application,  # type: ignore[no-untyped-def]
) -> None:
    from incident_recorder.ui.dialogs.join_team import JoinTeamDialog

    incident = _shared_with_a_note(tmp_path, team_url)
    opened: list[object] = []
    application.start.open_requested.connect(opened.append)
    application.start.join_team()
    dialog = application.start.findChild(JoinTeamDialog)
    assert dialog is not None
    dialog.url_edit.setText(team_url)
    dialog.id_edit.setText(incident)
    default = dialog.path_edit.placeholderText()
    assert default.endswith(f"{incident[:8]}.incident"), "the file an empty field saves to"
    assert str(dialog.target()) == default
    dialog.path_edit.setText(str(tmp_path / "joined"))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    assert opened == [tmp_path / "joined.incident"]
    with IncidentFile.open(tmp_path / "joined.incident", readonly=True) as joined:
        assert [e.text for e in joined.entries()] == ["shared note"]


def test_join_team_incident_from_a_recorder_windows_file_menu(
    tmp_path: Path,
    team_url: str,
    qtbot,
    application,  # type: ignore[no-untyped-def]
) -> None:
    """It was only in the start window, hidden while a recorder window is open."""
    from incident_recorder.ui.dialogs.join_team import JoinTeamDialog

    incident = _shared_with_a_note(tmp_path, team_url)
    own = tmp_path / "own.incident"
    IncidentFile.create(own, "My own notes").close()
    window = application.open_path(own, in_background=False)
    assert window is not None
    action = window.actions_by_id["join_team"]
    assert action.text() == "Jo&in Team Incident…"
    action.trigger()
    dialog = next(d for d in window.findChildren(JoinTeamDialog) if d.isVisible())
    dialog.url_edit.setText(team_url)
    dialog.id_edit.setText(incident)
    dialog.path_edit.setText(str(tmp_path / "joined"))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: len(application.windows) == 2, timeout=10_000)
    assert application.windows[1].file.path == tmp_path / "joined.incident"
