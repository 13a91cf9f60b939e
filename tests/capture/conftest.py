"""Fixtures for the capture tests: an X session without Wayland variables."""

from __future__ import annotations

import pytest


@pytest.fixture
def x_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the environment look like a plain X11 session (the test display, no Wayland)."""
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
