"""Copies of the file and its WAL taken at random instants of writing: each holds a prefix.

What it proves: whatever instant the bytes written so far are frozen at, they open (read-only and
read-write) as a consistent record holding every commit reported before that instant, with at most
a torn tail of the frame being written, which SQLite's frame checksums discard. The test freezes
the writer (SIGSTOP) at a random instant, copies the main file and its -wal (never the -shm, which
a real cut wipes), then lets it run on. Each copy must pass integrity_check and hold ids 1..k
contiguous, texts exactly as written, k at least every id the writer had reported.

What it does not prove: power-loss durability. The copy is taken from the page cache, so it holds
what was written whether or not it was ever fsynced: this test passes with `synchronous = OFF`.
That the WAL is fsynced before each reply is checked by test_sync_before_reply.py (strace).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from reliability_support import env, integrity, runs, wait_for

from incident_recorder.storage import IncidentFile

WRITER = r"""
import sys
sys.stdout.reconfigure(line_buffering=True)
sys.path.insert(0, sys.argv[2])
from incident_recorder.storage import IncidentFile
from reliability_support import new_capture, noise_png
handle = IncidentFile.open(sys.argv[1])
print("ready")
number = 0
while True:
    number += 1
    if number % 25 == 0:
        capture = new_capture(noise_png(200, 150, number), 200, 150)  # each a new screen
        entry = handle.add_capture(capture, text=f"power {number}")
    else:
        entry = handle.add_note(f"power {number} " + "p" * (number * 53 % 3000))
    print(entry.id)
"""


def expected_text(number: int) -> str:
    return (
        f"power {number}" if number % 25 == 0 else f"power {number} " + "p" * (number * 53 % 3000)
    )


def _check_copy(copy: Path, readonly: bool, reported: int) -> int:
    with IncidentFile.open(copy, readonly=readonly) as handle:
        entries = handle.entries()
        if not readonly:
            handle.add_note("the copy takes new notes")
    ids = [e.id for e in entries]
    assert ids == list(range(1, len(ids) + 1)), f"not a prefix: {ids[-5:]}"
    assert [e.text for e in entries] == [expected_text(n) for n in ids]
    assert len(ids) >= reported, f"reported {reported}, the copy holds {len(ids)}"
    result, _ = integrity(copy)
    assert result == "ok", result
    return len(ids)


@pytest.mark.parametrize("snapshots", runs(20, full=500, quick=50))
def test_copies_taken_mid_write_hold_a_prefix(tmp_path: Path, snapshots: int, figures) -> None:
    path = tmp_path / "power.incident"
    IncidentFile.create(path, "Power").close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    reported: list[int] = []
    reader = threading.Thread(target=lambda: reported.extend(int(x) for x in proc.stdout))
    reader.start()
    rng = random.Random(snapshots)
    worst = 0.0
    held = 0
    try:
        for number in range(snapshots):
            time.sleep(rng.uniform(0.0, 0.08))
            os.kill(proc.pid, signal.SIGSTOP)
            try:
                seen = len(reported)  # each printed only after its commit returned
                copies = [tmp_path / f"cut{number}-{mode}.incident" for mode in ("ro", "rw")]
                for copy in copies:
                    shutil.copyfile(path, copy)
                    if Path(f"{path}-wal").exists():
                        shutil.copyfile(f"{path}-wal", f"{copy}-wal")
                # checked while the writer stays frozen: it writes only in the random gaps, so
                # the file grows with the number of snapshots, not with the time checks take
                for copy, readonly in zip(copies, (True, False), strict=True):
                    started = time.perf_counter()
                    held = _check_copy(copy, readonly, seen)
                    worst = max(worst, time.perf_counter() - started)
                    for leftover in copy.parent.glob(f"{copy.name}*"):
                        leftover.unlink()
            finally:
                os.kill(proc.pid, signal.SIGCONT)
    finally:
        proc.kill()
        proc.wait(timeout=10)
        reader.join(timeout=10)
        proc.stdout.close()
    wait_for(lambda: not reader.is_alive(), 5)
    assert held > 0 and len(reported) > snapshots
    figures.add(
        "faults",
        "copies of file + WAL taken at a random instant of writing (crash consistency)",
        runs=snapshots,
        entries=len(reported),
        lost=0,
        recover_s=worst,
        note=f"{2 * snapshots} copies opened (read-only and read-write), each a prefix",
    )
