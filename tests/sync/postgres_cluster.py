"""A private PostgreSQL cluster for the team sync tests: initdb in a temporary folder, started on
a random loopback port, owned by the `postgres` user when the tests run as root (the server
refuses to run as root; docs/platform.md, "PostgreSQL for tests")."""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN = Path(os.environ.get("INCIDENT_RECORDER_PG_BIN", "/usr/lib/postgresql/15/bin"))


def missing() -> str | None:
    """Why no cluster can be made here, or None."""
    if not (BIN / "initdb").is_file() or not (BIN / "pg_ctl").is_file():
        return f"no PostgreSQL server binaries in {BIN} (install.sh --test installs postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a 'postgres' user to run the server as"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """One running cluster; `url(db)` connects as the superuser `postgres` over TCP (trust)."""

    _names = itertools.count(1)

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ir-team-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as_postgres = ["runuser", "-u", "postgres", "--"]
        self._run(BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8", "--locale=C")  # fmt: skip
        self.start()

    def _run(self, *command: object, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self._as_postgres, *map(str, command)],
            capture_output=True, text=True, check=check, timeout=60,
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(BIN / "pg_ctl", "-D", self.data, "-o", options, "-l", self.root / "log",
                  "-w", "-t", "30", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}?connect_timeout=3"

    def new_database(self) -> str:
        """A fresh, empty database's connection string."""
        import psycopg

        name = f"team_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.url(name)

    def password_role(self, database_url: str, password: str) -> str:
        """A new login role in the team writer role that must give `password` over TCP
        (scram-sha-256: its pg_hba line goes before the cluster's `trust` lines); the
        connection string of `database_url` as that role, without the password."""
        import psycopg
        from psycopg import sql

        name = f"keyed_{os.getpid()}_{next(self._names)}"
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"host all {name} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE incident_recorder_writer").format(
                    sql.Identifier(name), sql.Literal(password)
                )
            )
            conn.execute("SELECT pg_reload_conf()")
        url = database_url.replace("postgres@", f"{name}@", 1)
        deadline = time.monotonic() + 10
        while True:  # the reload is asynchronous: until the role is asked for its password
            try:
                psycopg.connect(url, password="").close()
            except psycopg.OperationalError as error:
                if "password" in str(error):
                    return url
                raise
            if time.monotonic() > deadline:
                raise RuntimeError("pg_hba.conf was not reloaded")
            time.sleep(0.05)

    def close(self) -> None:
        """Stop the server, and kill it if `pg_ctl` could not (a run interrupted mid-stop, a
        timed-out pg_ctl): a leaked postmaster would keep its port and memory until reboot."""
        pid_file = self.data / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            pid = 0
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.stop("immediate")
        if pid > 0 and pid_file.exists():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)
