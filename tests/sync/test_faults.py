"""Faults on the way to the team database: the server stopped and started while replicas
record, a connection killed mid-batch (pg_terminate_backend), a replica SIGKILLed mid-push.
Each time, once things are back, every row arrives exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from incident_recorder.domain import EntryKind
from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFile
from incident_recorder.sync import replicator as replicator_module
from incident_recorder.sync.replicator import Replicator, SyncState, connect
from tests.sync.postgres_cluster import Cluster
from tests.sync.replica_support import record_of
from tests.sync.test_replicator import shared_pair


def _count(url: str, incident: str) -> tuple[int, int]:
    with connect(url) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT uid) FROM incident_recorder.records "
            "WHERE incident_id = %s",
            (incident,),
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _bulk(file: IncidentFile, count: int, text: str = "bulk") -> None:
    start = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    file.import_entries(
        [
            ImportedEntry(
                EntryKind.OBSERVATION,
                f"{text} {n} " + "x" * 200,
                start + timedelta(milliseconds=n),
                "test",
            )
            for n in range(count)
        ]  # fmt: skip
    )


def test_a_connection_killed_mid_batch_loses_and_doubles_nothing(
    tmp_path: Path, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replicator_module, "PUSH_ROWS", 50)
    monkeypatch.setattr(replicator_module, "PULL_ROWS", 40)
    a, b = shared_pair(tmp_path, team_url)
    with a, b:
        _bulk(a, 300)
        original = Replicator._insert
        calls = 0

        def killed_on_the_third_batch(self: Replicator, conn: Any, rows: Any) -> None:
            nonlocal calls
            calls += 1
            if calls == 3:  # inside the batch's transaction, after its rows went in
                with conn.transaction(), conn.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO incident_recorder.records (incident_id, uid, kind, "
                        "recorder, author, body) VALUES (%s, %s, %s, %s, %s, '{}') "
                        "ON CONFLICT (uid) DO NOTHING",
                        [(self.incident, r.uid, r.table, r.recorder, r.author) for r in rows],
                    )
                    with connect(team_url) as admin:
                        admin.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
            original(self, conn, rows)

        monkeypatch.setattr(Replicator, "_insert", killed_on_the_third_batch)
        sync_a = Replicator(IncidentSession(a))
        with connect(team_url) as conn, pytest.raises(psycopg.OperationalError):
            sync_a.push(conn)
        assert _count(team_url, sync_a.incident) == (100, 100)  # two batches committed
        assert a.team_state()["pushed"] == "100"
        with connect(team_url) as conn:
            sync_a.push(conn)
        assert _count(team_url, sync_a.incident) == (300, 300)

        # and a pull cut mid-way resumes from the batch it had saved
        sync_b = Replicator(IncidentSession(b))
        pulled = 0
        real_receive = sync_b.session.receive

        def cut_after_two(rows: Any, state: Any) -> Any:
            nonlocal pulled
            pulled += 1
            if pulled == 3:
                raise psycopg.OperationalError("the connection was cut")
            return real_receive(rows, state)

        monkeypatch.setattr(sync_b.session, "receive", cut_after_two)
        with connect(team_url) as conn, pytest.raises(psycopg.OperationalError):
            sync_b.pull(conn)
        assert b.entry_count() == 80
        monkeypatch.undo()
        with connect(team_url) as conn:
            assert sync_b.pull(conn) == 220
        assert record_of(a) == record_of(b)


def test_the_server_stopped_and_started_while_both_record(
    postgres: Cluster, tmp_path: Path, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replicator_module, "RETRY_SECONDS", (0.2,))
    a, b = shared_pair(tmp_path, team_url)
    b.close()
    states: list[SyncState] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def live_b() -> None:
        try:
            with IncidentFile.open(tmp_path / "b.incident") as replica:
                session = IncidentSession(replica, author="Bob")
                session.add_note("B before the outage")
                Replicator(session).run(stop.is_set, states.append)
                session.add_note("B after stopping")  # the loop has ended cleanly
        except BaseException as error:
            failures.append(error)

    worker = threading.Thread(target=live_b)
    worker.start()
    try:
        with a:
            on_a = IncidentSession(a, author="Ada")
            sync_a = Replicator(on_a)
            _wait(lambda: states and states[-1].status == "live")
            postgres.stop("fast")  # the database goes away mid-sync
            for n in range(20):
                on_a.add_note(f"A while the database is down {n}")
            with pytest.raises(psycopg.OperationalError), connect(team_url, timeout=1) as conn:
                sync_a.sync_once(conn)
            _wait(lambda: states[-1].status == "offline")
            assert states[-1].since is not None and "offline since" in states[-1].text()
            postgres.start()
            with connect(team_url) as conn:
                sync_a.sync_once(conn)
            _wait(lambda: states[-1].status == "live" and states[-1].teammates == 1)
            _wait(lambda: _count(team_url, sync_a.incident)[0] == 21)
            with connect(team_url) as conn:
                sync_a.sync_once(conn)
            _wait(lambda: a.entry_count() == 21)
    finally:
        stop.set()
        worker.join(20)
    assert not failures, failures
    with (
        IncidentFile.open(tmp_path / "a.incident") as a2,
        IncidentFile.open(tmp_path / "b.incident") as b2,
        connect(team_url) as conn,
    ):
        Replicator(IncidentSession(b2)).sync_once(conn)  # B's note written after its loop
        Replicator(IncidentSession(a2)).sync_once(conn)
        assert record_of(a2) == record_of(b2)
        assert a2.entry_count() == 22


def test_a_replica_killed_mid_push_pushes_the_rest_once(
    postgres: Cluster, tmp_path: Path, team_url: str
) -> None:
    a, b = shared_pair(tmp_path, team_url)
    incident = a.incident().uuid
    a.close()
    b.close()
    killed_at = total = 0
    for attempt in range(3):  # a machine too fast to catch mid-push: again, with new rows
        with IncidentFile.open(tmp_path / "a.incident") as more:
            _bulk(more, 3000, f"attempt {attempt}")
            total = more.entry_count()
        with subprocess.Popen(
            [sys.executable, "-m", "incident_recorder", "sync", str(tmp_path / "a.incident"),
             "--once"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ) as pusher:  # fmt: skip
            with connect(team_url) as watcher:
                while pusher.poll() is None:
                    if _inserting(watcher):  # inside a batch's transaction: kill it there
                        os.kill(pusher.pid, signal.SIGKILL)
                        killed_at = _count(team_url, incident)[0]
                        break
                    time.sleep(0.002)
            pusher.wait(30)
        if 0 < killed_at < total:
            break
    assert 0 < killed_at < total, "the push was never caught inside a batch"
    result = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "sync", str(tmp_path / "a.incident"),
         "--once"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _count(team_url, incident) == (total, total)
    with IncidentFile.open(tmp_path / "b.incident") as replica, connect(team_url) as conn:
        Replicator(IncidentSession(replica)).sync_once(conn)
        assert replica.entry_count() == total


def _inserting(conn: Any) -> bool:
    """Whether a recorder's push is inside an INSERT transaction after at least one batch."""
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'incident-recorder' "
        "AND query LIKE 'INSERT INTO incident_recorder.records%%' "
        "AND state IN ('active', 'idle in transaction') "
        "AND EXISTS (SELECT 1 FROM incident_recorder.records)"
    ).fetchone()
    return bool(row and row[0])


