"""Fixtures of the team sync tests: one real PostgreSQL cluster for the whole run (about 2 s),
a fresh database with the team schema for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sync.postgres_cluster import Cluster, missing


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    reason = missing()
    if reason:
        pytest.skip(reason)
    cluster = Cluster()
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture
def team_url(postgres: Cluster) -> str:
    """A new database with the team schema made by `team init`'s code."""
    from incident_recorder.sync import team_db
    from incident_recorder.sync.replicator import connect

    url = postgres.new_database()
    with connect(url) as conn:
        team_db.init(conn)
    return url
