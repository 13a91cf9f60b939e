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


def _commands_run_sh_passes_on() -> set[str]:
    """The names in run.sh's `case` line that go straight to the command line."""
    for line in (ROOT / "run.sh").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("new|") and stripped.endswith(")"):
            return set(stripped[:-1].split("|"))
    raise AssertionError("run.sh has no `new|…)` case line")


def test_run_sh_passes_every_command_to_the_command_line() -> None:
    """`./run.sh search FILE q` without a display started a virtual display and said "Incident
    Recorder runs on a virtual X display … until Ctrl+C": search, findings and recognise were
    missing from the list. Every command but `open` (the window) must be in it."""
    from incident_recorder.cli.common import COMMANDS

    missing = set(COMMANDS) - {"open"} - _commands_run_sh_passes_on()
    assert not missing, f"run.sh would start a virtual display for: {sorted(missing)}"


@pytest.mark.skipif(
    not (ROOT / ".venv" / "bin" / "incident-recorder").exists(),
    reason="needs the installed app (./install.sh)",
)
def test_run_sh_search_without_a_display_just_searches(tmp_path) -> None:
    path = tmp_path / "checkout.incident"
    with IncidentFile.create(path, "Checkout outage") as incident:
        incident.add_note("Connection pool saturated 500/500")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run(
        [str(ROOT / "run.sh"), "search", str(path), "pool"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Connection pool saturated" in result.stdout
    assert "virtual X display" not in result.stderr
