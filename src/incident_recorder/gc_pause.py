"""Pausing Python's cyclic garbage collector while a worker builds a large report or pulls a
teammate's catch-up.

A worker rendering a 10,000-entry report, or the team sync pulling 10,000 entries
(sync/replicator.py), creates hundreds of thousands of objects; each of the collections that
triggers holds the interpreter lock for 5–60 ms, and the UI thread waits that long for its next
event. `paused()` switches the collector off while at least one such job
runs (nested and concurrent uses are counted) and back on after the last one; reference
counting still frees almost everything meanwhile. The recorder window freezes the entries it
keeps for the same reason (gc.freeze after loading).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0
_was_enabled = True


@contextmanager
def paused() -> Iterator[None]:
    global _running, _was_enabled
    with _lock:
        if _running == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _was_enabled:
                gc.enable()
