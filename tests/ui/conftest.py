"""Fixtures for widget tests: a recorder window over a real incident file in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from incident_recorder.storage import IncidentFile


@pytest.fixture
def make_window(qtbot, clock, tmp_path: Path) -> Iterator[object]:
    """Build (and show, active) a RecorderWindow over a new incident file."""
    from incident_recorder.ui.recorder_window import RecorderWindow

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
