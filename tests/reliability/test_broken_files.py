"""Foreign and broken files, through every command and the GUI's open path.

Each bad file is made for real (text, a truncated copy, a page of random bytes, user_version 99,
a read-only mount, a second process holding BEGIN EXCLUSIVE, a folder removed from under the
path) and given to `open`, `note`, `export`, `import`, `merge` and `serve` as processes, and to the
app's open path offscreen. Each must end with exit 0 (a read that is allowed) or 1 and ONE clear
line on stderr, no traceback, and the file's SHA-256 the same before and after.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from reliability_support import env, sha256

from incident_recorder.storage import IncidentFile
from tests.storage.storage_support import damage_page

CASES = [
    "not-sqlite",
    "truncated",
    "garbage-page",
    "newer-schema",
    "read-only",
    "locked",
    "vanished",
]
COMMANDS = ["open", "note", "export", "import", "merge", "serve"]
MESSAGES = {
    "not-sqlite": "not an incident file",
    "truncated": "damaged",
    "garbage-page": "damaged",
    "newer-schema": "newer",
    "read-only": "read-only",
    "locked": "locked by another program",
    "vanished": "no such incident file",
}
# What may succeed: a read of a file that reads (read-only file; a file another program is
# writing to, read through its WAL).
MAY_SUCCEED = {("read-only", "export"), ("read-only", "merge"), ("locked", "export"),
               ("locked", "merge")}  # fmt: skip
# "garbage-page": the page hit holds old entries. The commands that read every entry meet it;
# the ones that write (`note`, `import`, `open`, `serve`) never read that page, and are refused
# by the check of the record's pages that opening for writing runs first (storage/connection.py).
# A read-only file opens in a view-and-export window (ui/recorder/read_only.py): the GUI runs.
MAY_RUN: set[tuple[str, str]] = {("read-only", "open")}
WRITES = {"note", "import", "serve"}  # serve stores its token the first time
# The CI subset: every bad file through `note`, every command on a foreign file; the full run
# does every pair.
FAST = {(case, "note") for case in CASES} | {("not-sqlite", command) for command in COMMANDS}

LOCKER = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO entries (kind, text, occurred_at, recorded_at, source) "
             "VALUES ('observation', 'the other writer', '2026-11-27T14:00:00Z', "
             "'2026-11-27T14:00:00Z', 'other')")
print("locked", flush=True)
sys.stdin.read()
"""


def _good(path: Path, notes: int = 200) -> Path:
    with IncidentFile.create(path, "Broken files") as handle:
        for number in range(notes):
            handle.add_note(f"note {number} " + "b" * 300)
    return path


