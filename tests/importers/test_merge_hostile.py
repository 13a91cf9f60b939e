"""Merging a received file: no stored SHA-256 is trusted, and one bad capture stops nothing.

The hostile inputs are crafted by the test (tests/crafted.py): real incident files with capture
rows inserted by plain sqlite3 — a SHA-256 that belongs to another image, garbage bytes, a PNG
declaring 30000×30000 pixels.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.domain.kinds import EntryKind
from incident_recorder.importers.images import capture_from_bytes
from incident_recorder.importers.merge import merge_files
from incident_recorder.storage import IncidentFile
from tests.crafted import add_capture_entry, bomb_png, new_file, solid_png

REAL = solid_png(64, 48, grey=200)
FAKE = solid_png(64, 48, grey=10)
REAL_SHA = hashlib.sha256(REAL).hexdigest()


def alice(folder: Path) -> Path:
    path = new_file(folder / "alice.incident", "Checkout outage")
    add_capture_entry(
        path,
        REAL,
        size=(64, 48),
        text="Grafana: 5xx at 40%",
        occurred_at="2026-11-27T14:05:00.000Z",
    )
    return path


def export(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`incident-recorder export PATH ARGS…` in its own process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", "export", str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def captures_by_text(path: Path) -> dict[str, bytes | None]:
    with IncidentFile.open(path, readonly=True) as handle:
        return {
            entry.text: None if entry.capture is None else handle.capture_png(entry.capture.id)
            for entry in handle.record().entries
        }


@pytest.mark.parametrize("same_entry", [False, True])
def test_a_capture_claiming_another_images_sha256_is_quarantined(
    tmp_path: Path, same_entry: bool
) -> None:
    a = alice(tmp_path)
    b = new_file(tmp_path / "bob.incident", "Checkout outage")
    # Bob's row claims Alice's SHA-256 for other pixels. Earlier than hers, it would be stored
    # first and every capture with that SHA-256 — hers — would point at his pixels.
    text, when = (
        ("Grafana: 5xx at 40%", "2026-11-27T14:05:00.300Z")
        if same_entry
        else ("Dashboard", "2026-11-27T14:01:00.000Z")
    )
    bad = add_capture_entry(b, FAKE, size=(64, 48), sha256=REAL_SHA, text=text, occurred_at=when)
    out = tmp_path / "merged.incident"

    summary = merge_files(a, b, out)

    merged = captures_by_text(out)
    assert merged["Grafana: 5xx at 40%"] == REAL
    assert FAKE not in merged.values()
    quarantine = [line for line in summary.notes if line.startswith("capture not merged")]
    assert quarantine == [
        f"capture not merged: bob.incident, entry {bad} (capture 1): its image does not match "
        "the SHA-256 recorded with it"
    ]
    if not same_entry:
        assert merged["Dashboard\n[Capture not merged: " + quarantine[0][20:] + "]"] is None
    assert summary.captures == 1


def test_a_garbage_or_bomb_capture_is_quarantined_and_the_merge_exports(tmp_path: Path) -> None:
    a = alice(tmp_path)
    b = new_file(tmp_path / "bob.incident", "Checkout outage")
    garbage = b"\x89PNG\r\n\x1a\n" + b"not really an image" * 10
    add_capture_entry(b, garbage, size=(64, 48), text="Broken", occurred_at="2026-11-27T14:02:00Z")
    bomb = bomb_png(30000, 30000)
    add_capture_entry(b, bomb, size=(30000, 30000), text="Bomb", occurred_at="2026-11-27T14:03:00Z")
    not_png = b"GIF89a" + bytes(100)
    add_capture_entry(b, not_png, size=(1, 1), text="Gif", occurred_at="2026-11-27T14:04:00Z")
    out = tmp_path / "merged.incident"

    summary = merge_files(a, b, out)

    assert summary.entries == 4 and summary.captures == 1
    notes = "\n".join(summary.notes)
    assert "its image is a damaged PNG image" in notes or "cannot be decoded" in notes
    assert "30000×30000" in notes and "not a PNG or JPEG" in notes
    merged = captures_by_text(out)
    assert merged["Grafana: 5xx at 40%"] == REAL
    assert sorted(text.split("\n")[0] for text, png in merged.items() if png is None) == [
        "Bomb",
        "Broken",
        "Gif",
    ]
    for fmt, name in (("markdown", "report.md"), ("html", "report.html")):
        done = export(out, "--format", fmt, "--out", str(tmp_path / fmt))
        assert done.returncode == 0, done.stderr
        report = (tmp_path / fmt / name).read_text(encoding="utf-8")
        assert "Capture not merged" in report
    public = export(out, "--format", "html", "--public", "--out", str(tmp_path / "public"))
    assert public.returncode == 0, public.stderr  # every capture re-rendered: all decode


def test_an_oversized_thumbnail_is_made_again_from_the_checked_image(tmp_path: Path) -> None:
    a = new_file(tmp_path / "alice.incident")
    add_capture_entry(a, REAL, thumbnail=bomb_png(30000, 30000), size=(64, 48), text="Grafana")
    b = new_file(tmp_path / "bob.incident")
    out = tmp_path / "merged.incident"
    merge_files(a, b, out)
    with IncidentFile.open(out, readonly=True) as handle:
        [entry] = handle.record().entries
        assert entry.capture is not None
        thumbnail = handle.capture_thumbnail(entry.capture.id)
    assert len(thumbnail) < 10_000 and thumbnail.startswith(b"\x89PNG")


def test_an_import_never_reuses_a_stored_capture_that_lies_about_its_sha256(
    tmp_path: Path,
) -> None:
    path = new_file(tmp_path / "received.incident")
    add_capture_entry(path, FAKE, size=(64, 48), sha256=REAL_SHA, text="planted")
    real = capture_from_bytes(REAL, "real.png")
    real = type(real)(
        png=REAL, thumbnail_png=real.thumbnail_png, width=64, height=48, sha256=REAL_SHA
    )
    item = ImportedEntry(
        kind=EntryKind.OBSERVATION,
        text="imported",
        occurred_at=datetime(2026, 11, 27, 14, 9, tzinfo=UTC),
        source="import:json",
        capture=real,
    )
    with IncidentFile.open(path) as handle:
        handle.import_entries([item])
    assert captures_by_text(path)["imported"] == REAL
