"""A file deleted, moved or replaced while open is refused for writing, never written into."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile
from incident_recorder.storage.errors import FileMissingError


@pytest.mark.parametrize("how", ["deleted", "moved", "replaced"])
def test_writes_after_the_file_vanished_fail_clearly(tmp_path: Path, how: str) -> None:
    path = tmp_path / "a.incident"
    handle = IncidentFile.create(path, "Vanishing")
    handle.add_note("before")
    if how == "deleted":
        path.unlink()
    elif how == "moved":
        path.rename(tmp_path / "elsewhere.incident")
    else:
        # another program replaces it (a copy in this process would drop its locks)
        subprocess.run(["cp", str(path), str(tmp_path / "copy.incident")], check=True)
        path.unlink()
        subprocess.run(["cp", str(tmp_path / "copy.incident"), str(path)], check=True)
    with pytest.raises(FileMissingError, match="deleted, moved or replaced"):
        handle.add_note("after")
    assert [e.text for e in handle.entries()] == ["before"]  # still readable for an export
    handle.close()


def test_a_failed_create_leaves_no_half_made_file(tmp_path: Path, monkeypatch) -> None:
    from incident_recorder.storage import incident_file

    path = tmp_path / "half.incident"

    def broken_uuid() -> str:
        raise incident_file.IncidentFileError("disk full while creating")

    monkeypatch.setattr(incident_file, "_uuid4", broken_uuid)
    with pytest.raises(incident_file.IncidentFileError):
        IncidentFile.create(path, "Half")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
