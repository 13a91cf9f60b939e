"""share, join and sync as a user runs them: several real recorder processes on one incident
through a real PostgreSQL, with authors, a password never kept, a live `sync` woken by NOTIFY."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from incident_recorder.domain.actions import ActionItem
from incident_recorder.storage import IncidentFile
from incident_recorder.sync import team_db
from tests.sync.postgres_cluster import Cluster
from tests.sync.replica_support import exported_json, ok, record_at, run

FORMAT_1 = Path(__file__).resolve().parents[1] / "data" / "export-format-1"
"""A JSON export made before format 2 (tests/importers/test_json_formats.py)."""


def test_team_init_then_three_recorders_share_join_and_converge(
    postgres: Cluster, tmp_path: Path
) -> None:
    url = postgres.new_database()
    assert f"version {team_db.SCHEMA_VERSION} (was none)" in ok("team", "init", url)
    assert "up to date" in ok("team", "init", url)
    a, b, c = (tmp_path / f"{name}.incident" for name in "abc")
    ok("new", a, "--title", "Checkout outage")
    ok("note", a, "502s on checkout", "--author", "Ada")
    incident = ok("share", a, "--db", url, "--author", "Ada").strip()
    assert len(incident) == 36
    assert "1 entry" in ok("join", url, incident, "--out", b, "--author", "Bob")
    ok("join", url, incident, "--out", c, "--author", "Cy")
    ok("note", b, "failing over the primary", "--author", "Bob", "--kind", "action")
    ok("milestone", c, "detected", "--author", "Cy")
    ok("note", a, "error rate back to normal", "--author", "Ada")
    for replica in (a, b, c, a, b):
        assert "In sync" in ok("sync", replica, "--once")
    records = [record_at(path) for path in (a, b, c)]
    assert records[0] == records[1] == records[2]
    authors = {entry[1]: entry[8] for entry in records[0]["entries"].values()}
    assert authors == {
        "502s on checkout": "Ada",
        "failing over the primary": "Bob",
        "Detected": "Cy",
        "error rate back to normal": "Ada",
    }
    assert len(records[0]["entries"]) == 4

    # What made the replicas' exports differ: rowids (each file numbers rows as they arrive),
    # entries of one moment from several recorders, a capture, action items. B imports an
    # export made before format 2 (7 entries: a capture, two at 14:05:00, a hidden one, a
    # milestone); A and C each add a note at that same moment and an action item.
    ok("import", b, FORMAT_1)
    same_moment = "2026-11-20T14:05:00Z"
    ok("note", a, "a: at the same moment", "--at", same_moment, "--author", "Ada")
    ok("note", c, "c: at the same moment", "--at", same_moment, "--author", "Cy")
    for path, item in ((c, "Alert on idle_timeout units"), (a, "Page the DB team sooner")):
        with IncidentFile.open(path) as handle:
            handle.save_action_item(ActionItem(item, owner=path.stem))
    for replica in (a, b, c, a, b):
        assert "In sync" in ok("sync", replica, "--once")
    records = [record_at(path) for path in (a, b, c)]
    assert records[0] == records[1] == records[2]
    assert len(records[0]["entries"]) == 13

    exports = []
    for path in (a, b, c):
        ok("export", path, "--format", "json", "--out", tmp_path / f"export-{path.stem}")
        exports.append(exported_json(tmp_path / f"export-{path.stem}"))
    # byte for byte but the export time: the JSON and the image files alike
    assert exports[0] == exports[1] == exports[2]
    document = json.loads(exports[0][0])
    entries = document["entries"]
    assert [entry["id"] for entry in entries] == list(range(1, 14))
    assert len({entry["uid"] for entry in entries} - {None}) == 13
    at_once = [e for e in entries if e["occurred_at"] == "2026-11-20T14:05:00.000+00:00"]
    # entries of one moment: by when each was recorded, then by global id (facts.in_order)
    assert at_once == sorted(at_once, key=lambda e: (e["recorded_at"], e["uid"]))
    assert len(at_once) == 4
    assert [item["id"] for item in document["action_items"]] == [1, 2]
    assert all(item["uid"] for item in document["action_items"])
    assert list(exports[0][1]) == [Path(e["capture"]["file"]).name for e in entries if e["capture"]]


def test_a_password_in_the_url_is_used_but_never_kept_or_shown(
    postgres: Cluster, tmp_path: Path
) -> None:
    url = postgres.new_database()
    ok("team", "init", url)
    secret = url.replace("postgres@", "postgres:hunter2-secret@")
    path = tmp_path / "a.incident"
    ok("new", path, "--title", "Checkout")
    shared = run("share", path, "--db", secret)
    assert shared.returncode == 0, shared.stderr
    assert "hunter2" not in shared.stdout + shared.stderr
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        kept = dict(conn.execute("SELECT key, value FROM team_sync").fetchall())
    finally:
        conn.close()
    assert "hunter2" not in kept["conninfo"] and "127.0.0.1" in kept["conninfo"]
    assert b"hunter2" not in path.read_bytes() + Path(f"{path}-wal").read_bytes()
    unreachable = secret.replace(str(postgres.port), "1")
    failed = run("sync", path, "--once", "--db", unreachable)
    assert failed.returncode == 1 and "hunter2" not in failed.stderr + failed.stdout
    assert "waiting" in failed.stderr or "cannot reach" in failed.stderr


def test_sync_once_exits_1_while_the_database_is_unreachable(
    postgres: Cluster, tmp_path: Path
) -> None:
    url = postgres.new_database()
    ok("team", "init", url)
    path = tmp_path / "a.incident"
    ok("new", path, "--title", "Checkout")
    ok("share", path, "--db", url)
    ok("note", path, "written offline")
    result = run("sync", path, "--once", "--db", url.replace(str(postgres.port), "1"))
    assert result.returncode == 1 and "1 row waiting" in result.stderr, result.stderr
    assert "In sync" in ok("sync", path, "--once")


def test_a_live_sync_process_brings_a_teammates_note_within_a_second(
    postgres: Cluster, tmp_path: Path
) -> None:
    url = postgres.new_database()
    ok("team", "init", url)
    a, b = tmp_path / "a.incident", tmp_path / "b.incident"
    ok("new", a, "--title", "Checkout")
    incident = ok("share", a, "--db", url).strip()
    ok("join", url, incident, "--out", b)
    with subprocess.Popen(
        [sys.executable, "-m", "incident_recorder", "sync", str(b)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as live:  # fmt: skip
        try:
            assert live.stdout is not None
            assert live.stdout.readline().startswith("live")
            ok("note", a, "seen by the live replica")
            ok("sync", a, "--once")
            pushed = time.monotonic()
            while time.monotonic() < pushed + 5:
                if "seen by the live replica" in _texts(b):
                    break
                time.sleep(0.05)
            waited = time.monotonic() - pushed
            assert "seen by the live replica" in _texts(b)
            assert waited < 1.0, waited
        finally:
            live.send_signal(signal.SIGTERM)
            assert live.wait(10) == 0


def _texts(path: Path) -> list[str]:
    return [entry[1] for entry in record_at(path)["entries"].values()]
