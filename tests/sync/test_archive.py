"""The archive view (team schema version 2): per-incident metrics from the shared record, and
docs/team.md's 'median time to mitigate per month' query, on a real PostgreSQL."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from incident_recorder.domain.details import Service
from incident_recorder.domain.milestones import Milestone
from incident_recorder.session import IncidentSession
from incident_recorder.sync import team_db
from incident_recorder.sync.replicator import Replicator, connect
from tests.sync.postgres_cluster import Cluster
from tests.sync.test_replicator import shared_pair

DOC = Path(__file__).parents[2] / "docs" / "team.md"
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def test_the_view_measures_each_incident_from_the_replicas_record(
    tmp_path: Path, team_url: str
) -> None:
    a, b = shared_pair(tmp_path, team_url)
    with a, b, connect(team_url) as conn:
        on_a, on_b = IncidentSession(a, author="Ada"), IncidentSession(b, author="Bob")
        on_a.set_milestone(Milestone.IMPACT_STARTED, T0)
        on_b.set_milestone(Milestone.DETECTED, T0 + timedelta(minutes=4))
        on_a.set_milestone(Milestone.MITIGATED, T0 + timedelta(minutes=50))
        on_a.set_milestone(Milestone.MITIGATED, T0 + timedelta(minutes=20))  # corrected
        details = on_b.file.details()
        on_b.set_details(
            dataclasses.replace(
                details, severity="SEV2", services=(Service("checkout"), Service("payments"))
            )
        )
        for sync in (Replicator(on_a), Replicator(on_b), Replicator(on_a)):
            sync.sync_once(conn)
        row = conn.execute(
            "SELECT title, severity, services, time_to_detect, time_to_mitigate, "
            "time_to_resolve, entries FROM incident_recorder.incident_metrics "
            "WHERE incident_id = %s",
            (a.incident().uuid,),
        ).fetchone()
        assert row == (
            "Checkout outage", "SEV2", ["checkout", "payments"], timedelta(minutes=4),
            timedelta(minutes=20), None, 0,
        )  # fmt: skip
        # the view says what the replicas' reports say
        metrics = a.milestones()
        assert metrics[Milestone.MITIGATED] - metrics[Milestone.IMPACT_STARTED] == row[4]  # type: ignore[operator]


def test_the_docs_median_query_runs_on_the_view(tmp_path: Path, team_url: str) -> None:
    query = re.search(r"```sql\n(-- median time to mitigate.*?)```", DOC.read_text(), re.S)
    assert query, "docs/team.md shows the median time to mitigate per month"
    a, b = shared_pair(tmp_path, team_url)
    with a, b, connect(team_url) as conn:
        on_a = IncidentSession(a)
        on_a.set_milestone(Milestone.IMPACT_STARTED, T0)
        on_a.set_milestone(Milestone.MITIGATED, T0 + timedelta(minutes=30))
        Replicator(on_a).sync_once(conn)
        rows = conn.execute(query.group(1).encode()).fetchall()
    assert len(rows) == 1 and rows[0][1:] == (timedelta(minutes=30), 1)


def test_a_version_1_team_database_is_migrated_and_an_old_one_refused_until_then(
    postgres: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.new_database()
    with connect(url) as conn:
        with monkeypatch.context() as patch:
            patch.setattr(team_db, "MIGRATIONS", team_db.MIGRATIONS[:1])
            patch.setattr(team_db, "SCHEMA_VERSION", 1)
            assert team_db.init(conn) == (0, 1)
        with pytest.raises(team_db.TeamSchemaError, match="team init"):
            team_db.check(conn)
        assert team_db.init(conn) == (1, team_db.SCHEMA_VERSION)
        team_db.check(conn)
        assert conn.execute("SELECT count(*) FROM incident_recorder.incident_metrics").fetchone()
