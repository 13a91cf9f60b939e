"""The recognition queue: every capture of an incident file not yet recognised, read in turn.

The queue is the file (storage/recognised.py: a capture without a recognition row is pending),
so whoever runs `recognise_pending` — the `recognise` command, which the window starts as a
low-priority child process after each durable capture — picks up where a crash or a restart left
it. A capture the engine cannot read is recorded as failed and never retried in a loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from incident_recorder.recognition.engine import Recognised
from incident_recorder.storage import IncidentFile


class Engine(Protocol):
    engine: str

    def recognise(self, image_bytes: bytes) -> Recognised: ...


@dataclass(frozen=True, slots=True)
class QueueRun:
    """What one run of the queue did."""

    recognised: int
    failed: int
    words: int
    seconds: float


def recognise_pending(
    file: IncidentFile,
    engine: Engine,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Callable[[int, int], None] | None = None,
) -> QueueRun:
    """Recognise every pending capture of `file` (oldest first), each saved when read."""
    recognised = failed = words = 0
    seconds = 0.0
    skipped: set[int] = set()
    while not should_stop():
        pending = [cid for cid in file.pending_captures(limit=20) if cid not in skipped]
        if not pending:
            break
        for capture_id in pending:
            if should_stop():
                break
            png = file.capture_png(capture_id)
            try:
                result = engine.recognise(png)
            except ValueError:
                file.save_recognition(capture_id, [], engine=engine.engine, seconds=0, failed=True)
                failed += 1
                skipped.add(capture_id)
                continue
            file.save_recognition(
                capture_id, result.words, engine=result.engine, seconds=result.seconds
            )
            recognised += 1
            words += len(result.words)
            seconds += result.seconds
            skipped.add(capture_id)
            if progress is not None:
                progress(recognised + failed, recognised + failed + len(file.pending_captures()))
    return QueueRun(recognised, failed, words, seconds)
