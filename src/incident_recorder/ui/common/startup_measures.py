"""The start-up measures a benchmark justifies, listed in one place, with one off switch.

Each is measured by benchmarks/bench_startup.py or bench_gui.py; `INCIDENT_RECORDER_PLAIN_START=1`
turns them all off, to measure them again or to rule them out when something misbehaves. None
touches a private API.

- The Qt-free modules the recorder window needs (storage, session, settings, …) are imported
  before PySide6 (`import_core_first`): PySide6 hooks `import` and reads the source of every
  module imported after it (`inspect.getsource`, ~0.3 ms a module), so the core costs nothing
  extra when it comes first.
- The cyclic garbage collector is paused until the first window has painted, then what start-up
  built is frozen out of its way (gc_pause.py, app._collect_after_first_paint): about 80
  collections, ~30 ms before the first paint.
- A large incident's rows, once loaded, are frozen out of the collector (`freeze`,
  ui/recorder/loader.py). The rows are typed `Record` tuples, and CPython stops tracking only
  plain tuples: with 100,000 rows, 139,000 objects stay tracked and every full collection takes
  90–150 ms (0.3–1.5 ms frozen), a visible stall while scrolling or typing. A teammate's
  catch-up (ui/recorder/team_sync.py) pauses the collector while it is handed in and freezes
  what it brought after, for the same reason (17–51 ms collections during a 10,000-entry
  catch-up, bench_team.py --window-only).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys

SWITCH = "INCIDENT_RECORDER_PLAIN_START"


def enabled() -> bool:
    """Whether the measures are on (they are, unless SWITCH is "1")."""
    return os.environ.get(SWITCH) != "1"


CORE = (
    "incident_recorder.storage",
    "incident_recorder.session",
    "incident_recorder.settings",
    "incident_recorder.recent",
    "incident_recorder.drafts",
    "incident_recorder.domain.image_bytes",
    "incident_recorder.domain.links",
    "platformdirs",
    "html",
)


def import_core_first() -> bool:
    """Import the Qt-free modules the window needs before PySide6 is loaded, if enabled; True
    if they were imported now (nothing to gain once PySide6 is loaded)."""
    if not enabled() or "PySide6" in sys.modules:
        return False
    for name in CORE:
        importlib.import_module(name)
    return True


def freeze() -> None:
    """Move every object alive now out of the cyclic collector's way (gc.freeze), if enabled."""
    if enabled():
        gc.freeze()
