"""Team database passwords in the system keyring, as a user keeps and uses them: a real Secret
Service (gnome-keyring on a private session bus), a real PostgreSQL role that must give its
password (scram-sha-256), `team password` then share, join and sync with a URL that has none;
`--forget`; no keyring at all (libpq's PGPASSFILE then); the password never in the incident
files, the settings or the log."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from incident_recorder.sync import passwords
from tests.sync.conftest import KEYED_PASSWORD
from tests.sync.postgres_cluster import Cluster
from tests.sync.replica_support import record_at


def run(
    *args: str | Path, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *map(str, args)],
        input=stdin, capture_output=True, text=True, timeout=60,
        env=env if env is not None else dict(os.environ),
    )  # fmt: skip


def ok(*args: str | Path, stdin: str = "", env: dict[str, str] | None = None) -> str:
    result = run(*args, stdin=stdin, env=env)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert KEYED_PASSWORD not in result.stdout + result.stderr
    return result.stdout


def written_files(*incidents: Path) -> bytes:
    """Every byte the app wrote: the incident files (and their WAL), and everything in the
    config (settings.ini), data and state (the log) folders."""
    found = b""
    for path in incidents:
        for part in (path, Path(f"{path}-wal")):
            if part.exists():
                found += part.read_bytes()
    for variable in ("INCIDENT_RECORDER_CONFIG_DIR", "INCIDENT_RECORDER_DATA_DIR",
                     "INCIDENT_RECORDER_STATE_DIR"):  # fmt: skip
        folder = Path(os.environ[variable])
        if folder.is_dir():
            found += b"".join(f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file())
    return found


def test_team_password_lets_share_join_and_sync_in_with_a_url_without_password(
    secret_service: dict[str, str], keyed_url: str, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.incident", tmp_path / "b.incident"
    ok("new", a, "--title", "Checkout outage")
    ok("note", a, "502s on checkout", "--author", "Ada")
    refused = run("share", a, "--db", keyed_url)  # the role needs its password: none yet
    assert refused.returncode == 1 and "password" in refused.stderr, refused.stderr
    said = ok("team", "password", keyed_url, stdin=KEYED_PASSWORD + "\n")
    assert f"Kept the password for {passwords.key(keyed_url)} in the system keyring" in said
    incident = ok("share", a, "--db", keyed_url, "--author", "Ada").strip()
    assert "1 entry" in ok("join", keyed_url, incident, "--out", b, "--author", "Bob")
    ok("note", b, "failing over", "--author", "Bob")
    for replica in (b, a):
        assert "In sync" in ok("sync", replica, "--once")
    assert record_at(a) == record_at(b)
    assert KEYED_PASSWORD.encode() not in written_files(a, b)


def test_a_password_the_database_refuses_is_not_kept_one_out_of_reach_is(
    secret_service: dict[str, str], keyed_url: str
) -> None:
    """A typo would otherwise be kept and only show at the next sync, as a refusal."""
    typo = run("team", "password", keyed_url, stdin="kept-in-the-keyring-7Qy\n")
    assert typo.returncode == 1
    assert "the team database refused it" in typo.stderr and "nothing kept" in typo.stderr
    assert "7Qy" not in typo.stdout + typo.stderr
    assert "No password for" in ok("team", "password", keyed_url, "--forget")
    said = ok("team", "password", keyed_url, stdin=KEYED_PASSWORD + "\n")
    assert said.strip().endswith("the team database accepted it")
    away = "postgresql://ada@127.0.0.1:9/team?connect_timeout=2"  # nothing listens there
    said = ok("team", "password", away, stdin="offline-for-now\n")
    assert "Kept the password for ada@127.0.0.1:9/team" in said
    assert "not tried, the team database cannot be reached now" in said


def test_the_key_is_user_at_host_port_slash_dbname(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("PGUSER", "PGHOST", "PGPORT", "PGDATABASE", "PGSERVICE", "PGSYSCONFDIR"):
        monkeypatch.delenv(variable, raising=False)
    service_file = tmp_path / "pg_service.conf"
    service_file.write_text("[team]\nhost=db.example.com\ndbname=incidents\nuser=ada\n")
    monkeypatch.setenv("PGSERVICEFILE", str(service_file))
    assert passwords.key("postgresql://bob@db:6543/x?sslmode=verify-full") == "bob@db:6543/x"
    assert passwords.key("service=team") == "ada@db.example.com:5432/incidents"
    assert passwords.key("service=team port=7 user=cy") == "cy@db.example.com:7/incidents"
    assert passwords.key("postgresql://ada:secret@h/d") == "ada@h:5432/d"
    monkeypatch.setenv("PGUSER", "eve")
    assert passwords.key("host=/run/postgresql") == "eve@localhost:5432/eve"


def test_forget_then_sync_fails_with_libpqs_password_error_in_one_line(
    secret_service: dict[str, str], keyed_url: str, tmp_path: Path
) -> None:
    a = tmp_path / "a.incident"
    ok("new", a, "--title", "Checkout outage")
    ok("team", "password", keyed_url, stdin=KEYED_PASSWORD + "\n")
    ok("share", a, "--db", keyed_url)
    assert "In sync" in ok("sync", a, "--once")
    assert "Removed the password" in ok("team", "password", keyed_url, "--forget")
    assert "No password for" in ok("team", "password", keyed_url, "--forget")
    failed = run("sync", a, "--once")
    assert failed.returncode == 1
    assert failed.stderr.count("\n") == 1 and failed.stdout == "", failed.stderr
    assert "no password supplied" in failed.stderr, failed.stderr


def test_without_a_keyring_the_password_comes_from_pgpassfile(
    postgres: Cluster, keyed_url: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS",
                                                            "PYTHON_KEYRING_BACKEND")}  # fmt: skip
    no_keyring = run("team", "password", keyed_url, stdin=KEYED_PASSWORD + "\n", env=env)
    assert no_keyring.returncode == 1
    assert no_keyring.stderr.count("\n") == 1 and "no system keyring" in no_keyring.stderr
    a = tmp_path / "a.incident"
    ok("new", a, "--title", "Checkout outage")
    refused = run("share", a, "--db", keyed_url, env=env)
    assert refused.returncode == 1 and "password" in refused.stderr
    pgpass = tmp_path / "pgpass"
    user = keyed_url.split("//")[1].split("@")[0]
    database = keyed_url.rsplit("/", 1)[1].split("?")[0]
    pgpass.write_text(f"127.0.0.1:{postgres.port}:{database}:{user}:{KEYED_PASSWORD}\n")
    pgpass.chmod(0o600)
    env["PGPASSFILE"] = str(pgpass)
    ok("share", a, "--db", keyed_url, env=env)
    assert "In sync" in ok("sync", a, "--once", env=env)


def test_the_password_is_never_logged_even_at_debug_level(
    secret_service: dict[str, str],
    keyed_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The commands in this process, every logger at DEBUG (keyring's and SecretStorage's too)."""
    from incident_recorder.cli import main

    caplog.set_level(logging.DEBUG)
    a = tmp_path / "a.incident"
    monkeypatch.setattr(sys, "stdin", io.StringIO(KEYED_PASSWORD + "\n"))
    assert main(["team", "password", keyed_url]) == 0
    assert main(["new", str(a), "--title", "Checkout outage"]) == 0
    assert main(["share", str(a), "--db", keyed_url]) == 0
    assert main(["sync", str(a), "--once"]) == 0
    logged = caplog.text
    assert f"password for {passwords.key(keyed_url)} found in the system keyring" in logged
    out = capsys.readouterr()
    assert KEYED_PASSWORD not in logged + out.out + out.err
    assert KEYED_PASSWORD.encode() not in written_files(a)
