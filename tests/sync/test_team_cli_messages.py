"""What the team commands say when something is refused or counted: a role without the rights
it needs, a file already shared, a service section that does not exist, counts of one, usage
mistakes (each one line on stderr, exit 1 or 2, never a raw exception name or a password)."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.sync.postgres_cluster import Cluster
from tests.sync.replica_support import run


def ok(*args: str | Path) -> str:
    result = run(*args)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout + result.stderr


def refused(*args: str | Path, status: int = 1) -> str:
    """The one line a refused command prints on stderr."""
    result = run(*args)
    assert result.returncode == status, (args, result.stdout, result.stderr)
    if status == 1:  # a usage error (2) shows the usage first
        assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr.splitlines()[-1]


def role(postgres: Cluster, database_url: str, *, member_of: str | None) -> str:
    """A new login role (in `member_of`, if given); `database_url` as that role."""
    name = f"graf_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres.url(), autocommit=True) as conn:
        statement = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name))
        if member_of:
            statement += sql.SQL(" IN ROLE {}").format(sql.Identifier(member_of))
        conn.execute(statement)
    return database_url.replace("postgres@", f"{name}@", 1)


def test_a_reader_sharing_is_told_which_role_it_needs(
    postgres: Cluster, team_url: str, tmp_path: Path
) -> None:
    reader = role(postgres, team_url, member_of="incident_recorder_reader")
    name = reader.split("//")[1].split("@")[0]
    path = tmp_path / "a.incident"
    ok("new", path, "--title", "Checkout outage")
    said = refused("share", path, "--db", reader)
    assert "unexpected" not in said and "InsufficientPrivilege" not in said, said
    assert f'the role "{name}" may not write to the team database' in said, said
    assert "permission denied for table incidents" in said, said
    assert "incident_recorder_writer" in said and "docs/team.md" in said, said


def test_a_reader_syncing_its_note_is_told_which_role_it_needs(
    postgres: Cluster, team_url: str, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.incident", tmp_path / "b.incident"
    ok("new", a, "--title", "Checkout outage")
    incident = ok("share", a, "--db", team_url).splitlines()[0]
    reader = role(postgres, team_url, member_of="incident_recorder_reader")
    ok("join", reader, incident, "--out", b)  # reading is allowed
    ok("note", b, "seen from the dashboard account")
    said = refused("sync", b, "--once")
    assert "unexpected" not in said and "InsufficientPrivilege" not in said, said
    assert "may not write to the team database" in said, said
    assert "incident_recorder_writer" in said, said


def test_team_init_by_a_role_that_may_not_create_the_schema(
    postgres: Cluster, tmp_path: Path
) -> None:
    nobody = role(postgres, postgres.new_database(), member_of=None)
    name = nobody.split("//")[1].split("@")[0]
    said = refused("team", "init", nobody)
    assert "unexpected" not in said and "InsufficientPrivilege" not in said, said
    assert f'the role "{name}" may not create the team schema' in said, said
    assert "CREATE on the database" in said and "owner" in said, said


def test_no_password_in_a_refusal(postgres: Cluster, team_url: str, tmp_path: Path) -> None:
    with psycopg.connect(postgres.url(), autocommit=True) as conn:
        name = f"graf_{uuid.uuid4().hex[:8]}"
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'hunter2-secret' IN ROLE {}").format(
                sql.Identifier(name), sql.Identifier("incident_recorder_reader")
            )
        )
    secret = team_url.replace("postgres@", f"{name}:hunter2-secret@", 1)
    path = tmp_path / "a.incident"
    ok("new", path, "--title", "Checkout outage")
    said = refused("share", path, "--db", secret)
    assert "may not write" in said and "hunter2" not in said, said


def test_sharing_a_shared_file_again_is_refused_and_keeps_its_link(
    postgres: Cluster, team_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "a.incident"
    ok("new", path, "--title", "Checkout outage")
    incident = ok("share", path, "--db", team_url).splitlines()[0]
    other = postgres.new_database()
    ok("team", "init", other)
    said = refused("share", path, "--db", other)
    assert f"a.incident is already shared (incident id {incident})" in said, said
    assert f'use "incident-recorder sync {path}"' in said, said
    from incident_recorder.storage import IncidentFile

    with IncidentFile.open(path) as handle:
        assert handle.team_state()["conninfo"] == team_url


def test_team_password_refuses_a_service_the_service_file_does_not_define(
    tmp_path: Path,
) -> None:
    service_file = tmp_path / "pg_service.conf"
    service_file.write_text("[team]\nhost=db.example.com\ndbname=incidents\nuser=ada\n")
    env = {"PGSERVICEFILE": str(service_file)}
    result = run("team", "password", "service=nosuch", env=env)
    assert result.returncode == 1, result
    assert result.stderr.count("\n") == 1, result.stderr
    assert 'definition of service "nosuch" not found' in result.stderr, result.stderr
    assert "Kept" not in result.stdout


def test_passwords_key_refuses_an_unknown_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from incident_recorder.sync import passwords
    from incident_recorder.sync.conninfo import BadConninfoError

    for variable in ("PGSERVICE", "PGSYSCONFDIR"):
        monkeypatch.delenv(variable, raising=False)
    service_file = tmp_path / "pg_service.conf"
    service_file.write_text("[team]\nhost=db.example.com\ndbname=incidents\nuser=ada\n")
    monkeypatch.setenv("PGSERVICEFILE", str(service_file))
    assert passwords.key("service=team") == "ada@db.example.com:5432/incidents"
    with pytest.raises(BadConninfoError, match='definition of service "nosuch" not found'):
        passwords.key("service=nosuch")
    monkeypatch.setenv("PGSERVICE", "nosuch")
    with pytest.raises(BadConninfoError, match='service "nosuch"'):
        passwords.key("host=db.example.com")
    assert passwords.lookup("service=nosuch") is None  # libpq then says it, as it connects


def test_counts_of_one_read_in_the_singular(
    postgres: Cluster, team_url: str, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.incident", tmp_path / "b.incident"
    ok("new", a, "--title", "Checkout outage")
    ok("note", a, "502s on checkout")
    shared = run("share", a, "--db", team_url)
    incident = shared.stdout.strip()
    assert "Shared a.incident: 1 row pushed" in shared.stderr, shared.stderr
    assert "Joined 'Checkout outage' into " in (
        joined := ok("join", team_url, incident, "--out", b)
    )
    assert joined.splitlines()[0].endswith(": 1 entry"), joined
    ok("note", b, "one more")
    assert "In sync: 1 row pushed, 0 pulled" in ok("sync", b, "--once")
    assert "In sync: 0 rows pushed, 1 pulled" in ok("sync", a, "--once")
    ok("note", a, "written offline")
    said = refused("sync", a, "--once", "--db", team_url.replace(str(postgres.port), "1"))
    assert "offline, 1 row waiting" in said, said


def test_team_needs_init_or_password_and_init_has_its_own_help() -> None:
    said = refused("team", status=2)
    assert "action" not in said and "init" in said, said
    helped = ok("team", "init", "--help")
    assert "usage: incident-recorder team init [-h] URL" in helped, helped
    assert "libpq connection string" in helped and "--forget" not in helped, helped
    assert "--forget" in ok("team", "password", "--help")
    assert refused("team", "init", "service=team", "--forget", status=2)


def test_share_and_join_explain_their_arguments() -> None:
    share = " ".join(ok("share", "--help").split())
    assert "FILE the incident file to share" in share, share
    join = " ".join(ok("join", "--help").split())
    assert "INCIDENT_ID the incident's id" in join and "--out FILE the replica" in join, join


def test_join_adds_the_incident_suffix_as_new_does(team_url: str, tmp_path: Path) -> None:
    a = tmp_path / "a.incident"
    ok("new", a, "--title", "Checkout outage")
    incident = ok("share", a, "--db", team_url).splitlines()[0]
    said = ok("join", team_url, incident, "--out", tmp_path / "noext")
    assert (tmp_path / "noext.incident").is_file() and not (tmp_path / "noext").exists()
    assert "(added .incident to noext)" in said, said


def test_join_says_an_id_that_is_not_a_uuid_is_not_an_incident_id(
    team_url: str, tmp_path: Path
) -> None:
    said = refused("join", team_url, "not-a-uuid", "--out", tmp_path / "b.incident")
    assert "not-a-uuid is not an incident id (a UUID" in said, said
    assert not (tmp_path / "b.incident").exists()
    missing = str(uuid.uuid4())
    said = refused("join", team_url, missing, "--out", tmp_path / "b.incident")
    assert f"no incident {missing} in the team database" in said, said


def test_share_and_join_say_when_no_name_is_set_for_the_entries(
    tmp_path: Path, team_url: str
) -> None:
    """Unnamed, a recorder's entries show as 'teammate' everywhere, and nothing said so."""
    from incident_recorder.cli.team import NO_AUTHOR

    path = tmp_path / "ada.incident"
    assert run("new", path, "--title", "Checkout outage").returncode == 0
    shared = run("share", path, "--db", team_url)
    assert shared.returncode == 0 and NO_AUTHOR in shared.stderr
    incident = shared.stdout.strip()
    named = run("join", team_url, incident, "--out", tmp_path / "bob", "--author", "Bob")
    assert named.returncode == 0 and NO_AUTHOR not in named.stderr
    unnamed = run("join", team_url, incident, "--out", tmp_path / "cy")
    assert unnamed.returncode == 0 and NO_AUTHOR in unnamed.stderr


def test_join_with_a_service_no_file_defines_says_it_cannot_be_used_not_unreachable(
    tmp_path: Path,
) -> None:
    """It said "cannot be reached", sending the user to look at a server never asked."""
    service_file = tmp_path / "pg_service.conf"
    service_file.write_text("[team]\nhost=db.example.com\ndbname=incidents\n")
    env = {"PGSERVICEFILE": str(service_file)}
    result = run("join", "service=nosuch", str(uuid.uuid4()), "--out", tmp_path / "x", env=env)
    assert result.returncode == 1
    assert "service=nosuch cannot be used from here" in result.stderr, result.stderr
    assert 'definition of service "nosuch" not found' in result.stderr
    assert "cannot be reached" not in result.stderr
