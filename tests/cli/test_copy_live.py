"""A live incident copied as users do: `cp` of the file while `serve` records into it, and the
`copy` command (SQLite's backup API) at any moment."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from incident_recorder.storage import IncidentFile
from tests.cli.serve_support import Served
from tests.storage.test_checkpoints import plain_copy_entries, wait_for_plain_copy


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_plain_copy_taken_while_serve_runs_holds_the_events_posted_seconds_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "checkout.incident"
    IncidentFile.create(path, "Checkout outage").close()
    server = Served(str(path), "--port", "0")
    try:
        for number in range(28):
            body = json.dumps({"text": f"deploy step {number}", "kind": "action"}).encode()
            assert server.post("/events", body)[0] == 200
        waited = wait_for_plain_copy(path, tmp_path / "copies", 28)
        time.sleep(1.0)  # quiet now: the copy still holds them (nothing undoes a checkpoint)
        assert plain_copy_entries(path, tmp_path / "copies") == 28
        assert server.stop()[0] == 0
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.communicate(timeout=30)
    assert waited < 5.0


def test_copy_command_takes_everything_even_what_is_only_in_the_wal(tmp_path: Path) -> None:
    path = tmp_path / "checkout.incident"
    with IncidentFile.create(path, "Checkout outage") as live:
        for number in range(12):
            live.add_note(f"note {number}")
        assert plain_copy_entries(path, tmp_path / "copies") < 12  # a plain copy misses some
        done = _run("copy", str(path), str(tmp_path / "mailed.incident"))
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Copied checkout.incident to ")
        assert "12 entries" in done.stdout
    with IncidentFile.open(tmp_path / "mailed.incident", readonly=True) as mailed:
        assert mailed.entry_count() == 12
    again = _run("copy", str(path), str(tmp_path / "mailed.incident"))
    assert again.returncode == 1
    assert again.stderr.strip().endswith("already exists: choose another name")
    missing = _run("copy", str(tmp_path / "nope.incident"), str(tmp_path / "x.incident"))
    assert missing.returncode == 1 and "no such incident file" in missing.stderr
