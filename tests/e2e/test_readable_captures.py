"""Issue 17's "Done means", end to end under Xvfb: a terminal showing an e-mail address and an
AWS-style key is captured with the global key of the real app; recognition (the app's child
process) makes `search` find a word of the screen, `review` names the capture and its findings,
accepting the proposed redactions and exporting the public report gives a PNG whose boxes are
solid and whose recognised text no longer holds the secret."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from test_real_keys import running_app, wait_for, xdotool  # noqa: F401 (a fixture)

from incident_recorder.recognition.engine import Recogniser
from incident_recorder.session.findings import finding_rules, incident_findings
from incident_recorder.storage import IncidentFile

pytestmark = pytest.mark.xvfb
KEY = "AKIAIOSFODNN7EXAMPLE"
SCREEN = (
    "14:02:07 WARN paged jane.doe@example.com about it\\n"
    f"14:02:09 INFO aws_access_key_id = {KEY}\\n"
    "14:02:11 ERROR connection pool exhausted on orders-db\\n"
)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_captured_terminal_is_searched_reviewed_redacted_and_published_safely(
    running_app,  # noqa: F811
    tmp_path: Path,
) -> None:
    if not shutil.which("xterm"):
        pytest.skip("xterm is not installed")
    proc, path, _window = running_app
    terminal = subprocess.Popen(
        [
            "xterm", "-geometry", "70x8+1000+600", "-fa", "DejaVu Sans Mono", "-fs", "13",
            "-bg", "black", "-fg", "white", "-title", "shell",
            "-e", "sh", "-c", f"printf '{SCREEN}'; sleep 600",
        ],
        env=dict(os.environ),
    )  # fmt: skip
    try:
        xdotool("search", "--sync", "--onlyvisible", "--name", "shell")
        time.sleep(1.0)  # the text drawn
        xdotool("key", "ctrl+alt+s")  # the global key: captures the screen with the terminal
        wait_for(lambda: cli("search", str(path), "exhausted").returncode == 0, timeout=90)
    finally:
        terminal.kill()
        terminal.wait(timeout=10)
    found = cli("search", str(path), "orders-db", "--json")
    assert found.returncode == 0 and '"where": "capture text"' in found.stdout

    review = cli("review", str(path))
    assert "capture: looks like an AWS access key — not redacted" in review.stdout
    assert "capture: looks like an e-mail address — not redacted" in review.stdout
    assert KEY not in review.stdout

    with IncidentFile.open(path) as handle:  # made public, as a recorder would
        entry = next(e for e in handle.entries() if e.capture is not None)
        handle.revise(entry.id, public=True)
    refused = cli(
        "export", str(path), "--format", "html", "--out", str(tmp_path / "no"), "--public"
    )
    assert refused.returncode == 1 and "AWS access key" in refused.stderr

    assert cli("findings", str(path), "--redact").returncode == 0
    with IncidentFile.open(path, readonly=True) as handle:
        boxes = [f.box for f in incident_findings(handle, finding_rules()) if f.box]
        assert {f.handled for f in incident_findings(handle, finding_rules())} == {"redacted"}
    out = tmp_path / "public"
    exported = cli("export", str(path), "--format", "html", "--out", str(out), "--public")
    assert exported.returncode == 0, exported.stderr
    (png,) = list((out / "images").glob("entry-*.png"))
    with Image.open(png) as image:
        for box in boxes:
            pixels = {
                image.getpixel((x, y))
                for x in range(box.left, box.right)
                for y in range(box.top, box.bottom)
            }
            assert len(pixels) == 1, box  # solid
    with Recogniser() as engine:
        words = " ".join(w.text for w in engine.recognise(png.read_bytes()).words)
    assert "exhausted" in words and "AKIA" not in words and "jane" not in words
    proc.terminate()
