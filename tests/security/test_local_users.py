"""Another local user cannot read an incident file: new files, their -wal and -shm are 0600.

The test creates a second user (as root; skipped otherwise) and tries to read each file as that
user in a folder every user may enter. A control file of mode 0644 beside them proves the
harness sees a read that is allowed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile

USER = "ir-test-other"


@pytest.fixture(scope="module")
def other_user() -> Iterator[str]:
    if os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("runuser"):
        pytest.skip("needs root, useradd and runuser to act as a second local user")
    made = subprocess.run(["id", USER], capture_output=True).returncode != 0
    if made:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/bin/sh", USER], check=True)
    try:
        yield USER
    finally:
        if made:
            subprocess.run(["userdel", USER], capture_output=True)


def _reads(user: str, path: Path) -> bool:
    done = subprocess.run(
        ["runuser", "-u", user, "--", "head", "-c", "16", str(path)],
        capture_output=True,
        timeout=30,
    )
    return done.returncode == 0


def test_a_second_local_user_cannot_read_a_new_incident_file(other_user: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ir-shared-"))
    try:
        folder.chmod(0o755)  # a folder everyone may enter, like a shared home's subfolder
        control = folder / "readme.txt"
        control.write_text("anyone may read this\n")
        control.chmod(0o644)
        assert _reads(other_user, control), "the harness cannot see an allowed read"
        path = folder / "checkout.incident"
        with IncidentFile.create(path, "Checkout outage") as handle:
            handle.add_note("internal: customer 4471's card declined")
            for suffix in ("", "-wal", "-shm"):
                assert not _reads(other_user, Path(f"{path}{suffix}")), suffix
        assert not _reads(other_user, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
