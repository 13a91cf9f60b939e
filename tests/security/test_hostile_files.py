"""A received incident file is data, never code: crafted files through every entry point.

Each crafted file (tests/security/hostile_files.py) carries SQL that would run inside the app:
a trigger swallowing notes, one rewriting them, one adding 50 MB per note, a view that never
ends, one yielding 300 MB strings, and others of the class. Every entry point refuses each with
one clear line within seconds, leaves the file byte-identical, and touches no other incident.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incident_recorder.storage import IncidentFile
from incident_recorder.storage.schema import MIGRATIONS, SCHEMA_VERSION
from incident_recorder.storage.schema_check import ForeignSchemaError, expected, verify
from tests.security.hostile_files import CASES, build, build_all, fingerprint

REFUSAL = "is not an incident file as this app writes them"
TIME_LIMIT_S = 20.0


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_all(tmp_path_factory.mktemp("crafted"))


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("readonly", [False, True])
def test_storage_refuses_each_crafted_file_before_reading_it(
    crafted: dict[str, Path], case: str, readonly: bool
) -> None:
    path = crafted[case]
    before = fingerprint(path)
    with pytest.raises(ForeignSchemaError, match=REFUSAL):
        IncidentFile.open(path, readonly=readonly)
    assert fingerprint(path) == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def _argv(command: str, path: Path, tmp_path: Path) -> list[str]:
    good = tmp_path / "good.incident"
    if not good.exists():
        with IncidentFile.create(good, "A good incident") as handle:
            handle.add_note("fine")
    source = tmp_path / "rows.csv"
    source.write_text("time,kind,text\n2026-11-20T14:00:00Z,observation,from a csv\n")
    return {
        "note": ["note", str(path), "checkout error rate falling"],
        "export": ["export", str(path), "--format", "markdown", "--out", str(tmp_path / "out")],
        "review": ["review", str(path)],
        "merge": ["merge", str(good), str(path), "--out", str(tmp_path / "merged.incident")],
        "serve": ["serve", str(path), "--port", "0"],
        "import-into": ["import", str(path), str(source)],
        "copy": ["copy", str(path), str(tmp_path / "copied.incident")],
        "milestone": ["milestone", str(path), "detected"],
        "status-page": ["status-page", str(path), "--out", str(tmp_path / "page")],
    }[command]


COMMANDS = ["note", "export", "review", "merge", "serve", "import-into", "copy"]
COMMANDS += ["milestone", "status-page"]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_command_refuses_each_crafted_file_in_one_line(
    crafted: dict[str, Path], case: str, command: str, tmp_path: Path
) -> None:
    path = crafted[case]
    before = fingerprint(path)
    argv = _argv(command, path, tmp_path)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "incident_recorder", *argv],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT_S * 3,
    )
    elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT_S
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and REFUSAL in lines[0] and "Traceback" not in done.stderr, lines
    assert fingerprint(path) == before
    assert not (tmp_path / "merged.incident").exists()
    assert not (tmp_path / "copied.incident").exists()


_MUTATIONS = [
    "CREATE TRIGGER t{n} AFTER INSERT ON entries BEGIN SELECT 1; END",
    "CREATE VIEW v{n} AS SELECT 1",
    "CREATE INDEX i{n} ON entries (kind)",
    "CREATE TABLE x{n} (a)",
    "ALTER TABLE details ADD COLUMN c{n} TEXT",
    "DROP TRIGGER entries_append_only_delete",
    "DROP VIEW timeline",
    "CREATE TEMP TABLE ok{n} (a)",  # temp objects live outside the file: accepted
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_MUTATIONS), st.integers(0, 999)), max_size=3))
def test_any_change_to_our_schema_is_refused(mutations: list[tuple[str, int]]) -> None:
    """Fuzzed sqlite_master variants: our schema plus random changes is accepted exactly when
    nothing changed in the file's own schema."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for script in MIGRATIONS:
            conn.executescript(script)
        applied = []
        for template, number in mutations:
            sql = template.format(n=number)
            try:
                conn.execute(sql)
                applied.append(sql)
            except sqlite3.Error:
                continue  # e.g. the trigger was already dropped
        changed = any("TEMP" not in sql for sql in applied)
        if changed:
            with pytest.raises(ForeignSchemaError, match=REFUSAL):
                verify(conn, Path("fuzzed.incident"), SCHEMA_VERSION)
        else:
            verify(conn, Path("fuzzed.incident"), SCHEMA_VERSION)
    finally:
        conn.close()


def test_the_expected_schema_is_what_a_new_file_has(tmp_path: Path) -> None:
    path = tmp_path / "new.incident"
    IncidentFile.create(path, "New").close()
    conn = sqlite3.connect(path)
    try:
        verify(conn, path, SCHEMA_VERSION)
        assert len(expected(SCHEMA_VERSION)) > 20
    finally:
        conn.close()


def test_an_analyzed_file_still_opens(tmp_path: Path) -> None:
    """ANALYZE from the sqlite3 shell adds statistics tables: data, not code; allowed."""
    path = build(tmp_path, "analyzed", "ANALYZE;")
    with IncidentFile.open(path) as handle:
        handle.add_note("after ANALYZE")
        assert handle.entry_count() == 2


def test_new_files_are_private_and_a_shared_one_is_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "private.incident"
    with IncidentFile.create(path, "Private") as handle:
        handle.add_note("internal: customer 4471 affected")
        for suffix in ("", "-wal", "-shm"):
            assert os.stat(f"{path}{suffix}").st_mode & 0o777 == 0o600, suffix
    done = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "note", str(path), "quiet"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == ""
    path.chmod(0o644)
    done = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "note", str(path), "loud"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "can be read by other users of this computer (mode 0644)" in done.stderr
