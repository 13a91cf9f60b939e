"""Convergence, as a property: three replicas write in random interleavings, go offline and come
back, and sync in random orders (push and pull apart, too); once all are online and synced,
the three records are identical, and nothing written is lost or doubled."""

from __future__ import annotations

import dataclasses
import tempfile
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incident_recorder.domain import EntryKind, Incident
from incident_recorder.domain.actions import ActionItem
from incident_recorder.domain.details import Status
from incident_recorder.domain.milestones import Milestone
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFile
from incident_recorder.sync.replicator import Replicator, connect
from tests.sync.postgres_cluster import Cluster
from tests.sync.replica_support import record_of

REPLICAS = 3

replica = st.integers(0, REPLICAS - 1)
step = st.one_of(
    st.tuples(st.just("note"), replica, st.sampled_from(list(EntryKind))),
    st.tuples(st.just("revise"), replica, st.integers(0, 50)),
    st.tuples(st.just("hide"), replica, st.integers(0, 50)),
    st.tuples(st.just("milestone"), replica, st.sampled_from(list(Milestone))),
    st.tuples(st.just("status"), replica, st.sampled_from(list(Status))),
    st.tuples(st.just("report"), replica, st.sampled_from(["summary", "prevention"])),
    st.tuples(st.just("action"), replica, st.integers(0, 3)),
    st.tuples(st.just("sync"), replica, st.none()),
    st.tuples(st.just("push"), replica, st.none()),
    st.tuples(st.just("pull"), replica, st.none()),
    st.tuples(st.just("offline"), replica, st.none()),
    st.tuples(st.just("tick"), st.integers(0, 3), st.none()),  # ms; 0: writes at the same time
)


class SharedClock:
    """One wall clock for the three replicas, moved by the steps (ties happen on purpose)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(step, min_size=5, max_size=30))
def test_three_replicas_converge_whatever_the_interleaving(
    postgres: Cluster, team_url: str, steps: list[tuple[str, int, object]]
) -> None:
    clock = SharedClock()
    incident = Incident(str(uuid.uuid4()), "Checkout outage", clock(), "test")
    written: list[str] = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        conn = stack.enter_context(connect(team_url))
        conn.execute(
            "INSERT INTO incident_recorder.incidents (id, title, created_at, app_version) "
            "VALUES (%s, %s, now(), 'test')",
            (incident.uuid, incident.title),
        )
        files = []
        for n in range(REPLICAS):
            path = folder / f"r{n}.incident"
            file = stack.enter_context(
                IncidentFile.create(path, incident.title, clock=clock, shared=incident)
            )
            file.set_team_state(conninfo=team_url, incident=incident.uuid)
            files.append(file)
        sessions = [IncidentSession(f, author=f"recorder {n}") for n, f in enumerate(files)]
        syncs = [Replicator(s) for s in sessions]
        online = [True] * REPLICAS
        for action, who, value in steps:
            session, sync = sessions[who % REPLICAS], syncs[who % REPLICAS]
            entries = session.file.entries()
            if action == "tick":
                clock.now += timedelta(milliseconds=who)
            elif action == "note":
                text = f"note {len(written)} by {who}"
                written.append(text)
                session.add_note(text, EntryKind(str(value)))
            elif action in ("revise", "hide") and entries:
                target = entries[int(str(value)) % len(entries)]
                if action == "revise":
                    session.revise(target.id, text=f"{target.text} / revised by {who}")
                else:
                    session.revise(target.id, hidden=not target.hidden)
            elif action == "milestone":
                written.append(Milestone(str(value)).label)
                session.record_milestone(Milestone(str(value)))
            elif action == "status":
                details = session.file.details()
                session.set_details(dataclasses.replace(details, status=Status(str(value))))
            elif action == "report":
                session.file.save_report_texts({str(value): f"{value} by {who} at {clock()}"})
            elif action == "action":
                items = session.file.action_items()
                number = int(str(value))
                if number < len(items):  # edit one, else add one
                    item = items[number]
                    session.file.save_action_item(
                        dataclasses.replace(item, owner=f"{who} at {clock()}")
                    )
                else:
                    session.file.save_action_item(ActionItem(f"item by {who} at {clock()}"))
            elif action == "offline":
                online[who] = not online[who]
            elif online[who] and action in ("sync", "push", "pull"):
                if action != "pull":
                    sync.push(conn)
                if action != "push":
                    sync.pull(conn)
        for _ in range(2):  # everyone back online: two rounds reach everyone
            for sync in syncs:
                sync.sync_once(conn)
        records = [record_of(f) for f in files]
        assert records[0] == records[1] == records[2]
        assert all(sync.agrees(conn) for sync in syncs)
        texts = sorted(h[0][0] for h in records[0]["histories"].values())
        assert texts == sorted(written), "an entry lost or doubled"
        stored = conn.execute(
            "SELECT count(*), count(DISTINCT uid) FROM incident_recorder.records "
            "WHERE incident_id = %s",
            (incident.uuid,),
        ).fetchone()
        assert stored == (len(records[0]["uids"]), len(records[0]["uids"]))
