"""The tray icon of a recorder window, where the platform has a system tray.

Menu: Capture Screen, New Note (the window comes forward with the note stamped, as Ctrl+Alt+N),
Show/Hide Recorder, Quit. The tooltip names the incident and its entry count. Notices (a capture
that failed) become tray messages.

Where there is no tray (bare Xvfb, offscreen, some Wayland desktops) nothing is created:
``install_tray`` returns None, notices go to the status bar, and closing the window closes it as
always — no behaviour depends on the tray, and nothing is ever hidden into one that isn't there.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QApplication, QMenu, QStatusBar, QSystemTrayIcon

from incident_recorder import paths
from incident_recorder.domain import Incident
from incident_recorder.ui.capture.capture_service import CaptureService
from incident_recorder.ui.timeline.timeline_model import TimelineModel

ICON = "incident-recorder.svg"
MESSAGE_MS = 8000


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


def _icon() -> QIcon:
    icon = QApplication.windowIcon()
    if icon.isNull():
        icon = QIcon(str(paths.resources_dir() / "icons" / ICON))
    return icon


class TrayWindow(Protocol):
    """What the tray needs of its recorder window (RecorderWindow provides it; the window's
    class is not imported here, so that the two modules form no circle)."""

    tray: RecorderTray | None

    @property
    def model(self) -> TimelineModel: ...
    @property
    def captures(self) -> CaptureService: ...
    @property
    def incident(self) -> Incident: ...
    def capture_screen(self) -> None: ...
    def focus_note(self) -> None: ...
    def statusBar(self) -> QStatusBar: ...
    def isVisible(self) -> bool: ...
    def isMinimized(self) -> bool: ...
    def hide(self) -> None: ...
    def showNormal(self) -> None: ...
    def raise_(self) -> None: ...
    def activateWindow(self) -> None: ...
    def close(self) -> bool: ...


def _quit_app(window: TrayWindow) -> None:
    """Close every window (each saves its draft and closes its file), then leave."""
    window.close()
    QApplication.closeAllWindows()
    QApplication.quit()


class RecorderTray(QObject):
    """One tray icon for one recorder window; removed with it."""

    def __init__(self, window: TrayWindow) -> None:
        super().__init__(window if isinstance(window, QObject) else None)  # the window owns it
        self._window = window
        self.menu = QMenu()
        self.actions_by_id: dict[str, QAction] = {}
        for action_id, text, handler in (
            ("capture_screen", "Capture Screen", lambda: window.capture_screen()),
            ("new_note", "New Note", lambda: window.focus_note()),
            ("show_hide", "Show/Hide Recorder", self.toggle_window),
            ("quit", "Quit", lambda: _quit_app(window)),
        ):
            act = self.menu.addAction(text)
            act.triggered.connect(handler)
            self.actions_by_id[action_id] = act
        self.icon = QSystemTrayIcon(_icon(), self)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        window.model.rowsInserted.connect(self._schedule_tooltip)
        window.model.modelReset.connect(self._schedule_tooltip)
        self._tooltip_timer = QTimer(self)
        self._tooltip_timer.setSingleShot(True)
        self._tooltip_timer.setInterval(200)
        self._tooltip_timer.timeout.connect(self.update_tooltip)
        window.captures.failed.connect(self._capture_failed)
        self.update_tooltip()
        self.icon.show()

    def tooltip(self) -> str:
        count = self._window.model.rowCount()
        noun = "entry" if count == 1 else "entries"
        return f"{self._window.incident.title} — {count:,} {noun}"

    def update_tooltip(self) -> None:
        self.icon.setToolTip(self.tooltip())

    def _schedule_tooltip(self, *_: object) -> None:
        if not self._tooltip_timer.isActive():
            self._tooltip_timer.start()

    def toggle_window(self) -> None:
        window = self._window
        if window.isVisible() and not window.isMinimized():
            window.hide()
        else:
            window.showNormal()
            window.raise_()
            window.activateWindow()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()

    def _capture_failed(self, message: str) -> None:
        self.show_message("The screen was not captured", message)

    def show_message(self, title: str, message: str) -> None:
        self.icon.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning, MESSAGE_MS)

    def remove(self) -> None:
        """Take the icon out of the tray now (the window is closing)."""
        self._tooltip_timer.stop()
        self.icon.hide()
        self.menu.deleteLater()


def install_tray(window: TrayWindow, *, available: bool | None = None) -> RecorderTray | None:
    """A tray icon for `window` where the platform has a tray, else None (nothing created)."""
    if not (tray_available() if available is None else available):
        return None
    return RecorderTray(window)


def notify(window: TrayWindow, title: str, message: str) -> None:
    """A notice: a tray message where there is a tray, else in the window's status bar."""
    tray = getattr(window, "tray", None)
    if tray is not None:
        tray.show_message(title, message)
    else:
        window.statusBar().showMessage(f"{title}: {message.splitlines()[0]}")
