"""One running app per user: a local socket that later launches and scripts forward requests to.

The running GUI listens on a per-user ``QLocalServer`` (``instance_name``: the
``INCIDENT_RECORDER_INSTANCE`` environment variable, else ``$XDG_RUNTIME_DIR/incident-recorder
.sock``, else ``incident-recorder-<uid>`` in the temporary folder), readable by the same user only.
A request is one JSON line, the reply one JSON line: ``{"ok": true, "message": "..."}`` or
``{"ok": false, "error": "..."}``. A socket left behind by a crash (nobody answers on it) is
removed and listened on again.

Only QtCore and QtNetwork are used, so the command line can forward without loading widgets.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from incident_recorder import paths

ENV = "INCIDENT_RECORDER_INSTANCE"
"""Overrides the server name (tests give each run its own)."""
CONNECT_MS = 1000
MAX_REQUEST = 1 << 20
"""A request line longer than this is refused (a note is far shorter)."""

Reply = dict[str, Any]


class Later(Protocol):
    """A reply known later: `then(send)` calls `send(reply)` once it is."""

    def then(self, listener: Callable[[Reply], None]) -> None: ...


Handler = Callable[[dict[str, Any]], "Reply | Later"]


class ForwardError(Exception):
    """A running instance was found but the request could not be completed."""


def instance_name(environ: Any = os.environ) -> str:
    """The server name of this user's running app."""
    explicit = environ.get(ENV)
    if explicit:
        return str(explicit)
    runtime = environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return str(Path(runtime) / "incident-recorder.sock")
    if sys.platform.startswith("win"):
        return f"incident-recorder-{os.environ.get('USERNAME', 'user')}"
    # Not a guessable name in the shared /tmp (another user could take it first and keep the
    # app from starting): a folder of our own, readable by this user only.
    private = paths.config_dir() / "run"
    with contextlib.suppress(OSError):
        private.mkdir(parents=True, exist_ok=True)
        private.chmod(0o700)
    return str(private / "instance.sock")


def _socket_path(name: str) -> Path | None:
    """Where the socket file of `name` lives on Unix (None on Windows: a named pipe)."""
    if sys.platform.startswith("win"):
        return None
    return Path(name) if os.path.isabs(name) else Path(tempfile.gettempdir()) / name


def _owned_by_someone_else(name: str) -> bool:
    path = _socket_path(name)
    if path is None or not hasattr(os, "getuid"):
        return False
    try:
        return path.lstat().st_uid != os.getuid()
    except OSError:
        return False


def forward(
    request: dict[str, Any], name: str | None = None, timeout_ms: int = 5000
) -> Reply | None:
    """Send `request` to the running app and return its reply; None when no app is running.

    Raises ForwardError when an app answers the connection but not the request in time.
    """
    name = name or instance_name()
    if _owned_by_someone_else(name):
        raise ForwardError(f"the socket {name} belongs to another user: nothing was sent")
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(CONNECT_MS):
        return None
    try:
        sock.write(json.dumps(request).encode() + b"\n")
        sock.waitForBytesWritten(timeout_ms)
        deadline = time.monotonic() + timeout_ms / 1000
        data = b""
        while b"\n" not in data:
            left = int((deadline - time.monotonic()) * 1000)
            if left <= 0 or not sock.waitForReadyRead(left):
                data += bytes(sock.readAll().data())
                break
            data += bytes(sock.readAll().data())
        if b"\n" not in data:
            raise ForwardError(
                f"the running Incident Recorder did not answer within {timeout_ms / 1000:g} s"
            )
        try:
            reply = json.loads(data.split(b"\n", 1)[0])
        except ValueError:
            raise ForwardError("the running Incident Recorder gave an unreadable answer") from None
        if not isinstance(reply, dict):
            raise ForwardError("the running Incident Recorder gave an unreadable answer")
        return reply
    finally:
        sock.disconnectFromServer()


class InstanceServer(QObject):
    """Answers forwarded requests in the UI thread with `handler` (set before the event loop)."""

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or instance_name()
        self.handler: Handler | None = None
        self.error: str | None = None
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening; False when another instance already answers on the name.

        A socket nobody answers on (left by a crash) is removed first. Any other failure is
        kept in `error` and the app runs without forwarding (True).
        """
        if self._server.listen(self.name):
            return True
        try:
            if forward({"cmd": "ping"}, self.name, timeout_ms=2000) is not None:
                return False
        except ForwardError as error:  # e.g. the name is held by another user's socket
            self.error = f"cannot listen on {self.name}: {error}"
            return True
        QLocalServer.removeServer(self.name)
        if not self._server.listen(self.name):
            self.error = f"cannot listen on {self.name}: {self._server.errorString()}"
        return True

    def is_listening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        self._server.close()  # removes the socket file

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))
            QTimer.singleShot(10_000, sock, sock.abort)  # a client that never sends a line

    def _drop(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()

    def _read(self, sock: QLocalSocket) -> None:
        if sock not in self._buffers:
            return
        data = self._buffers[sock] + bytes(sock.readAll().data())
        if b"\n" not in data:
            if len(data) > MAX_REQUEST:
                self._reply(sock, {"ok": False, "error": "request too long"})
            else:
                self._buffers[sock] = data
            return
        reply = self._answer(data.split(b"\n", 1)[0])
        if isinstance(reply, dict):
            self._reply(sock, reply)
        else:  # known later (a file checked on a worker first): the client waits for it
            self._buffers.pop(sock, None)
            reply.then(functools.partial(self._reply, sock))

    def _answer(self, line: bytes) -> Reply | Later:
        try:
            request = json.loads(line)
        except ValueError:
            return {"ok": False, "error": "not a JSON request line"}
        if not isinstance(request, dict):
            return {"ok": False, "error": "a request is a JSON object"}
        if request.get("cmd") == "ping":
            return {"ok": True, "message": "running"}
        if self.handler is None:
            return {"ok": False, "error": "Incident Recorder is still starting; try again"}
        try:
            return self.handler(request)
        except Exception as error:  # one bad request must not take the app down
            return {"ok": False, "error": f"unexpected {type(error).__name__}: {error}"}

    def _reply(self, sock: QLocalSocket, reply: Reply) -> None:
        self._buffers.pop(sock, None)
        sock.write(json.dumps(reply).encode() + b"\n")
        sock.flush()
        sock.disconnectFromServer()
