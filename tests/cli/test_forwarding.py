"""Forwarding to the running app, with real processes and the real local socket.

Each test starts the GUI as a subprocess (offscreen, or on the X server for captures), then runs
`python -m incident_recorder --note/--capture/FILE` as a user or a desktop shortcut would, and
checks the incident file read-only. The server name comes from INCIDENT_RECORDER_INSTANCE, a
fresh one per test (tests/conftest.py), so no test reaches a developer's own instance.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile

NOT_RUNNING = "no Incident Recorder window is running"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        timeout=60,
    )


def texts(path: Path) -> list[str]:
    with IncidentFile.open(path, readonly=True) as handle:
        return [entry.text for entry in handle.entries()]


def wait_for(condition: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def answers(name: str) -> bool:
    """True when something accepts connections on the socket (a real AF_UNIX connect)."""
    with socket.socket(socket.AF_UNIX) as sock:
        try:
            sock.connect(name)
        except OSError:
            return False
        return True


class Gui:
    def __init__(self, tmp_path: Path, display: bool) -> None:
        self.tmp_path = tmp_path
        self.env = dict(os.environ)
        if not display:
            self.env["QT_QPA_PLATFORM"] = "offscreen"
        self.env["INCIDENT_RECORDER_NO_GLOBAL_KEYS"] = "1"
        self.name = self.env["INCIDENT_RECORDER_INSTANCE"]
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        with (self.tmp_path / f"gui{len(self.procs)}.log").open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "incident_recorder", *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        wait_for(lambda: answers(self.name) or proc.poll() is not None)
        assert proc.poll() is None, self.log(len(self.procs) - 1)
        return proc

    def log(self, index: int = 0) -> str:
        return (self.tmp_path / f"gui{index}.log").read_text(errors="replace")

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run(*args, env=self.env)


def make(tmp_path: Path, name: str, title: str) -> Path:
    path = tmp_path / name
    IncidentFile.create(path, title).close()
    return path


@pytest.fixture
def gui(tmp_path: Path) -> Iterator[Gui]:
    runner = Gui(tmp_path, display=False)
    try:
        yield runner
    finally:
        for proc in runner.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
        for index in range(len(runner.procs)):
            assert "Traceback" not in runner.log(index), runner.log(index)


def test_no_running_app_exits_1_with_one_line(gui: Gui) -> None:
    for args in (["--note", "x"], ["--note"], ["--capture"], ["--capture", "--all"]):
        result = gui.run(*args)
        assert result.returncode == 1, result
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and NOT_RUNNING in lines[0], result.stderr
        assert "incident-recorder note FILE TEXT" in lines[0]


def test_note_with_text_is_saved_by_the_running_app(gui: Gui, tmp_path: Path) -> None:
    path = make(tmp_path, "a.incident", "Checkout outage")
    gui.start(str(path))
    result = gui.run("--note", "payments 502 from the gateway")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Saved entry 1 (observation) at "), result.stdout
    assert texts(path) == ["payments 502 from the gateway"]  # durable before the reply


def test_note_without_text_brings_the_note_field_forward(gui: Gui, tmp_path: Path) -> None:
    path = make(tmp_path, "a.incident", "Checkout outage")
    gui.start(str(path))
    result = gui.run("--note")
    assert result.returncode == 0, result.stderr
    assert "note field" in result.stdout and "focused" in result.stdout
    assert texts(path) == []


def test_only_the_start_window_is_a_clear_error(gui: Gui) -> None:
    gui.start()
    for args in (["--note", "x"], ["--capture"]):
        result = gui.run(*args)
        assert result.returncode == 1
        assert "only its start window" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    shown = gui.run()  # a second bare launch raises the start window, no second app
    assert shown.returncode == 0 and "start window" in shown.stdout


def test_second_launch_forwards_and_opens_its_file_in_the_running_app(
    gui: Gui, tmp_path: Path
) -> None:
    first = make(tmp_path, "a.incident", "Checkout outage")
    second = make(tmp_path, "b.incident", "Search outage")
    proc = gui.start(str(first))
    launch = gui.run(str(second))  # returns: the running app opened it
    assert launch.returncode == 0, launch.stderr
    assert "opened" in launch.stdout and "b.incident" in launch.stdout
    assert proc.poll() is None
    # The new window is the most recent: a forwarded note lands in FILE2.
    assert gui.run("--note", "search index rebuilt").returncode == 0
    assert texts(second) == ["search index rebuilt"]
    assert texts(first) == []
    # Opening FILE (already open) again raises its window; notes go there again.
    assert gui.run(str(first)).returncode == 0
    assert gui.run("--note", "back to checkout").returncode == 0
    assert texts(first) == ["back to checkout"]


def test_a_stale_socket_left_by_a_crash_is_recovered(gui: Gui, tmp_path: Path) -> None:
    path = make(tmp_path, "a.incident", "Checkout outage")
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(gui.name)  # the file stays behind, nobody listens: like a killed app
    stale.close()
    assert Path(gui.name).exists() and not answers(gui.name)
    assert gui.run("--note", "x").returncode == 1  # no app: not a hang, not a crash
    first = gui.start(str(path))
    assert gui.run("--note", "after the crash").returncode == 0
    assert texts(path) == ["after the crash"]
    first.kill()  # a crash of our own leaves the socket again
    first.wait(timeout=10)
    gui.start(str(path))
    assert gui.run("--note", "after the second crash").returncode == 0
    assert texts(path) == ["after the crash", "after the second crash"]


def test_help_documents_the_forwarded_options() -> None:
    result = run("--help")
    assert result.returncode == 0
    for option in ("--capture", "--all", "--window", "--note [TEXT]"):
        assert option in result.stdout


@pytest.mark.parametrize(
    "args", [["--all"], ["--capture", "--all", "--window"], ["--capture", "--note", "x"]]
)
def test_bad_combinations_are_usage_errors(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr


@pytest.mark.xvfb
def test_capture_is_forwarded_to_the_running_app(tmp_path: Path) -> None:
    runner = Gui(tmp_path, display=True)
    path = make(tmp_path, "a.incident", "Checkout outage")
    try:
        runner.start(str(path))
        before = time.time()
        result = runner.run("--capture")
        assert result.returncode == 0, result.stderr
        assert "capturing the screen" in result.stdout

        def captured() -> list[object]:
            with IncidentFile.open(path, readonly=True) as handle:
                return [e for e in handle.entries() if e.capture is not None]

        wait_for(captured)
        entry = captured()[0]
        assert entry.capture.width > 0  # type: ignore[attr-defined]
        stamped = entry.occurred_at.timestamp()  # type: ignore[attr-defined]
        assert before - 1 <= stamped <= time.time()
        assert runner.run("--capture", "--all").returncode == 0
        wait_for(lambda: len(captured()) >= 2)
    finally:
        for proc in runner.procs:
            proc.terminate()
            proc.wait(timeout=10)
