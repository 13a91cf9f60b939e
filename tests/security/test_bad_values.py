"""Bad values in a received file's own tables: one clear line or message, never a traceback.

The schema is ours (schema_check lets nothing else in), but a crafted file can still hold a kind
that is no kind, a time that is no time, bytes where text belongs. Every reader checks the values
it reads (storage/value_check.py): the CLI says which entry in one line, the app shows the same
on the start window instead of exiting, and the file is never changed.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile
from incident_recorder.storage.errors import CorruptFileError
from tests.security.hostile_files import fingerprint

BAD_VALUES = {
    "kind": ("kind", "'nope'", "kind 'nope' is no kind of entry"),
    "time": ("occurred_at", "'yesterday'", "'yesterday' is no time"),
    "impossible-date": ("occurred_at", "'2026-02-31T10:00:00.000Z'", "is no time"),
    "no-zone": ("recorded_at", "'2026-02-01T10:00:00.000'", "has no time zone"),
    "binary-text": ("text", "x'00ff00fe'", "its text is not text"),
    "blob-time": ("occurred_at", "x'32303236'", "is not text"),  # TEXT affinity keeps a blob
}


def crafted(folder: Path, name: str) -> Path:
    """An incident of three notes whose second has `name`'s bad value (the append-only trigger
    dropped for the edit and put back, as a forger would)."""
    column, value, _ = BAD_VALUES[name]
    path = folder / f"{name}.incident"
    with IncidentFile.create(path, f"Bad {name}") as handle:
        for number in range(3):
            handle.add_note(f"note {number}")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        trigger = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'entries_append_only_update'"
        ).fetchone()[0]
        conn.execute("DROP TRIGGER entries_append_only_update")
        conn.execute(f"UPDATE entries SET {column} = {value} WHERE id = 2")
        conn.execute(trigger)
    finally:
        conn.close()
    return path


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_readers_name_the_bad_entry(tmp_path: Path, name: str) -> None:
    path = crafted(tmp_path, name)
    reason = BAD_VALUES[name][2]
    with IncidentFile.open(path, readonly=True) as handle:
        with pytest.raises(CorruptFileError, match="entry 2") as refused:
            handle.records(check=True)
        assert reason in str(refused.value)
        with pytest.raises(CorruptFileError, match=reason.replace("(", r"\(")):
            handle.entries()
        assert len(handle.records()) == 3  # unchecked raw rows still read (merge, search)


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
@pytest.mark.parametrize("command", ["export", "review"])
def test_the_cli_says_which_entry_in_one_line(tmp_path: Path, name: str, command: str) -> None:
    path = crafted(tmp_path, name)
    before = fingerprint(path)
    argv = [command, str(path)]
    if command == "export":
        argv += ["--format", "markdown", "--out", str(tmp_path / "out")]
    done = subprocess.run(
        [sys.executable, "-m", "incident_recorder", *argv],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert "entry 2 holds a value that cannot be read" in line and "Traceback" not in line
    assert BAD_VALUES[name][2] in line
    assert fingerprint(path) == before
