"""One atomic_write: a file is replaced whole or left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from incident_recorder.atomic import atomic_write, replacing


def test_a_write_replaces_the_file_whole_with_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "recent.json"
    path.write_text("old")
    atomic_write(path, b"new", 0o600)
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["recent.json"]  # no temporary left


def test_a_failed_write_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("the report as it was")

    def half(handle: object) -> None:
        handle.write(b"half a rep")  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        atomic_write(path, half, 0o644)
    assert path.read_text() == "the report as it was"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    with pytest.raises(RuntimeError), replacing(path, 0o644) as temporary:
        temporary.write_bytes(b"nope")
        raise RuntimeError("the writer failed")
    assert path.read_text() == "the report as it was"
