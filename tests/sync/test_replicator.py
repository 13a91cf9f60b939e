"""Replicas through a real PostgreSQL, in one process: push and pull are idempotent, batched and
resumable, pulled rows reach the session's listeners, and NOTIFY wakes a live replica."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

import pytest

from incident_recorder.domain.milestones import Milestone
from incident_recorder.session import EntriesAdded, IncidentSession
from incident_recorder.storage import IncidentFile
from incident_recorder.sync import replicator as replicator_module
from incident_recorder.sync.replicator import Replicator, SyncState, connect
from tests.storage.storage_support import new_capture
from tests.sync.replica_support import record_of


def shared_pair(tmp_path: Path, url: str) -> tuple[IncidentFile, IncidentFile]:
    """A shared on `url`, and B a replica of it (as share and join make them)."""
    a = IncidentFile.create(tmp_path / "a.incident", "Checkout outage")
    incident = a.incident()
    with connect(url) as conn:
        conn.execute(
            "INSERT INTO incident_recorder.incidents (id, title, created_at, app_version) "
            "VALUES (%s, %s, now(), 'test')",
            (incident.uuid, incident.title),
        )
    a.set_team_state(conninfo=url, incident=incident.uuid)
    b = IncidentFile.create(tmp_path / "b.incident", incident.title, shared=incident)
    b.set_team_state(conninfo=url, incident=incident.uuid)
    return a, b


def test_two_replicas_exchange_everything_once(tmp_path: Path, team_url: str) -> None:
    a, b = shared_pair(tmp_path, team_url)
    with a, b, connect(team_url) as conn:
        on_a, on_b = IncidentSession(a, author="Ada"), IncidentSession(b, author="Bob")
        note = on_a.add_note("checkout 502s")
        on_a.add_capture(new_capture(), text="the error rate")
        on_a.record_milestone(Milestone.DETECTED)
        on_b.add_note("DB failover started")
        heard: list[object] = []
        on_b.listen(heard.append)
        sync_a, sync_b = Replicator(on_a), Replicator(on_b)
        assert sync_a.sync_once(conn) == (a.shared_count(), 0)
        pushed_b, pulled_b = sync_b.sync_once(conn)
        assert (pushed_b, pulled_b) == (1, a.shared_count())
        assert sync_a.sync_once(conn) == (0, 1)  # B's note; A's own rows are not pulled back
        assert record_of(a) == record_of(b)
        assert sync_a.agrees(conn) and sync_b.agrees(conn)
        texts = [e.text for change in heard if isinstance(change, EntriesAdded)
                 for e in change.entries]  # fmt: skip
        assert texts == ["checkout 502s", "the error rate", "Detected"]
        authors = {e.text: e.author for e in b.entries()}
        assert authors["checkout 502s"] == "Ada" and authors["DB failover started"] == "Bob"
        # a revision on B and a repeated sync change nothing twice
        on_b.revise(b.uids("entries")[next(iter(a.uids("entries")))], text="checkout 502s (EU)")
        for _ in range(2):
            sync_b.sync_once(conn)
            sync_a.sync_once(conn)
        assert a.entry(note.id).text == "checkout 502s (EU)"
        assert record_of(a) == record_of(b)
        rows = conn.execute("SELECT count(*), count(DISTINCT uid) FROM incident_recorder.records")
        assert rows.fetchone() == (a.shared_count(), a.shared_count())


def test_push_and_pull_run_in_batches_and_resume_from_their_marks(
    tmp_path: Path, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replicator_module, "PUSH_ROWS", 7)
    monkeypatch.setattr(replicator_module, "PULL_ROWS", 5)
    a, b = shared_pair(tmp_path, team_url)
    with a, b, connect(team_url) as conn:
        on_a = IncidentSession(a)
        for n in range(40):
            on_a.add_note(f"note {n}")
        statements: list[str] = []
        original = conn.execute

        def counting(query: object, *args: object, **kwargs: object) -> object:
            statements.append(str(query)[:30])
            return original(query, *args, **kwargs)  # type: ignore[arg-type]

        Replicator(on_a).push(conn)
        assert a.team_state()["pushed"] == str(40) and a.unpushed() == 0
        sync_b = Replicator(IncidentSession(b))
        monkeypatch.setattr(conn, "execute", counting)
        assert sync_b.pull(conn) == 40
        pulls = [s for s in statements if s.startswith("SELECT tx::text")]
        assert len(pulls) == 40 // 5 + 1  # eight batches of five, then an empty one
        monkeypatch.undo()
        assert sync_b.pull(conn) == 0  # resumed from the saved cursor: nothing again
        assert [e.text for e in b.entries()] == [f"note {n}" for n in range(40)]


def test_a_catch_up_is_pulled_with_the_cyclic_collector_paused(
    tmp_path: Path, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its full collections, on the window's sync worker, held the UI thread 20–60 ms each."""
    monkeypatch.setattr(replicator_module, "PULL_ROWS", 5)
    a, b = shared_pair(tmp_path, team_url)
    with a, b, connect(team_url) as conn:
        on_a = IncidentSession(a)
        for n in range(12):
            on_a.add_note(f"note {n}")
        Replicator(on_a).push(conn)
        on_b = IncidentSession(b)
        collecting: list[bool] = []
        on_b.listen(lambda change: collecting.append(gc.isenabled()))
        assert gc.isenabled()
        assert Replicator(on_b).pull(conn) == 12
        assert collecting == [False, False, False]  # two full batches, then the last two
        assert gc.isenabled(), "on again once the catch-up is in"
        on_a.add_note("one more, live")
        Replicator(on_a).push(conn)
        collecting.clear()
        Replicator(on_b).pull(conn)
        assert collecting == [True], "a live entry pauses nothing"


def test_a_live_replica_is_woken_by_notify(tmp_path: Path, team_url: str) -> None:
    a, b = shared_pair(tmp_path, team_url)
    b.close()
    states: list[SyncState] = []
    stop = threading.Event()
    arrived: list[float] = []

    def run_b() -> None:
        with IncidentFile.open(tmp_path / "b.incident") as replica:
            session = IncidentSession(replica)
            session.listen(lambda change: arrived.append(time.monotonic()))
            Replicator(session).run(stop.is_set, states.append)

    worker = threading.Thread(target=run_b)
    worker.start()
    try:
        with a, connect(team_url) as conn:
            deadline = time.monotonic() + 10
            while not states and time.monotonic() < deadline:
                time.sleep(0.02)
            assert states and states[-1].status == "live"
            on_a = IncidentSession(a)
            sync_a = Replicator(on_a)
            latencies = []
            for n in range(5):
                on_a.add_note(f"seen live {n}")
                sent = time.monotonic()
                sync_a.push(conn)
                while len(arrived) <= n and time.monotonic() < sent + 5:
                    time.sleep(0.002)
                assert len(arrived) > n, "the live replica did not receive the note"
                latencies.append(arrived[n] - sent)
            # far below the 30 s poll: NOTIFY woke it
            assert max(latencies) < 1.0, latencies
            assert states[-1].teammates == 1
    finally:
        stop.set()
        worker.join(10)
