"""An entry handed back by add_note survives a SIGKILL of the process right after."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from incident_recorder.storage import IncidentFile

WRITER = """
import sys
from incident_recorder.storage import IncidentFile
handle = IncidentFile.open(sys.argv[1])
print("ready", flush=True)
number = 0
while True:
    number += 1
    entry = handle.add_note(f"note {number} " + "x" * (number % 500))
    print(entry.id, flush=True)
"""


def test_sigkill_loses_nothing_that_was_handed_back(incident_path: Path) -> None:
    IncidentFile.create(incident_path, "Durability").close()
    rng = random.Random(20261127)
    printed: set[int] = set()
    for _ in range(10):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(incident_path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.3))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        ids = {int(line) for line in out.split()}
        assert ids, "the writer saved nothing before it was killed"
        printed |= ids

        conn = sqlite3.connect(incident_path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            stored = {row[0] for row in conn.execute("SELECT id FROM entries")}
        finally:
            conn.close()
        assert printed <= stored, f"lost: {sorted(printed - stored)[:10]}"
    with IncidentFile.open(incident_path) as handle:
        assert {e.id for e in handle.entries()} >= printed
