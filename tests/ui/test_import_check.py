"""PySide6's per-import check gets the same answers from the byte search
(ui/common/import_check.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

PROBE = """
import json, sys, types
import PySide6.QtCore
feature = sys.modules["shibokensupport.feature"]
original = feature._mod_uses_pyside
from incident_recorder.ui.common.import_check import speed_up_import_check
first, again = speed_up_import_check(), speed_up_import_check()
import incident_recorder.ui.common.theme, incident_recorder.domain.times, json.decoder, math
names = [
    "incident_recorder.ui.common.theme",  # uses PySide6
    "incident_recorder.domain.times",  # does not
    "json.decoder",  # the standard library
    "math",  # built in: no source file
]
modules = [sys.modules[name] for name in names]
gone = types.ModuleType("gone")
gone.__file__ = "/nonexistent/gone.py"  # no such file: PySide6's own check answers
modules.append(gone)
print(json.dumps({
    "first": first,
    "again": again,
    "replaced": feature._mod_uses_pyside is not original,
    "fast": [feature._mod_uses_pyside(m) for m in modules],
    "original": [original(m) for m in modules],
}))
"""


def run_probe() -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=env
    ).stdout
    result: dict[str, object] = json.loads(out.splitlines()[-1])
    return result


def test_the_byte_search_answers_as_pyside_does() -> None:
    result = run_probe()
    assert result["first"] is True and result["again"] is False  # installed once
    assert result["replaced"] is True
    assert result["fast"] == result["original"] == [True, False, False, False, False]


def test_nothing_happens_before_pyside_is_loaded() -> None:
    from incident_recorder.ui.common import import_check

    saved = sys.modules.pop("shibokensupport.feature", None)
    try:
        assert import_check.speed_up_import_check() is False
    finally:
        if saved is not None:
            sys.modules["shibokensupport.feature"] = saved
