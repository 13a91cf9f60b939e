"""Waiting for what the app does on a worker: a file opened beside a recording window."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def opened(application, path: Path, qtbot, timeout: int = 15_000) -> Any:
    """`application.open_path(path)` as a user waits for it: beside a recording window a file is
    checked on a worker first, and its window (or the reason it has none) follows."""
    window = application.open_path(path)
    if window is None and application.is_preparing(Path(path)):
        qtbot.waitUntil(lambda: not application.is_preparing(Path(path)), timeout=timeout)
        key = Path(path).resolve()
        window = next((w for w in application.windows if w.file.path.resolve() == key), None)
    return window


def settled(reply: Any, qtbot, timeout: int = 15_000) -> Any:
    """A forwarded request's reply, once known (an open beside a recording window is a
    Pending that resolves when the file has been checked)."""
    from incident_recorder.app_requests import Pending

    if not isinstance(reply, Pending):
        return reply
    answers: list[Any] = []
    reply.then(answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=timeout)
    return answers[0]
