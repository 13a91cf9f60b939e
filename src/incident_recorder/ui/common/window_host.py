"""What a part of the recorder window may ask of the window it serves: a status bar and a clear
error message. Nothing else.

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
        """A clear, non-blocking message box (and the status bar)."""
        ...
