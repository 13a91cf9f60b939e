"""The README's start command on a machine without a display: `./run.sh FILE` keeps the app
running on a virtual display of its own, and Ctrl+C (SIGINT to the terminal's process group)
closes the app cleanly and stops that display."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile

ROOT = Path(__file__).resolve().parents[1]


def _children(parent: int, name: str) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(parent), "-f", name], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"  # exited, not yet reaped


@pytest.mark.skipif(
    not (ROOT / ".venv" / "bin" / "incident-recorder").exists() or not shutil.which("Xvfb"),
    reason="needs the installed app (./install.sh --test) and Xvfb",
)
def test_run_sh_without_a_display_runs_the_app_and_ctrl_c_stops_it_cleanly(tmp_path) -> None:
    path = tmp_path / "checkout.incident"
    IncidentFile.create(path, "Checkout outage").close()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["INCIDENT_RECORDER_CONFIG_DIR"] = str(tmp_path / "config")
    env["INCIDENT_RECORDER_DATA_DIR"] = str(tmp_path / "data")
    env.pop("QT_QPA_PLATFORM", None)
    process = subprocess.Popen(
        [str(ROOT / "run.sh"), str(path)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )
    try:
        deadline = time.monotonic() + 30
        xvfb: list[int] = []
        app: list[int] = []
        while time.monotonic() < deadline and process.poll() is None and not (xvfb and app):
            xvfb = _children(process.pid, "Xvfb -displayfd")
            app = _children(process.pid, "incident-recorder")
            time.sleep(0.1)
        assert xvfb and app, "the app did not start on a virtual display"
        time.sleep(2)  # the window up and its file open
        assert process.poll() is None, "the app did not keep running"
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in the terminal
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0, output
    assert "virtual X display" in output and "./run.sh note FILE" in output
    assert "X11 connection broke" not in output, output
    deadline = time.monotonic() + 5
    while not _gone(xvfb[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(xvfb[0]), "the virtual display was left running"
