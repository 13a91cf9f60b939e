"""Regression: a second open in this process must not drop the first connection's locks.

Closing any descriptor of a database file releases every POSIX lock the process holds on it.
When opening read the header with open()/close(), another program closing its connection then
believed it was the last one, checkpointed and deleted the WAL, and the GUI's next "saved"
note went into a deleted file. This reproduces that sequence with real processes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from incident_recorder.storage import IncidentFile

READ_COUNT = (
    "import sys\n"
    "from incident_recorder.storage import IncidentFile\n"
    "with IncidentFile.open(sys.argv[1], readonly=True) as f:\n"
    "    print(f.entry_count())\n"
)


def count_in_other_process(path: Path) -> int:
    result = subprocess.run(
        [sys.executable, "-c", READ_COUNT, str(path)], capture_output=True, text=True, check=True
    )
    return int(result.stdout)


def test_notes_saved_after_other_opens_and_closes_reach_the_file(tmp_path: Path) -> None:
    path = tmp_path / "locks.incident"
    IncidentFile.create(path, "Locks").close()
    with IncidentFile.open(path) as writer:
        writer.add_note("first")
        for round_number in range(3):
            IncidentFile.open(path).close()  # e.g. the capture worker's own connection
            IncidentFile.open(path, readonly=True).close()
            assert count_in_other_process(path) == 1 + round_number
            writer.add_note(f"after round {round_number}")
        assert Path(f"{path}-wal").exists(), "the WAL stays while the writer is open"
    assert count_in_other_process(path) == 4