@pytest.fixture
def bad_file(tmp_path: Path, tmpfs: Callable[..., Path]) -> Iterator[Callable[[str], Path]]:
    lockers: list[subprocess.Popen[str]] = []

    def make(case: str) -> Path:
        path = tmp_path / "bad.incident"
        if case == "not-sqlite":
            path.write_text("14:02 checkout down\n" * 200)
        elif case == "truncated":
            data = _good(path).read_bytes()
            path.write_bytes(data[: len(data) // 2])
        elif case == "garbage-page":
            # random bytes over a leaf page of old entries in the middle of the table, found
            # with SQLite's dbstat (not a guessed offset that may hit another table)
            damage_page(_good(path), "entries", seed=7)
        elif case == "newer-schema":
            _good(path, 3)
            conn = sqlite3.connect(path)
            conn.execute("PRAGMA user_version = 99")
            conn.close()
        elif case == "read-only":
            if os.geteuid() == 0:
                mount = tmpfs("4m")
                path = _good(mount / "archived.incident", 5)
                result = subprocess.run(
                    ["mount", "-o", "remount,ro", str(mount)], capture_output=True, text=True
                )
                if result.returncode:
                    pytest.skip(f"remounting read-only is not permitted: {result.stderr}")
            else:
                _good(path, 5)
                path.chmod(0o444)
                tmp_path.chmod(0o555)
        elif case == "locked":
            _good(path, 5)
            locker = subprocess.Popen(
                [sys.executable, "-c", LOCKER, str(path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            lockers.append(locker)
            assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        elif case == "vanished":
            folder = tmp_path / "gone"
            folder.mkdir()
            path = _good(folder / "x.incident", 3)
            for child in folder.iterdir():
                child.unlink()
            folder.rmdir()
        return path

    try:
        yield make
    finally:
        tmp_path.chmod(0o755)
        for locker in lockers:
            locker.kill()
            locker.wait(timeout=10)
            for pipe in (locker.stdin, locker.stdout):
                if pipe:
                    pipe.close()


def _argv(command: str, path: Path, tmp_path: Path) -> list[str]:
    if command == "note":
        return ["note", str(path), "checkout error rate falling"]
    if command == "export":
        return ["export", str(path), "--format", "json", "--out", str(tmp_path / "out")]
    if command == "import":
        source = tmp_path / "rows.csv"
        source.write_text("time,kind,text\n2026-11-20T14:00:00Z,observation,from a csv\n")
        return ["import", str(path), str(source)]
    if command == "merge":
        other = tmp_path / "other.incident"
        if not other.exists():
            _good(other, 3)
        return ["merge", str(path), str(other), "--out", str(tmp_path / "merged.incident")]
    if command == "serve":
        return ["serve", str(path), "--port", "0"]
    return ["open", str(path)]


def _run(argv: list[str]) -> tuple[int | None, str, str]:
    """(exit status or None if it was still running after 10 s, stdout, stderr)."""
    child = env()
    child["QT_QPA_PLATFORM"] = "offscreen"
    child.pop("DISPLAY", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "incident_recorder", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child,
    )
    try:
        out, err = proc.communicate(timeout=10)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
        return None, out, err


PAIRS = [
    pytest.param(
        case, command, marks=() if (case, command) in FAST else pytest.mark.reliability_full
    )
    for case in CASES
    for command in COMMANDS
]


@pytest.mark.parametrize(("case", "command"), PAIRS)
def test_a_bad_file_gets_one_clear_line_and_stays_untouched(
    bad_file, tmp_path: Path, case: str, command: str, figures
) -> None:
    if case == "locked" and command in ("open", "serve"):
        pytest.skip("a file another program writes to opens (reads go through its WAL)")
    path = bad_file(case)
    before = sha256(path)
    started = time.perf_counter()
    status, out, err = _run(_argv(command, path, tmp_path))
    elapsed = time.perf_counter() - started
    assert "Traceback" not in err, err
    if case == "vanished":
        assert not path.parent.exists(), "the vanished folder was made again"
    if status is None:
        assert (case, command) in MAY_RUN, out + err
    elif status == 0:
        assert (case, command) in MAY_SUCCEED, out + err
    else:
        assert status == 1, err
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("incident-recorder: error: ")
        assert MESSAGES[case] in lines[0], lines[0]
    if status == 1 or command not in WRITES:  # a writer that ran changed it, as it should
        assert sha256(path) == before
    figures.add("broken", case, command=command, exit=status, seconds=elapsed)
    figures.add("faults", "foreign or broken file (time: until the message)", runs=1, entries=0,
                lost=0, recover_s=elapsed,
                note="SHA-256 unchanged; locked: refused after the 5 s busy timeout")  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_the_app_open_path_shows_the_message_and_leaves_the_file(
    qtbot, bad_file, tmp_path: Path, case: str, clock
) -> None:
    from incident_recorder.app import Application, make_qapp
    from incident_recorder.recent import RecentList

    path = bad_file(case)
    before = sha256(path)
    app = Application(make_qapp(), clock, RecentList(tmp_path / "recent.json"))
    window = app.open_path(path)
    try:
        if window is None:
            shown = app.start.findChildren(object)
            assert app.start.isVisible()
            texts = " ".join(w.text() for w in shown if hasattr(w, "text") and callable(w.text))
            assert MESSAGES[case] in texts, texts
        else:
            assert case in {"read-only", "locked"}, case
            if case == "read-only":  # opened to view and export, never to record
                assert window.read_only, "a read-only file opened for recording"
                assert not window.actions_by_id["capture_screen"].isEnabled()
    finally:
        for opened in list(app.windows):
            opened.close()
        app.start.close()
    assert sha256(path) == before