def _wait(condition: Any, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _frozen(postgres: Cluster) -> list[int]:
    """The server's processes (the postmaster and its backends), to stop and continue."""
    postmaster = int((postgres.data / "postmaster.pid").read_text().split("\n", 1)[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True)
    return [postmaster, *map(int, children.stdout.split())]


def test_a_database_that_stops_answering_is_offline_within_the_stall_time(
    postgres: Cluster, tmp_path: Path, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frozen server (or a network dropping packets) never closes the connection: the
    window said "live" forever and marked nothing unsent. The watchdog cuts the stalled step."""
    from incident_recorder.sync import watchdog

    monkeypatch.setattr(watchdog, "STALL_SECONDS", 2.0)
    monkeypatch.setattr(replicator_module, "RETRY_SECONDS", (0.5,))
    a, b = shared_pair(tmp_path, team_url)
    incident = a.team_state()["incident"]
    a.close()
    b.close()
    states: list[SyncState] = []
    stop = threading.Event()
    failures: list[BaseException] = []
    sessions: list[IncidentSession] = []

    def live_b() -> None:
        try:
            with IncidentFile.open(tmp_path / "b.incident") as replica:
                sessions.append(IncidentSession(replica, author="Bob"))
                Replicator(sessions[0]).run(stop.is_set, states.append)
        except BaseException as error:
            failures.append(error)

    worker = threading.Thread(target=live_b)
    worker.start()
    processes: list[int] = []
    try:
        _wait(lambda: states and states[-1].status == "live")
        processes = _frozen(postgres)
        for pid in processes:
            os.kill(pid, signal.SIGSTOP)
        with IncidentFile.open(tmp_path / "b.incident") as other:
            other.add_note("B while the database hangs")  # the loop pushes it: and waits
        started = time.monotonic()
        _wait(lambda: states[-1].status == "offline")
        assert time.monotonic() - started < 15
        assert "stopped answering" in states[-1].reason
        assert states[-1].waiting == 1, "the note is waiting, not taken for sent"
        for pid in processes:
            os.kill(pid, signal.SIGCONT)
        processes = []
        _wait(lambda: states[-1].status == "live" and states[-1].waiting == 0)
        assert _count(team_url, incident) == (1, 1), "sent once the database answers again"
    finally:
        for pid in processes:
            os.kill(pid, signal.SIGCONT)
        stop.set()
        worker.join(20)
    assert not worker.is_alive()
    assert not failures, failures
