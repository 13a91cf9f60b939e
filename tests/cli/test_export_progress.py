"""`incident-recorder export --progress` (the GUI's child process) and --tz; SIGTERM mid-export
stops at the next image and leaves no half-written report."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
from datetime import UTC, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image

from incident_recorder.domain import EntryKind, NewCapture
from incident_recorder.domain.zones import parse_zone, zone_argument
from incident_recorder.report.export_protocol import ExportEvent, ProgressPrinter, parse_line
from incident_recorder.storage import IncidentFile

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, env.get("PYTHONPATH", "")) if p)
    return env


def _capture(seed: int, size: tuple[int, int] = (320, 200)) -> NewCapture:
    image = Image.effect_noise(size, 40 + seed % 20).convert("RGB")  # incompressible: real work
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    png = buffer.getvalue()
    return NewCapture(png, png, size[0], size[1], hashlib.sha256(png).hexdigest(), 1)


def make_incident(path: Path, clock, captures: int) -> Path:
    """An incident with one note and `captures` capture entries."""
    with IncidentFile.create(path, "Checkout outage", clock=clock) as handle:
        handle.add_note("checkout-api 502s for 30% of requests", EntryKind.IMPACT)
        for number in range(captures):
            clock.advance(1)
            handle.add_capture(_capture(number), source="capture")
    return path


def export(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", "export", *args],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )


def test_progress_lines_then_the_written_path(tmp_path: Path, clock) -> None:
    path = make_incident(tmp_path / "a.incident", clock, captures=3)
    out = tmp_path / "out"
    result = export(str(path), "--out", str(out), "--progress", "--format", "html")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    events = [parse_line(line) for line in lines]
    assert all(event is not None for event in events), lines  # nothing but protocol lines
    assert events[0] == ExportEvent("progress", 0, 3)
    assert ExportEvent("progress", 3, 3) in events
    assert events[-1] == ExportEvent("written", path=str(out / "report.html"))
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert result.stderr == ""


def test_tz_sets_the_zone_of_local_times(tmp_path: Path, clock) -> None:
    path = make_incident(tmp_path / "a.incident", clock, captures=0)
    paris = export(str(path), "--out", str(tmp_path / "p"), "--tz", "Europe/Paris")
    assert paris.returncode == 0, paris.stderr
    assert "Europe/Paris" in (tmp_path / "p" / "report.md").read_text(encoding="utf-8")
    fixed = export(str(path), "--out", str(tmp_path / "f"), "--tz", "+05:30 IST")
    assert fixed.returncode == 0, fixed.stderr
    assert "IST, UTC+05:30" in (tmp_path / "f" / "report.md").read_text(encoding="utf-8")
    bad = export(str(path), "--out", str(tmp_path / "b"), "--tz", "Mars/Olympus")
    assert bad.returncode == 2 and "unknown time zone 'Mars/Olympus'" in bad.stderr


@pytest.mark.parametrize(
    "zone", [UTC, timezone(timedelta(hours=1), "CET"), timezone(timedelta(hours=-4, minutes=-30))]
)
def test_a_zone_survives_the_command_line(zone) -> None:
    back = parse_zone(zone_argument(zone))
    assert back.utcoffset(None) == zone.utcoffset(None)
    assert back.tzname(None) == zone.tzname(None)


def test_a_zone_key_is_passed_by_name() -> None:
    from zoneinfo import ZoneInfo

    assert zone_argument(ZoneInfo("America/New_York")) == "America/New_York"
    assert parse_zone("America/New_York") == ZoneInfo("America/New_York")


def test_parse_line_ignores_anything_else() -> None:
    assert parse_line("progress 2 10\n") == ExportEvent("progress", 2, 10)
    assert parse_line("written /tmp/a b/report.md") == ExportEvent(
        "written", path="/tmp/a b/report.md"
    )
    assert parse_line("cancelled") == ExportEvent("cancelled")
    for other in ("", "progress", "progress x 3", "progress 1 2 3", "written", "Wrote x"):
        assert parse_line(other) is None


def test_progress_is_throttled_but_first_and_last_always_print() -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(stream, interval=3600)
    for done in range(101):
        printer.progress(done, 100)
    assert stream.getvalue().splitlines() == ["progress 0 100", "progress 100 100"]


def test_sigterm_mid_export_leaves_no_report(tmp_path: Path, clock) -> None:
    path = make_incident(tmp_path / "a.incident", clock, captures=150)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").write_text("the previous report\n", encoding="utf-8")
    command = [sys.executable, "-m", "incident_recorder", "export", str(path), "--out", str(out)]
    command.append("--force")  # replacing the previous report, as asked
    with subprocess.Popen(
        [*command, "--progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        seen = []
        for line in child.stdout:  # wait until images are being written, then stop it
            seen.append(line.strip())
            event = parse_line(line)
            if event is not None and event.kind == "progress" and 0 < event.done < event.total:
                child.send_signal(signal.SIGTERM)
                break
        rest = child.stdout.read().splitlines()
        stderr = child.stderr.read()
        assert child.wait(timeout=60) == 1, (seen, rest, stderr)
    assert rest[-1] == "cancelled"
    assert not any(line.startswith("written") for line in rest)
    assert stderr.strip() == "incident-recorder: error: export cancelled: no report was written"
    assert (out / "report.md").read_text(encoding="utf-8") == "the previous report\n"
    assert not list(out.glob(".report.md.*.tmp"))
