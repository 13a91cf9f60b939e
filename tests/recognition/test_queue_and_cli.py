"""The recognition queue and the `recognise` / `search` commands, run as a user runs them."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

from text_images import text_capture

from incident_recorder.recognition.engine import Recogniser
from incident_recorder.session.recognition import recognise_pending
from incident_recorder.storage import IncidentFile

SCREEN = ["14:02:07 ERROR pool exhausted on orders-db"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_the_queue_reads_each_pending_capture_once_and_skips_a_broken_one(
    incident_path: Path,
) -> None:
    with IncidentFile.create(incident_path, "queue") as handle:
        handle.add_capture(text_capture(SCREEN), text="terminal")
        broken = text_capture(["x"])
        broken = dataclasses.replace(broken, png=b"\x89PNG broken")
        handle.add_capture(broken)
        with Recogniser() as engine:
            first = recognise_pending(handle, engine)
            again = recognise_pending(handle, engine)
        assert (first.recognised, first.failed) == (1, 1)
        assert (again.recognised, again.failed) == (0, 0)
        texts = handle.capture_texts()
        assert texts[1].text == SCREEN[0] and texts[2].status == "failed"
        assert [hit.where for hit in handle.search("exhausted")] == ["capture text"]


def test_recognise_then_search_exits_like_grep(incident_path: Path) -> None:
    with IncidentFile.create(incident_path, "cli") as handle:
        handle.add_note("paged the database team")
        handle.add_capture(text_capture(SCREEN, dark=True), text="the terminal")
    before = run("search", str(incident_path), "exhausted")
    assert (before.returncode, before.stdout) == (1, "")  # not read yet: nothing found
    found_note = run("search", str(incident_path), "database", "team")
    assert found_note.returncode == 0 and "note: paged the database team" in found_note.stdout

    done = run("recognise", str(incident_path))
    assert done.returncode == 0, done.stderr
    assert "Recognised 1 capture(s)" in done.stdout

    found = run("search", str(incident_path), "pool exhausted", "--json")
    assert found.returncode == 0, found.stderr
    rows = json.loads(found.stdout)
    assert [(row["entry"], row["where"]) for row in rows] == [(2, "capture text")]
    assert "orders-db" in rows[0]["text"]
    assert run("search", str(incident_path), "nowhere").returncode == 1
    missing = run("search", str(incident_path.with_name("absent.incident")), "x")
    assert missing.returncode == 2 and "no such incident file" in missing.stderr


def test_without_tesseract_recognise_says_so_and_search_still_finds_notes(
    incident_path: Path, tmp_path: Path
) -> None:
    with IncidentFile.create(incident_path, "no ocr") as handle:
        handle.add_note("customer reports checkout errors")
        handle.add_capture(text_capture(SCREEN))
    env = {"TESSDATA_PREFIX": str(tmp_path)}
    result = run("recognise", str(incident_path), env=env)
    assert result.returncode == 1
    assert "text recognition is not available here" in result.stderr
    assert "tesseract-ocr-eng" in result.stderr
    assert run("search", str(incident_path), "checkout", env=env).returncode == 0
    with IncidentFile.open(incident_path, readonly=True) as handle:
        assert handle.pending_captures() == [1]  # still queued for when it is installed
