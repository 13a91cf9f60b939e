"""The start-up measures have one off switch (ui/common/startup_measures.py): with it, PySide6's
import
check is its own, the collector is never paused or frozen by the app."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import gc, sys
import PySide6.QtCore  # loads shibokensupport.feature
from incident_recorder.ui.common import import_check
from incident_recorder.ui.common import startup_measures
print(startup_measures.enabled(), import_check.speed_up_import_check())
startup_measures.freeze()
print(gc.get_freeze_count() > 0)
"""


def _run(**env: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
        check=True,
    )
    return done.stdout.split()


def test_the_measures_are_on_by_default() -> None:
    assert _run() == ["True", "True", "True"]


def test_one_switch_turns_them_all_off() -> None:
    assert _run(INCIDENT_RECORDER_PLAIN_START="1") == ["False", "False", "False"]
