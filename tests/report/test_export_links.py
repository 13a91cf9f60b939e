"""An export writes and removes only its own files: a symbolic link planted in the output folder
(images/, a report file, a status page file) is refused, and what it points to stays as it was.

Each case runs the real `incident-recorder export` / `status-page` process on a real incident
file; the folder a link points to holds a sentinel named like one of our images (the stale-image
cleanup would have removed it) and a file of the report's name (a write would have replaced it).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_export_redacted import noisy_capture

from incident_recorder.storage import IncidentFile

SENTINEL = "entry-0001-0123456789ab.png"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def incident(tmp_path: Path, *, capture: bool) -> Path:
    path = tmp_path / "a.incident"
    with IncidentFile.create(path, "Checkout outage") as handle:
        handle.add_note("5xx on checkout", public=True)
        if capture:
            handle.add_capture(noisy_capture(), text="the dashboard")
    return path


def elsewhere(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder outside the export with a sentinel image and a report-named file; their hashes."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / SENTINEL).write_bytes(b"not ours: must survive")
    (folder / "report.md").write_text("someone else's file\n", encoding="utf-8")
    return folder, snapshot(folder)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def assert_refused(result: subprocess.CompletedProcess[str], link: Path) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("incident-recorder: error: ")
    assert f"{link} is a symbolic link" in lines[0]


@pytest.mark.parametrize("capture", [True, False], ids=["with-captures", "without-captures"])
@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_a_linked_images_folder_is_refused_and_its_target_untouched(
    tmp_path: Path, capture: bool, fmt: str
) -> None:
    path = incident(tmp_path, capture=capture)
    target, before = elsewhere(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(target, out / "images")
    result = run("export", str(path), "--format", fmt, "--out", str(out))
    assert snapshot(target) == before
    assert_refused(result, out / "images")
    assert sorted(p.name for p in out.iterdir()) == ["images"]  # nothing written, link kept


def test_a_linked_originals_folder_is_refused(tmp_path: Path) -> None:
    path = incident(tmp_path, capture=True)
    target, before = elsewhere(tmp_path)
    out = tmp_path / "out"
    (out / "images").mkdir(parents=True)
    os.symlink(target, out / "images" / "originals")
    result = run("export", str(path), "--format", "markdown", "--out", str(out))
    assert snapshot(target) == before
    assert_refused(result, out / "images" / "originals")


def test_a_report_file_that_is_a_link_is_refused(tmp_path: Path) -> None:
    path = incident(tmp_path, capture=False)
    target, before = elsewhere(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(target / "report.md", out / "report.md")
    result = run("export", str(path), "--format", "markdown", "--out", str(out))
    assert snapshot(target) == before
    assert_refused(result, out / "report.md")
    assert (out / "report.md").is_symlink()


def test_a_chosen_output_folder_that_is_a_link_is_written_as_real_files(tmp_path: Path) -> None:
    """The folder the user names may be a link (a share mounted elsewhere): its files are real."""
    path = incident(tmp_path, capture=True)
    real = tmp_path / "real"
    real.mkdir()
    os.symlink(real, tmp_path / "out")
    result = run("export", str(path), "--format", "markdown", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (real / "report.md").is_file() and not (real / "report.md").is_symlink()
    assert (real / "images").is_dir() and not (real / "images").is_symlink()
    assert any(p.suffix == ".png" for p in (real / "images").iterdir())


@pytest.mark.parametrize("name", ["index.html", "feed.xml"])
def test_a_status_page_file_that_is_a_link_is_refused(tmp_path: Path, name: str) -> None:
    path = incident(tmp_path, capture=False)
    target, before = elsewhere(tmp_path)
    out = tmp_path / "page"
    out.mkdir()
    os.symlink(target / "report.md", out / name)
    result = run("status-page", str(path), "--out", str(out))
    assert snapshot(target) == before
    assert_refused(result, out / name)
