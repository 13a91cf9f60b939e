"""The start-up measures a benchmark justifies, listed in one place, with one off switch.

Each is measured by benchmarks/bench_startup.py or bench_gui.py; `INCIDENT_RECORDER_PLAIN_START=1`
turns them all off, to measure them again or to rule them out when something misbehaves.

- PySide6 checks every module imported after it for the text "PySide6" with inspect.getsource;
  ui/common/import_check.py answers with a byte search instead: 30–50 ms of a cold start. It
  replaces a
  private function of PySide6 (`_mod_uses_pyside`), guarded: if PySide6 changes, it does nothing.
- The cyclic garbage collector is paused until the first window has painted, then what start-up
  built is frozen out of its way (ui/common/gc_pause.py, app._collect_after_first_paint): about 80
  collections, ~30 ms before the first paint.
- A large incident's rows, once loaded, are frozen out of the collector (`freeze`,
ui/recorder/loader.py):
  with 100,000 rows every full collection walked them, tens of milliseconds while scrolling.
"""

from __future__ import annotations

import gc
import os

SWITCH = "INCIDENT_RECORDER_PLAIN_START"


def enabled() -> bool:
    """Whether the measures are on (they are, unless SWITCH is "1")."""
    return os.environ.get(SWITCH) != "1"


def freeze() -> None:
    """Move every object alive now out of the cyclic collector's way (gc.freeze), if enabled."""
    if enabled():
        gc.freeze()
