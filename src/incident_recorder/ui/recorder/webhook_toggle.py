"""Incident ▸ Receive Webhooks: the webhook server (webhooks/server.py) for the open incident.

Toggled on, a WebhookServer starts on 127.0.0.1 with the incident's stored token (generated the
first time) and a small dialog shows the URL, the token and an example curl line, each with a
Copy button. Every event it accepts is committed by the server's own connection, so the
window's live-updates poll shows it in the timeline within a poll interval. Toggled off, or when
the window closes, the server stops.

Starting opens the file on the server's writer thread and stopping waits for the requests
being answered (up to ~5 s): both run on a thread of their own, never on the UI thread. A stop
at window close is not waited for — the thread finishes recording what was accepted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

if TYPE_CHECKING:
    from incident_recorder.webhooks.server import WebhookServer

DEFAULT_PORT = 8765
"""Tried first (the port `serve` uses); when it is taken, a free one is picked."""


def example_curl(url: str, token: str) -> str:
    from incident_recorder.webhooks.console import EXAMPLE_EVENT

    return (
        f"curl -sS -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' "
        f"-d '{EXAMPLE_EVENT}' {url}/events"
    )


class _Signals(QObject):
    started = Signal(object)
    failed = Signal(str)
    stopped = Signal(int)


class WebhookToggle(QObject):
    """Starts and stops the webhook server of one incident file, off the UI thread."""

    running_changed = Signal(bool)
    """True once the server listens; False once it stopped or could not start."""
    failed = Signal(str)

    def __init__(
        self, path: Path, message: Callable[[str], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.port = DEFAULT_PORT
        self.server: WebhookServer | None = None
        self.dialog: WebhookDialog | None = None
        self._message = message
        self._busy = False
        self._wanted = False
        self._signals = _Signals(self)
        self._signals.started.connect(self._started)
        self._signals.failed.connect(self._failed)
        self._signals.stopped.connect(self._stopped)

    @property
    def running(self) -> bool:
        return self.server is not None

    def set_on(self, on: bool) -> None:
        """The action was toggled: start or stop (once the previous start/stop finished)."""
        self._wanted = on
        if not self._busy:
            self._apply()

    def _apply(self) -> None:
        if self._wanted and self.server is None:
            self._busy = True
            self._message("Starting the webhook server…")
            threading.Thread(target=self._start, name="webhook-start", daemon=True).start()
        elif not self._wanted and self.server is not None:
            self._stop_in_thread(self.server)
            self.server = None
            self._busy = True
            self._message("Stopping the webhook server…")

    def _start(self) -> None:
        # Imported here, on the worker thread: http.server and the webhooks package are not
        # needed until a webhook server is first started (they stay off the start-up path).
        from incident_recorder.webhooks.server import ServerError, WebhookServer

        try:
            try:
                server = WebhookServer(self.path, port=self.port).start()
            except ServerError:
                server = WebhookServer(self.path, port=0).start()  # the port is taken: any
        except Exception as error:  # every failure is shown as one line, never lost
            message = " ".join(str(error).split()) or type(error).__name__
            self._emit(self._signals.failed, message)
        else:
            if not self._emit(self._signals.started, server):
                server.stop()  # the window went away meanwhile

    def _stop_in_thread(self, server: WebhookServer) -> None:
        def stop() -> None:
            server.stop()
            self._emit(self._signals.stopped, server.recorded)

        threading.Thread(target=stop, name="webhook-stop").start()  # not daemon: records all

    @staticmethod
    def _emit(signal: object, value: object) -> bool:
        try:
            signal.emit(value)  # type: ignore[attr-defined]
        except RuntimeError:  # the window (and this object) were deleted meanwhile
            return False
        return True

    def _started(self, server: WebhookServer) -> None:
        self._busy = False
        self.server = server
        self._message(f"Receiving webhooks on {server.url} (127.0.0.1 only)")
        self.running_changed.emit(True)
        if self._wanted:
            self.show_dialog()
        else:
            self._apply()

    def _failed(self, message: str) -> None:
        self._busy = False
        self._wanted = False
        self.running_changed.emit(False)
        self.failed.emit(message)

    def _stopped(self, recorded: int) -> None:
        self._busy = False
        noun = "entry" if recorded == 1 else "entries"
        self._message(f"Webhook server stopped ({recorded} {noun} recorded)")
        self.running_changed.emit(False)
        self._apply()

    def show_dialog(self) -> WebhookDialog | None:
        if self.server is None:
            return None
        if self.dialog is not None:
            self.dialog.close()
        parent = self.parent()
        self.dialog = WebhookDialog(
            self.server.url, self.server.token, parent if isinstance(parent, QWidget) else None
        )
        self.dialog.show()
        return self.dialog

    def shutdown(self) -> None:
        """The window is closing: stop the server without waiting for it."""
        self._wanted = False
        if self.dialog is not None:
            self.dialog.close()
        if self.server is not None:
            self._stop_in_thread(self.server)
            self.server = None


class WebhookDialog(QDialog):
    """The URL, token and an example curl line, each with a Copy button."""

    def __init__(self, url: str, token: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Receiving webhooks")
        self.fields: dict[str, QLineEdit] = {}
        layout = QGridLayout(self)
        intro = QLabel(
            "Events posted here become timeline entries. Listening on this machine only "
            "(127.0.0.1); every request needs the token. Routes: /events, /alertmanager, "
            "/grafana (see docs/webhooks.md)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro, 0, 0, 1, 3)
        for row, (name, label, value) in enumerate(
            (
                ("url", "URL", url),
                ("token", "Token", token),
                ("curl", "Try", example_curl(url, token)),
            ),
            start=1,
        ):
            field = QLineEdit(value)
            field.setReadOnly(True)
            field.setCursorPosition(0)
            field.setMinimumWidth(460)
            field.setAccessibleName(label)
            copy = QPushButton("Copy")
            copy.setAccessibleName(f"Copy {label}")
            copy.clicked.connect(lambda _=False, v=value, n=label: self.copy(v, n))
            layout.addWidget(QLabel(label), row, 0)
            layout.addWidget(field, row, 1)
            layout.addWidget(copy, row, 2)
            self.fields[name] = field
        self.copied = QLabel(" ")
        layout.addWidget(self.copied, 4, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons, 5, 0, 1, 3)

    def copy(self, value: str, name: str) -> None:
        QApplication.clipboard().setText(value)
        self.copied.setText(f"{name} copied")
