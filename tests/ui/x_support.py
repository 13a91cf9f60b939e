"""Helpers of the tests that drive a real X server (Xvfb) with xdotool; their fixtures
(`x_connection`, `other_app`) are in tests/ui/conftest.py."""

from __future__ import annotations

import subprocess
from typing import Any


def xdotool(*args: str) -> str:
    return subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=20, check=True
    ).stdout.strip()


def captures(window: Any) -> list[Any]:
    """The capture entries a recorder window shows, oldest first."""
    entries = [window.model.entry_at(row) for row in range(window.model.rowCount())]
    return [e for e in entries if e.capture is not None]
