"""Shared fixtures: every test gets its own folders and never touches the real home directory."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    from incident_recorder.storage.guard import install_open_guard

    # As in the app: any test code (or app code under test) that opens an incident file open in
    # this process as a plain file fails loudly instead of silently dropping SQLite's locks.
    install_open_guard()
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb":
        return
    skip = pytest.mark.skip(reason="needs a real X server: run the suite under xvfb-run")
    for item in items:
        if "xvfb" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the app's config and data folders at fresh temporary ones for every test."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("INCIDENT_RECORDER_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("INCIDENT_RECORDER_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("INCIDENT_RECORDER_STATE_DIR", str(base / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "xdg-data"))
    # A GUI started by a test listens here, never on the developer's running app.
    monkeypatch.setenv("INCIDENT_RECORDER_INSTANCE", str(base / "instance.sock"))
    # No test reads or writes the developer's keyring: keyring's "no backend" unless a test
    # starts a Secret Service of its own (tests/sync/secret_service.py).
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


class FakeClock:
    """A clock tests move by hand: starts at 2026-11-27 14:00:00 UTC."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now = self.now + timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def incident_path(tmp_path: Path) -> Path:
    return tmp_path / "checkout.incident"


@pytest.fixture
def incident_file(incident_path: Path, clock: FakeClock) -> Iterator[object]:
    from incident_recorder.storage import IncidentFile

    handle = IncidentFile.create(incident_path, "Checkout outage", clock=clock)
    yield handle
    handle.close()


@pytest.fixture
def xterm_window() -> Iterator[subprocess.Popen[bytes]]:
    """An xterm on the test display (for tests where another application has focus)."""
    if not shutil.which("xterm"):
        pytest.skip("xterm is not installed")
    proc = subprocess.Popen(["xterm", "-T", "Other application", "-e", "sleep 60"])
    yield proc
    proc.terminate()
    proc.wait(timeout=5)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """mount(size="1m") → a fresh tmpfs folder (a small filesystem to fill up), unmounted at the
    end; skips if mounting is not allowed (it needs root)."""
    mounted: list[Path] = []

    def mount(size: str = "1m") -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        if os.geteuid() != 0:
            pytest.skip("mounting a tmpfs needs root")
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            pytest.skip(f"mounting a tmpfs is not permitted here: {result.stderr.strip()}")
        mounted.append(point)
        return point

    try:
        yield mount
    finally:
        for point in reversed(mounted):
            subprocess.run(["umount", "-l", str(point)], capture_output=True)


@pytest.fixture
def application(qapp, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The app's wiring (start window, recorder windows), its recent list in tmp_path."""
    from PySide6.QtWidgets import QDialog

    from incident_recorder.app import Application
    from incident_recorder.recent import RecentList

    app = Application(qapp, clock, RecentList(tmp_path / "config" / "recent.json"))
    yield app
    for window in list(app.windows):
        window.close()
    for dialog in app.start.findChildren(QDialog):  # a window-modal dialog left open would
        dialog.reject()  # be the active modal widget of every later test
    app.start.close()
