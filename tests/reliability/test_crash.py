"""Crash: the recorder is killed with SIGKILL at random moments while it records a burst.

Two recorders are killed for real: a driver process recording through the CLI's own `note` code
(cli.main in a loop, so the kill lands inside commits, not just in interpreter start-up) with a
capture of real PNG bytes every few notes through IncidentFile.add_capture, and the real app under
Xvfb typed into with xdotool (notes and Ctrl+Alt+S). After each kill: PRAGMA integrity_check is
ok and every entry that was reported saved is in the file, with the text it was reported with.

What this proves is crash consistency: a killed process's writes are already in the kernel's page
cache, which outlives it, so these tests pass with `synchronous = OFF` too. Surviving a power cut
also needs the fsync before each reply, which test_sync_before_reply.py checks.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from reliability_support import env, integrity, runs, wait_for

from incident_recorder.storage import IncidentFile

DRIVER = r"""
import hashlib, sys
sys.stdout.reconfigure(line_buffering=True)
from incident_recorder.cli import main
from incident_recorder.storage import IncidentFile
sys.path.insert(0, sys.argv[3])
from reliability_support import new_capture, noise_png
path, run = sys.argv[1], int(sys.argv[2])
png = noise_png(320, 200, run)
capture = new_capture(png, 320, 200)
print("ready")
number = 0
while True:
    number += 1
    text = f"run {run} note {number} " + "x" * (number * 37 % 700)
    print(f"TEXT {text}")
    if main(["note", path, text]) != 0:
        sys.exit(3)
    if number % 5 == 0:
        with IncidentFile.open(path) as handle:
            entry = handle.add_capture(capture, text=f"run {run} capture {number}", source="cli")
        print(f"CAPTURE {entry.id} {entry.capture.id} {capture.sha256}")
