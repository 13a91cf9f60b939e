"""The start-up measures have one off switch (ui/common/startup_measures.py): with it, the core is
not imported ahead of PySide6, the collector is never paused or frozen by the app. No measure
touches PySide6's own functions."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import gc, sys
from incident_recorder.ui.common import startup_measures
first = startup_measures.import_core_first()
core = all(name in sys.modules for name in startup_measures.CORE)
import PySide6.QtCore  # loads shibokensupport.feature, which hooks import
feature = sys.modules["shibokensupport.feature"]
untouched = feature._mod_uses_pyside.__module__ == "shibokensupport.feature"
print(startup_measures.enabled(), first and core, untouched)
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
    assert _run() == ["True", "True", "True", "True"]


def test_one_switch_turns_them_all_off() -> None:
    assert _run(INCIDENT_RECORDER_PLAIN_START="1") == ["False", "False", "True", "False"]


def test_the_core_comes_first_only_before_pyside() -> None:
    """Once PySide6 is loaded there is nothing to gain: the measure does nothing."""
    code = (
        "import PySide6.QtCore\n"
        "from incident_recorder.ui.common import startup_measures\n"
        "print(startup_measures.import_core_first())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False"]
