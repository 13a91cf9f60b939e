"""The project builds into a wheel that carries its resources, from what git tracks."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_resources_are_tracked_and_found() -> None:
    from incident_recorder import paths

    icon = paths.resources_dir() / "icons" / "incident-recorder.svg"
    assert icon.is_file()
    tracked = subprocess.run(
        ["git", "ls-files", "resources"], cwd=ROOT, capture_output=True, text=True
    )
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    assert "resources/icons/incident-recorder.svg" in tracked.stdout.split()


def test_wheel_from_a_clean_export_contains_the_package_and_resources(tmp_path: Path) -> None:
    archive = tmp_path / "src.tar"
    exported = subprocess.run(
        ["git", "archive", "--format=tar", "-o", str(archive), "HEAD"], cwd=ROOT
    )
    if exported.returncode != 0:
        pytest.skip("not a git checkout")
    source = tmp_path / "src"
    source.mkdir()
    subprocess.run(["tar", "-xf", str(archive), "-C", str(source)], check=True)
    # the working tree's uncommitted state is not what a clone gets: build from HEAD only
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "w"),
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next((tmp_path / "w").glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "incident_recorder/cli/__init__.py" in names
    assert "incident_recorder/resources/icons/incident-recorder.svg" in names
