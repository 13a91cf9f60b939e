"""`incident-recorder status-page` as a user runs it: once, and with --watch in a real process."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from incident_recorder.cli import main
from incident_recorder.domain import EntryKind
from incident_recorder.storage import IncidentFile

START = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    path = tmp_path / "checkout.incident"
    with IncidentFile.create(path, "Checkout outage") as handle:
        handle.add_note(
            "Investigating errors at checkout", EntryKind.COMMUNICATION, START, public=True
        )
        handle.add_note(
            "db pool exhausted (internal)", EntryKind.CAUSE, START + timedelta(minutes=1)
        )
    return path


def test_writes_the_page_once(
    incident: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    code = main(
        ["status-page", str(incident), "--out", str(out), "--base-url", "https://s.example"]
    )
    assert code == 0
    assert capsys.readouterr().out == f"Wrote {out / 'index.html'} and feed.xml (1 public update)\n"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Investigating errors at checkout" in page and "db pool" not in page
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert parsed.bozo == 0 and len(parsed.entries) == 1
    assert parsed.feed.links[0].href == "https://s.example/feed.xml"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "ftp://x"], "the base url must start with http:// or https://"),
        ([], "no such"),
    ],
)
def test_bad_input_is_one_line(
    incident: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    target = incident if args else tmp_path / "missing.incident"
    code = main(["status-page", str(target), "--out", str(tmp_path / "o"), *args])
    err = capsys.readouterr().err
    assert code == 1
    assert message in err.lower() and err.count("\n") == 1 and "Traceback" not in err


def _lines(process: subprocess.Popen[str]) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return lines


def test_watch_rewrites_when_a_public_update_is_added(incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "incident_recorder",
            "status-page",
            str(incident),
            "--out",
            str(out),
            "--watch",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = _lines(process)
        assert lines.get(timeout=30).endswith("(1 public update)")
        assert lines.get(timeout=30).startswith(f"Watching {incident}")
        with IncidentFile.open(incident) as handle:
            handle.add_note("internal only", EntryKind.ACTION, START + timedelta(minutes=2))
            handle.add_note(
                "A fix is in place; we are monitoring",
                EntryKind.COMMUNICATION,
                START + timedelta(minutes=3),
                public=True,
            )
        # the internal note alone changed nothing public: the next write is the public one
        assert lines.get(timeout=10).endswith("(2 public updates)")
        page = (out / "index.html").read_text(encoding="utf-8")
        assert page.index("A fix is in place") < page.index("Investigating errors")
        assert "internal only" not in page
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert lines.get(timeout=10) == "Stopped."
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)  # waits, and closes the pipes
