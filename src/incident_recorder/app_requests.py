"""The requests a later launch or a script forwards to the running app, and their answers.

Requests (one JSON object each, see ui/start/single_instance.py for the transport):

- ``{"cmd": "show"}`` — raise the most recently active recorder window, else the start window.
- ``{"cmd": "open", "path": P}`` — open (or raise) the recorder window of incident file P.
- ``{"cmd": "capture", "mode": "screen"|"all"|"window", "at": ISO}`` — capture now in the most
  recently active recorder window, each entry stamped ``at`` (when the command ran).
- ``{"cmd": "note", "text": T, "at": ISO}`` — add note T (durable before the answer).
- ``{"cmd": "focus_note", "at": ISO}`` — bring the recorder forward, note field focused and an
  empty note stamped ``at`` (like Ctrl+Alt+N).

Qt is imported only inside `answer`, so the command line can build requests without it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

NO_RECORDER = (
    "no incident is open in the running Incident Recorder (only its start window): open one "
    "first, e.g. `incident-recorder FILE`"
)
MODES = ("screen", "all", "window")


def open_request(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {"cmd": "show"}
    return {"cmd": "open", "path": str(Path(path).resolve())}


def _error(message: str) -> dict[str, Any]:
    return {"ok": False, "error": message}


def _ok(message: str) -> dict[str, Any]:
    return {"ok": True, "message": message}


def _moment(request: dict[str, Any], app: Any) -> datetime:
    from incident_recorder.domain.times import from_iso

    at = request.get("at")
    return from_iso(at) if isinstance(at, str) and at else app.clock()


class Pending:
    """A reply that is not known yet (a file being checked on a worker): the server sends it
    when `resolve` is called."""

    def __init__(self) -> None:
        self._reply: dict[str, Any] | None = None
        self._listeners: list[Callable[[dict[str, Any]], None]] = []

    def then(self, listener: Callable[[dict[str, Any]], None]) -> None:
        if self._reply is not None:
            listener(self._reply)
        else:
            self._listeners.append(listener)

    def resolve(self, reply: dict[str, Any]) -> None:
        self._reply = reply
        for listener in self._listeners:
            listener(reply)
        self._listeners.clear()


def answer(app: Any, request: dict[str, Any]) -> dict[str, Any] | Pending:
    """Carry out `request` in `app` (an app.Application) and say what was done."""
    cmd = request.get("cmd")
    if cmd == "show":
        window = app.windows[-1] if app.windows else None
        if window is None:
            app.show_start()
            return _ok("raised the Incident Recorder start window")
        _raise(window)
        return _ok(f"raised the recorder window of {window.file.path}")
    if cmd == "open":
        path = request.get("path")
        if not isinstance(path, str) or not path:
            return _error("open: no file given")
        window = app.open_path(Path(path))
        if window is None and app.is_preparing(Path(path)):  # checked on a worker first
            pending = Pending()

            def opened(window: Any, error: str | None) -> None:
                if window is None:
                    pending.resolve(_error(f"could not open {path}: {error}"))
                else:
                    pending.resolve(_ok(f"opened {window.file.path} in the running app"))

            app.when_opened(Path(path), opened)
            return pending
        if window is None:
            return _error(f"could not open {path} (the app's window says why)")
        return _ok(f"opened {window.file.path} in the running Incident Recorder")
    if cmd not in ("capture", "note", "focus_note"):
        return _error(f"unknown request {cmd!r}")
    if not app.windows:
        return _error(NO_RECORDER)
    window = app.windows[-1]
    if window.read_only is not None:
        return _error(f"{window.file.path} is open read-only: nothing can be recorded into it")
    try:
        at = _moment(request, app)
    except ValueError as error:
        return _error(f"bad time: {error}")
    if cmd == "capture":
        return _capture(window, request.get("mode", "screen"), at)
    if cmd == "note":
        return _note(window, request.get("text"), at)
    window.focus_note()
    window.note_bar.stamp_if_empty(at)  # after focus_note, which stamps with its own clock
    return _ok(f"the note field of {window.file.path} is focused, stamped {_local(at)}")


def _local(moment: datetime) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M:%S %Z}"


def _raise(window: Any) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def _capture(window: Any, mode: object, at: datetime) -> dict[str, Any]:
    from time import perf_counter

    from incident_recorder.ui.capture.capture_service import ALL, POINTER, WINDOW

    modes = {"screen": POINTER, "all": ALL, "window": WINDOW}
    if mode not in modes:
        return _error(f"capture: unknown mode {mode!r} (screen, all or window)")
    window.captures.request(at, perf_counter(), modes[str(mode)])
    what = {"screen": "the screen", "all": "all monitors", "window": "the active window"}
    window.statusBar().showMessage(f"Capturing {what[str(mode)]} (forwarded command)…")
    return _ok(f"capturing {what[str(mode)]} into {window.file.path}, stamped {_local(at)}")


def _note(window: Any, text: object, at: datetime) -> dict[str, Any]:
    from incident_recorder.domain import EntryKind
    from incident_recorder.storage import IncidentFileError

    if not isinstance(text, str):
        return _error("note: no text given")
    try:
        entry = window.session.add_note(text, EntryKind.OBSERVATION, at, source="cli")
    except (ValueError, IncidentFileError) as error:
        return _error(f"{error}: nothing was saved")
    window.statusBar().showMessage(
        f"Saved {entry.kind.value} at {window.model.format_time(entry.occurred_at)} "
        "(forwarded command)",
        4000,
    )
    return _ok(
        f"Saved entry {entry.id} ({entry.kind.value}) at {_local(entry.occurred_at)} "
        f"in {window.file.path}"
    )