"""

SAVED = re.compile(r"^Saved entry (\d+) ")


def _kill_cli_driver(path: Path, run: int, rng: random.Random) -> tuple[dict[int, str], dict]:
    """One driver run killed at a random moment: {id: text} reported saved, captures reported."""
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(path), str(run), str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(rng.uniform(0.05, 0.6))
    proc.send_signal(signal.SIGKILL)
    with proc.stdout:
        out = proc.stdout.read()  # not communicate(timeout=): it skips what readline buffered
    assert proc.wait(timeout=30) == -signal.SIGKILL, out[-500:]
    notes: dict[int, str] = {}
    captures: dict[int, tuple[int, str]] = {}
    text = None
    for line in out.splitlines():
        if line.startswith("TEXT "):
            text = line[5:]
        elif match := SAVED.match(line):
            notes[int(match.group(1))] = text or ""
        elif line.startswith("CAPTURE "):
            entry_id, capture_id, digest = line.split()[1:]
            captures[int(entry_id)] = (int(capture_id), digest)
    return notes, captures


def _check_after_kill(path: Path, notes: dict[int, str], captures: dict) -> tuple[int, float]:
    """Entries reported saved but missing (or changed); and the seconds to recover."""
    started = time.perf_counter()
    result, _ = integrity(path)
    assert result == "ok", result
    with IncidentFile.open(path) as handle:  # read-write: recovery replays the WAL
        stored = {e.id: e for e in handle.entries()}
        lost = [i for i, text in notes.items() if i not in stored or stored[i].text != text]
        for entry_id, (capture_id, digest) in captures.items():
            entry = stored.get(entry_id)
            if (
                entry is None
                or entry.capture is None
                or entry.capture.sha256 != digest
                or handle.capture_png(capture_id)
                and entry.capture.id != capture_id
            ):
                lost.append(entry_id)
    return len(lost), time.perf_counter() - started


@pytest.mark.parametrize("kills", runs(10, full=100, quick=12))
def test_sigkill_of_the_cli_recorder_loses_nothing_reported(
    tmp_path: Path, kills: int, figures
) -> None:
    path = tmp_path / "crash.incident"
    IncidentFile.create(path, "Crash").close()
    rng = random.Random(7_000 + kills)
    lost = reported = 0
    worst = 0.0
    for run in range(kills):
        notes, captures = _kill_cli_driver(path, run, rng)
        reported += len(notes) + len(captures)
        missing, recover = _check_after_kill(path, notes, captures)
        lost += missing
        worst = max(worst, recover)
    assert reported >= kills, "the driver reported almost nothing before being killed"
    assert lost == 0
    figures.add(
        "faults",
        "SIGKILL of the CLI recorder (notes + captures)",
        runs=kills,
        entries=reported,
        lost=lost,
        recover_s=worst,
        note="integrity_check ok after every kill",
    )


# -- the real app under Xvfb --------------------------------------------------------------------


def _xdotool(*args: str) -> str:
    return subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=20, check=True
    ).stdout.strip()


def _texts(path: Path) -> list[str]:
    with IncidentFile.open(path, readonly=True) as handle:
        return [e.text for e in handle.entries() if e.capture is None]


def _captures(path: Path) -> int:
    with IncidentFile.open(path, readonly=True) as handle:
        return sum(1 for e in handle.entries() if e.capture is not None)


def _gui_run(path: Path, run: int, rng: random.Random, log: Path) -> tuple[list[str], int, int]:
    """Start the app, type notes and captures until a random kill; (seen, captures seen, typed)."""
    child = env()
    child.pop("QT_QPA_PLATFORM", None)
    child["INCIDENT_RECORDER_NO_GLOBAL_KEYS"] = "1"
    with log.open("ab") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "incident_recorder", str(path)],
            env=child,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    seen: list[str] = []
    captures_seen = 0
    typed = 0
    try:
        window = _xdotool("search", "--sync", "--onlyvisible", "--name", "GUI crash").splitlines()
        _xdotool("mousemove", "--window", window[0], "300", "300")
        subprocess.run(["xdotool", "windowactivate", "--sync", window[0]], capture_output=True)
        _xdotool("windowfocus", "--sync", window[0])
        stop = threading.Event()
        deadline = time.monotonic() + rng.uniform(1.0, 4.0)

        def killer() -> None:
            while time.monotonic() < deadline and not stop.is_set():
                time.sleep(0.01)
            os.kill(proc.pid, signal.SIGKILL)

        thread = threading.Thread(target=killer)
        thread.start()
        try:
            while proc.poll() is None:
                typed += 1
                text = f"gui {run} note {typed}"
                before = len(_texts(path))
                _xdotool("type", "--delay", "4", text)
                _xdotool("key", "Return")
                if typed % 3 == 0:
                    _xdotool("key", "ctrl+alt+s")
                # what the window has saved (it shows an entry only once it is on disk)
                try:
                    wait_for(lambda b=before: len(_texts(path)) > b or proc.poll() is not None, 5)
                except AssertionError:
                    break
                if proc.poll() is None:
                    seen = _texts(path)
                    captures_seen = _captures(path)
        except subprocess.CalledProcessError:
            pass  # the window went away under xdotool: the kill landed
        finally:
            stop.set()
            thread.join()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
    return seen, captures_seen, typed


@pytest.mark.xvfb
@pytest.mark.parametrize("kills", runs(2, full=100, quick=3))
def test_sigkill_of_the_real_app_loses_nothing_it_showed(
    tmp_path: Path, kills: int, figures
) -> None:
    if not shutil.which("xdotool"):
        pytest.skip("xdotool is not installed")
    path = tmp_path / "gui.incident"
    IncidentFile.create(path, "GUI crash").close()
    log = tmp_path / "app.log"
    rng = random.Random(77 + kills)
    lost = reported = 0
    worst = 0.0
    for run in range(kills):
        notes_before, captures_before = len(_texts(path)), _captures(path)
        seen, captures_seen, _typed = _gui_run(path, run, rng, log)
        started = time.perf_counter()
        result, _ = integrity(path)
        assert result == "ok", result
        after = _texts(path)
        worst = max(worst, time.perf_counter() - started)
        lost += sum(1 for text in seen if text not in after)
        lost += max(0, captures_seen - _captures(path))
        if seen:  # what this run's window had shown saved, notes and captures
            reported += len(seen) - notes_before + captures_seen - captures_before
        # every note in the file is whole, and typed ones appear in typing order
        this_run = [t for t in after if t.startswith(f"gui {run} ")]
        assert this_run == [f"gui {run} note {n}" for n in range(1, len(this_run) + 1)], this_run
    output = log.read_text(errors="replace")
    assert "Traceback" not in output, output[-3000:]
    assert reported >= kills, "the app showed almost nothing before being killed"
    assert lost == 0
    figures.add(
        "faults",
        "SIGKILL of the real app under Xvfb (xdotool notes + Ctrl+Alt+S)",
        runs=kills,
        entries=reported,
        lost=lost,
        recover_s=worst,
        note="integrity_check ok; notes whole and in typing order; no traceback in the app log",
    )
