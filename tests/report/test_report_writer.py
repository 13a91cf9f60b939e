"""write_report's contract: formats, folders, atomic files, file modes, one-line ReportErrors."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from report_helpers import Recorded

from incident_recorder.report import FORMATS, ReportError, write_report, writer


def test_formats() -> None:
    assert FORMATS == ("markdown", "json")


def test_unknown_format_is_refused_before_anything_is_written(
    recorded: Recorded, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with pytest.raises(ReportError, match="unknown report format 'html'"):
        write_report(out, "html", recorded.record, recorded.load_png)
    assert not out.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_out_dir_is_a_file(recorded: Recorded, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "taken"
    out.write_text("not a folder")
    with pytest.raises(ReportError) as caught:
        write_report(out, fmt, recorded.record, recorded.load_png)
    assert "\n" not in str(caught.value) and str(out) in str(caught.value)
    assert out.read_text() == "not a folder"


@pytest.mark.parametrize("fmt", FORMATS)
def test_out_dir_under_a_regular_file(recorded: Recorded, tmp_path: Path, fmt: str) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ReportError, match="cannot create folder"):
        write_report(blocker / "out", fmt, recorded.record, recorded.load_png)


def test_images_folder_blocked_by_a_file(recorded: Recorded, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "images").write_text("x")
    with pytest.raises(ReportError, match="images"):
        write_report(out, "markdown", recorded.record, recorded.load_png)
    assert not (out / "report.md").exists()


def test_report_path_blocked_by_a_folder(recorded: Recorded, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "report.md").mkdir(parents=True)
    with pytest.raises(ReportError, match="cannot write"):
        write_report(out, "markdown", recorded.record, recorded.load_png)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_unreadable_capture(recorded: Recorded, tmp_path: Path) -> None:
    def broken(capture_id: int) -> bytes:
        raise OSError(f"disk I/O error\nreading capture {capture_id}")

    with pytest.raises(ReportError, match="cannot read the capture of entry") as caught:
        write_report(tmp_path / "out", "json", recorded.record, broken)
    assert "\n" not in str(caught.value)


def test_damaged_capture_is_not_exported(recorded: Recorded, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="SHA-256"):
        write_report(tmp_path / "out", "json", recorded.record, lambda _: b"not it")


def test_exporting_twice_replaces_and_leaves_no_temp_files(
    recorded: Recorded, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    for fmt in FORMATS * 2:
        write_report(out, fmt, recorded.record, recorded.load_png)
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert [n for n in names if not n.startswith("images/")] == [
        "images",
        "incident.json",
        "report.md",
    ]
    assert len([n for n in names if n.startswith("images/")]) == 2
    assert not [n for n in names if ".tmp" in n]


def test_out_dir_created_with_parents(recorded: Recorded, tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "c"
    path = write_report(out, "markdown", recorded.record, recorded.load_png)
    assert path.is_file() and path.parent == out


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process umask for one test; the old one is put back afterwards."""
    old = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(old)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
@pytest.mark.parametrize("fmt", FORMATS)
def test_files_get_the_mode_open_would_give_them(
    recorded: Recorded,
    tmp_path: Path,
    umask: Callable[[int], None],
    fmt: str,
    mask: int,
    expected: int,
) -> None:
    umask(mask)
    out = tmp_path / "out"
    report = write_report(out, fmt, recorded.record, recorded.load_png)
    images = sorted((out / "images").iterdir())
    assert len(images) == 2
    for path in [report, *images]:
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    plain = tmp_path / "plain"
    plain.write_bytes(b"x")  # what open() gives, for comparison
    assert stat.S_IMODE(plain.stat().st_mode) == expected


def test_the_umask_is_read_without_changing_it(umask: Callable[[int], None]) -> None:
    umask(0o027)
    assert writer.current_umask() == 0o027
    assert writer.file_mode() == 0o640
    assert writer._umask_by_swapping.__wrapped__() == os.umask(0o027) == 0o027
