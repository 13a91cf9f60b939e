"""The team database's schema (sync/team_db.py) on a real PostgreSQL: made, migrated, refused
when newer, append-only for every role, and a writer role that can only insert and read."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from incident_recorder.sync import team_db
from incident_recorder.sync.replicator import connect
from tests.sync.postgres_cluster import Cluster


def _incident(conn: psycopg.Connection[tuple[object, ...]]) -> str:
    incident = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO incident_recorder.incidents (id, title, created_at, app_version) "
        "VALUES (%s, 'Checkout', now(), 'test')",
        (incident,),
    )
    return incident


def _record(conn: psycopg.Connection[tuple[object, ...]], incident: str) -> None:
    conn.execute(
        "INSERT INTO incident_recorder.records (incident_id, uid, kind, recorder, body) "
        "VALUES (%s, %s, 'entries', %s, '{}')",
        (incident, str(uuid.uuid4()), str(uuid.uuid4())),
    )


def test_init_makes_the_schema_once_and_checks_pass(postgres: Cluster) -> None:
    url = postgres.new_database()
    with connect(url) as conn:
        with pytest.raises(team_db.TeamSchemaError, match="team init"):
            team_db.check(conn)
        assert team_db.init(conn) == (0, team_db.SCHEMA_VERSION)
        assert team_db.init(conn) == (team_db.SCHEMA_VERSION, team_db.SCHEMA_VERSION)
        team_db.check(conn)
        assert team_db.version(conn) == team_db.SCHEMA_VERSION


def test_a_newer_schema_is_refused_and_left_alone(team_url: str) -> None:
    with connect(team_url) as conn:
        conn.execute("INSERT INTO incident_recorder.schema_version (version) VALUES (99)")
        with pytest.raises(team_db.TeamSchemaError, match="newer"):
            team_db.init(conn)
        with pytest.raises(team_db.TeamSchemaError, match="newer"):
            team_db.check(conn)
        assert team_db.version(conn) == 99


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE incident_recorder.records SET author = 'someone else'",
        "DELETE FROM incident_recorder.records",
        "TRUNCATE incident_recorder.records CASCADE",
        "UPDATE incident_recorder.incidents SET title = 'rewritten'",
        "DELETE FROM incident_recorder.incidents",
    ],
)
def test_the_record_is_append_only_even_for_its_owner(team_url: str, statement: str) -> None:
    with connect(team_url) as conn:
        _record(conn, _incident(conn))
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute(statement.encode())
        count = conn.execute("SELECT count(*) FROM incident_recorder.records").fetchone()
        assert count == (1,)


def test_a_writer_may_insert_and_read_but_never_rewrite(postgres: Cluster, team_url: str) -> None:
    database = team_url.rsplit("/", 1)[1].split("?")[0]
    with connect(team_url) as admin:
        admin.execute("DROP ROLE IF EXISTS scribe")
        admin.execute("CREATE ROLE scribe LOGIN IN ROLE incident_recorder_writer")
        incident = _incident(admin)
    with connect(postgres.url(database, user="scribe")) as scribe:
        _record(scribe, incident)
        _incident(scribe)
        assert scribe.execute("SELECT count(*) FROM incident_recorder.records").fetchone() == (1,)
        for statement in (
            "UPDATE incident_recorder.records SET author = 'x'",
            "DELETE FROM incident_recorder.records",
            "TRUNCATE incident_recorder.records",
            "DROP TABLE incident_recorder.records",
            "INSERT INTO incident_recorder.schema_version (version) VALUES (99)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                scribe.execute(statement.encode())
