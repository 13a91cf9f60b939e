"""The lines `incident-recorder export --progress` prints, for the GUI that runs it.

The GUI exports in a child process (ui/report/export_job.py) so that report work never holds the
GUI's interpreter lock. The child tells it how far it is on stdout, one flushed line each:

    progress DONE TOTAL     images written so far, of TOTAL (at most ~20 a second)
    written PATH            the report file, once it is in place (the last line)
    cancelled               SIGTERM or Ctrl+C stopped it before the report was written

Errors are the CLI's usual one line on stderr. `ProgressPrinter` writes the lines;
`parse_line` reads one back. `cancel_on_signals` turns SIGTERM and SIGINT into a flag the
writer's `cancelled()` hook reads, so the export stops at the next image, writes no report
file and leaves a report already in the folder as it was.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

__all__ = [
    "PROGRESS_INTERVAL_S",
    "ExportEvent",
    "ProgressPrinter",
    "cancel_on_signals",
    "parse_line",
]

PROGRESS_INTERVAL_S = 0.05
"""At most ~20 progress lines a second (the first and the last are always printed)."""


@dataclass(frozen=True)
class ExportEvent:
    """One line read back: kind is "progress" (done, total), "written" (path) or "cancelled"."""

    kind: str
    done: int = 0
    total: int = 0
    path: str = ""


def parse_line(line: str) -> ExportEvent | None:
    """The event a line stands for; None for anything else (never an exception)."""
    line = line.rstrip("\r\n")
    word, _, rest = line.partition(" ")
    if word == "progress":
        parts = rest.split()
        if len(parts) == 2 and all(part.isdigit() for part in parts):
            return ExportEvent("progress", int(parts[0]), int(parts[1]))
    elif word == "written" and rest:
        return ExportEvent("written", path=rest)
    elif word == "cancelled" and not rest:
        return ExportEvent("cancelled")
    return None


class ProgressPrinter:
    """Prints the protocol's lines to `stream` (default stdout), flushed, throttled."""

    def __init__(self, stream: TextIO | None = None, interval: float = PROGRESS_INTERVAL_S):
        self._stream = stream
        self._interval = interval
        self._last = float("-inf")

    def _print(self, line: str) -> None:
        stream = self._stream if self._stream is not None else sys.stdout
        stream.write(line + "\n")
        stream.flush()

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done in (0, total) or now - self._last >= self._interval:
            self._last = now
            self._print(f"progress {done} {total}")

    def written(self, path: Path) -> None:
        self._print(f"written {path}")

    def cancelled(self) -> None:
        self._print("cancelled")


@contextmanager
def cancel_on_signals() -> Iterator[Callable[[], bool]]:
    """Within: SIGTERM and SIGINT set a flag instead of ending the process; yields the check
    to pass as write_report's `cancelled`. The previous handlers come back afterwards."""
    stop = threading.Event()

    def handler(_number: int, _frame: Any) -> None:
        stop.set()

    numbers = [signal.SIGINT, signal.SIGTERM]
    previous = {number: signal.signal(number, handler) for number in numbers}
    try:
        yield stop.is_set
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
