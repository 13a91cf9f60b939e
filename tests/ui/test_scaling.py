"""Crisp at 150 % and 200 %: what the timeline draws itself is drawn at the screen's pixel ratio.

Each scale runs in a fresh interpreter (QT_SCALE_FACTOR is read when Qt starts): the kind badges
and pills the delegate caches are pixmaps at the device pixel ratio, the app icon is an SVG
(rendered at any size), and a grab of the window has the scaled size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PROBE = """
import json, os, sys
from incident_recorder.app import make_qapp
from incident_recorder.domain import EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.recorder.recorder_window import RecorderWindow
qapp = make_qapp()
handle = IncidentFile.create(sys.argv[1], "Checkout outage")
handle.record_milestone(Milestone.IMPACT_STARTED, text="Errors climbing", kind=EntryKind.IMPACT)
handle.add_note("public update", EntryKind.COMMUNICATION)
from incident_recorder.domain.times import system_clock
window = RecorderWindow(handle, clock=system_clock)
window.resize(1000, 700)
window.show()
qapp.processEvents()
picture = window.grab()
delegate = window.view.itemDelegate()
window.view.viewport().grab()
drawn = [*delegate._badges.values(), *delegate._pills.values()]
ratios = sorted({round(p.devicePixelRatio(), 2) for p in drawn})
icon = qapp.windowIcon()
sizes = [s.width() for s in icon.availableSizes()]
print(json.dumps({"grab": [picture.width(), picture.height()], "ratios": ratios,
                  "dpr": picture.devicePixelRatio(), "icon_sizes": sizes,
                  "icon_px": icon.pixmap(64, 64).width()}), flush=True)
os._exit(0)
"""


@pytest.mark.parametrize("scale", ["1", "1.5", "2"])
def test_what_the_timeline_draws_follows_the_scale(tmp_path: Path, scale: str) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "QT_QPA_PLATFORM": "offscreen",
        "QT_SCALE_FACTOR": scale,
        "INCIDENT_RECORDER_CONFIG_DIR": str(tmp_path / "config"),
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "a.incident")],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    found = json.loads(out.splitlines()[-1])
    factor = float(scale)
    assert found["dpr"] == pytest.approx(factor)
    assert found["grab"] == [round(1000 * factor), round(700 * factor)]
    assert found["ratios"] == [pytest.approx(factor)]  # badges and pills drawn at the ratio
    assert found["icon_sizes"] == [], "the app icon is the SVG: no fixed-size bitmap"
    assert found["icon_px"] == round(64 * factor)  # rendered for the ratio, not scaled up
