"""Fixtures for widget tests: a recorder window over a real incident file in tmp_path."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from incident_recorder.storage import IncidentFile


@pytest.fixture
def make_window(qtbot, clock, tmp_path: Path) -> Iterator[object]:
    """Build (and show, active) a RecorderWindow over a new incident file."""
    from incident_recorder.ui.recorder.recorder_window import RecorderWindow

    windows: list[RecorderWindow] = []

    def make(path: Path | None = None, title: str = "Checkout outage") -> RecorderWindow:
        path = path or tmp_path / "window.incident"
        handle = (
            IncidentFile.open(path, clock=clock)
            if path.exists()
            else IncidentFile.create(path, title, clock=clock)
        )
        window = RecorderWindow(handle, clock=clock, local_zone=UTC)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.waitUntil(lambda: window.hotkeys_subscribed)  # grabbed after the first paint
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


# -- a real X server: Xvfb, xdotool, an xterm with the focus ------------------------------------


@pytest.fixture(scope="module")
def x_connection() -> Iterator[Any]:
    """One Xlib connection for the module: Xvfb resets when its last client disconnects."""
    if not shutil.which("xdotool") or not shutil.which("xterm"):
        pytest.skip("xdotool and xterm are needed")
    from Xlib import display

    connection = display.Display()
    yield connection
    connection.close()


@pytest.fixture
def other_app(x_connection: Any) -> Iterator[str]:
    """A dark-blue xterm titled "Other app" holding the input focus; yields its window id."""
    from tests.ui.x_support import xdotool

    proc = subprocess.Popen(
        ["xterm", "-T", "Other app", "-bg", "#203060", "-geometry", "80x24+40+50"]
    )
    try:
        window = xdotool("search", "--sync", "--onlyvisible", "--name", "^Other app$")
        window = window.splitlines()[0]
        xdotool("mousemove", "300", "300")
        xdotool("windowfocus", "--sync", window)
        yield window
    finally:
        proc.terminate()
        proc.wait(timeout=5)
