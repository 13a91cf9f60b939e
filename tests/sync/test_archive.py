"""The archive view (team schema version 2, made the app's in version 3): per-incident status and
metrics from the shared record as the app and its report give them, and docs/team.md's 'median
time to mitigate per month' query, on a real PostgreSQL."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from incident_recorder.domain.details import Service, Status
from incident_recorder.domain.milestones import Metric, Milestone
from incident_recorder.domain.record import current_status
from incident_recorder.report.context import clock
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


def _metrics_row(conn: Any, incident: str) -> tuple[Any, ...]:
    row = conn.execute(
        "SELECT status, time_to_detect, time_to_acknowledge, time_to_mitigate, time_to_resolve "
        "FROM incident_recorder.incident_metrics WHERE incident_id = %s",
        (incident,),
    ).fetchone()
    assert row is not None
    return tuple(row)


def test_the_view_says_the_status_the_app_says(tmp_path: Path, team_url: str) -> None:
    a, b = shared_pair(tmp_path, team_url)
    with a, b, connect(team_url) as conn:
        on_a = IncidentSession(a)
        incident = a.incident().uuid

        def app_and_view() -> tuple[str, str]:
            Replicator(on_a).sync_once(conn)
            return current_status(a.details(), a.milestones()).value, _metrics_row(conn, incident)[
                0
            ]

        assert app_and_view() == ("investigating", "investigating")  # never set: the default
        on_a.set_details(dataclasses.replace(a.details(), status=Status.IDENTIFIED))
        assert app_and_view() == ("identified", "identified")
        on_a.set_milestone(Milestone.RESOLVED, T0)
        assert app_and_view() == ("resolved", "resolved")  # the milestone decides


def test_the_views_times_are_the_reports_even_when_detected_before_impact(
    tmp_path: Path, team_url: str
) -> None:
    a, b = shared_pair(tmp_path, team_url)
    with a, b, connect(team_url) as conn:
        on_a = IncidentSession(a)
        on_a.set_milestone(Milestone.IMPACT_STARTED, T0 + timedelta(milliseconds=500))
        # the alert fired 229 ms before impact started, in the same second: the window and the
        # report show 00:00:00, not −00:00:00.229
        on_a.set_milestone(Milestone.DETECTED, T0 + timedelta(milliseconds=271))
        # acknowledged 4.7 s before impact: −00:00:05 between the seconds shown (13:59:55,
        # 14:00:00)
        on_a.set_milestone(Milestone.ACKNOWLEDGED, T0 - timedelta(milliseconds=4_200))
        on_a.set_milestone(Milestone.MITIGATED, T0 + timedelta(minutes=20, milliseconds=400))
        Replicator(on_a).sync_once(conn)
        _, *times = _metrics_row(conn, a.incident().uuid)
        milestones = a.milestones()
        assert times == [milestones.metric(metric) for metric in Metric]
        assert times == [timedelta(0), timedelta(seconds=-5), timedelta(minutes=20), None]
        shown = [None if t is None else clock(t) for t in times]
        assert shown == ["00:00:00", "\u221200:00:05", "00:20:00", None]


def test_a_version_2_team_database_is_migrated_to_the_apps_status_and_times(
    postgres: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.new_database()
    with connect(url) as conn:
        with monkeypatch.context() as patch:
            patch.setattr(team_db, "MIGRATIONS", team_db.MIGRATIONS[:2])
            patch.setattr(team_db, "SCHEMA_VERSION", 2)
            assert team_db.init(conn) == (0, 2)
        with pytest.raises(team_db.TeamSchemaError, match="team init"):
            team_db.check(conn)
        assert team_db.init(conn) == (2, 3) == (2, team_db.SCHEMA_VERSION)
        conn.execute("CREATE ROLE graf_archive LOGIN IN ROLE incident_recorder_reader")
    a, b = shared_pair(tmp_path, url)
    with a, b, connect(url) as conn:
        Replicator(IncidentSession(a)).sync_once(conn)
        incident = a.incident().uuid
    database = url.rsplit("/", 1)[1].split("?")[0]
    with connect(postgres.url(database, user="graf_archive")) as reader:
        assert _metrics_row(reader, incident) == ("investigating", None, None, None, None)
