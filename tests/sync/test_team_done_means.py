"""The issue's "done means": three recorders — two windows (real widgets, each with its sync
worker) and one CLI process — on one incident through a real PostgreSQL. Each sees the others'
notes; the database is stopped for a minute while all three record (a note from each every ten
seconds) and started again, and the windows reconnect on their own schedule (1, 2, 5, then
every 10 s); all three files converge to the same record, nothing lost, nothing doubled, and their
JSON exports are identical, byte for byte, apart from the export time."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from incident_recorder.storage import IncidentFile
from incident_recorder.sync import replicator as replicator_module
from incident_recorder.sync.links import join
from incident_recorder.sync.replicator import connect
from tests.sync.postgres_cluster import Cluster
from tests.sync.replica_support import exported_json, record_at

OUTAGE_SECONDS = 60
OUTAGE_NOTES = 6
"""Notes each recorder makes while the database is down, one every OUTAGE_SECONDS / 6."""


def cli(*args: object) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "incident_recorder", *map(str, args)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout


def test_two_windows_and_a_cli_record_through_an_outage_and_converge(
    postgres: Cluster,
    tmp_path: Path,
    team_url: str,
    qtbot,
    window_on,  # type: ignore[no-untyped-def]
) -> None:
    assert replicator_module.RETRY_SECONDS[-1] == 10.0  # the real schedule, not a test's
    shell, one, two = (tmp_path / f"{name}.incident" for name in ("shell", "one", "two"))
    cli("new", shell, "--title", "Checkout outage")
    incident = cli("share", shell, "--db", team_url, "--author", "Sam Shell").split()[0]
    with connect(team_url) as conn:
        join(conn, team_url, incident, one, "Win One")
        join(conn, team_url, incident, two, "Win Two")
    first, second = window_on(one), window_on(two)
    for window in (first, second):
        window.session.set_author(window.file.path.stem.title())
        qtbot.waitUntil(lambda w=window: w.team.status == "live", timeout=10_000)

    def texts(window: object) -> set[str]:
        model = window.model  # type: ignore[attr-defined]
        return {model.entry_at(row).text for row in range(model.rowCount())}

    # live: each sees the others' notes
    first.session.add_note("one: 502s on checkout")
    second.session.add_note("two: DB CPU at 100%")
    cli("note", shell, "shell: paged the DB team", "--author", "Sam Shell")
    cli("sync", shell, "--once")
    everything = {"one: 502s on checkout", "two: DB CPU at 100%", "shell: paged the DB team"}
    for window in (first, second):
        qtbot.waitUntil(lambda w=window: texts(w) == everything, timeout=10_000)

    # the database goes away while all three record
    postgres.stop("fast")
    stopped = time.monotonic()
    try:
        for window in (first, second):
            qtbot.waitUntil(lambda w=window: w.team.status == "offline", timeout=10_000)
        for n in range(OUTAGE_NOTES):
            qtbot.wait(round(max(0.0, stopped + n * OUTAGE_SECONDS / OUTAGE_NOTES
                                 - time.monotonic()) * 1000))  # fmt: skip
            for name, window in (("one", first), ("two", second)):
                note = f"{name}: during the outage {n}"
                window.session.add_note(note)
                everything.add(note)
            cli("note", shell, f"shell: during the outage {n}")
            everything.add(f"shell: during the outage {n}")
        qtbot.waitUntil(
            lambda: f"{OUTAGE_NOTES} entries waiting" in first.header.sync_state.text(),
            timeout=5_000,
        )
        failed = subprocess.run(
            [sys.executable, "-m", "incident_recorder", "sync", str(shell), "--once"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert failed.returncode == 1 and "rows waiting" in failed.stderr
        while time.monotonic() < stopped + OUTAGE_SECONDS:  # a whole minute, never less
            qtbot.wait(50)
    finally:
        postgres.start()
    assert time.monotonic() - stopped >= OUTAGE_SECONDS

    # back: everything flows both ways with no action in the windows
    cli("sync", shell, "--once")
    for window in (first, second):
        qtbot.waitUntil(lambda w=window: texts(w) == everything, timeout=30_000)
        qtbot.waitUntil(lambda w=window: w.team.status == "live", timeout=10_000)
    cli("sync", shell, "--once")
    records = [record_at(path) for path in (shell, one, two)]
    assert records[0] == records[1] == records[2]
    assert sorted(entry[1] for entry in records[0]["entries"].values()) == sorted(everything)
    with connect(team_url) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT uid) FROM incident_recorder.records"
        ).fetchone()
    assert row == (len(records[0]["uids"]), len(records[0]["uids"]))
    with IncidentFile.open(shell, readonly=True) as handle:
        assert handle.unpushed() == 0
    exports = []
    for path in (shell, one, two):  # the windows still open on theirs
        cli("export", path, "--format", "json", "--out", tmp_path / f"export-{path.stem}")
        exports.append(exported_json(tmp_path / f"export-{path.stem}"))
    assert exports[0] == exports[1] == exports[2]
