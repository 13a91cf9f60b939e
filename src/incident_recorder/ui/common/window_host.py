"""What a part of the recorder window may ask of the window it serves: a status bar and a clear
error message (shown on a banner, never a dialog that takes the keys), cleared when the same
thing succeeds later. Nothing else.

The window's parts (capture_controller, report_controller, note_controller, curation) take a
`WindowHost` in their constructor instead of the window's class: they stay testable with any
QMainWindow that can show an error, and none of them imports recorder_window (no import circle).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QStatusBar


class WindowHost(Protocol):
    """The window services a part uses (RecorderWindow provides them)."""

    def statusBar(self) -> QStatusBar: ...

    def show_error(self, title: str, message: str) -> None:
        """A clear message on the window's banner (and the status bar); never modal."""
        ...

    def clear_error(self, title: str) -> None:
        """The error shown under `title` no longer holds (that thing succeeded): hide it."""
        ...
