"""Bidirectional controls and zero-width characters from a file are shown, never obeyed: a title
ending U+202E 'fdp.exe' does not read 'exe.pdf' in the report or the status page, and a blame
word split by zero-width spaces is still found by `review`. What is stored stays as typed.

The report and status page cases run the real commands on a real incident file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from incident_recorder.domain.text import INVISIBLE, comparable, visible
from incident_recorder.storage import IncidentFile

RLO = "\u202e"
TITLE = f"Invoice {RLO}fdp.exe"
SHOWN_TITLE = "Invoice \u27e8U+202E\u27e9fdp.exe"
NOTE = f"pay\u200bment fai\u2066led {RLO}kcabllor"
SHOWN_NOTE = "pay\u27e8U+200B\u27e9ment fai\u27e8U+2066\u27e9led \u27e8U+202E\u27e9kcabllor"
EVERY = [0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D,
         0x202E, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF]  # fmt: skip


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    path = tmp_path / "a.incident"
    with IncidentFile.create(path, TITLE) as handle:
        handle.add_note(NOTE, public=True)
    return path


def test_visible_names_every_listed_character_and_nothing_else() -> None:
    for code in EVERY:
        assert visible(f"a{chr(code)}b") == f"a\u27e8U+{code:04X}\u27e9b"
    ordinary = "émoji 🔥 مرحبا, tabs\tand\nlines, ␀ and \u00a0"
    assert visible(ordinary) is ordinary
    assert {ord(c) for c in map(chr, range(0x10000)) if INVISIBLE.fullmatch(c)} == set(EVERY)


def test_comparable_removes_them_after_nfkc() -> None:
    assert comparable("bl\u200bam\u2060e") == "blame"
    assert comparable("\uff42\uff4c\uff41\uff4d\uff45") == "blame"  # full-width letters
    assert comparable(f"{RLO}careless\u202c") == "careless"


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_the_exported_report_shows_markers(incident: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    result = run("export", str(incident), "--format", fmt, "--out", str(out))
    assert result.returncode == 0, result.stderr
    name = "report.md" if fmt == "markdown" else "report.html"
    text = (out / name).read_text(encoding="utf-8")
    assert not INVISIBLE.search(text)
    assert SHOWN_TITLE in text
    if fmt == "html":
        assert f"<title>{SHOWN_TITLE}" in text
        assert "pay\u27e8U+200B\u27e9ment" in text
    else:
        assert SHOWN_NOTE in text


def test_the_json_export_and_the_file_keep_what_was_typed(incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("export", str(incident), "--format", "json", "--out", str(out)).returncode == 0
    document = json.loads((out / "incident.json").read_text(encoding="utf-8"))
    assert NOTE in [entry["text"] for entry in document["entries"]]
    with IncidentFile.open(incident, readonly=True) as handle:
        assert handle.record().title == TITLE
        assert [entry.text for entry in handle.entries()] == [NOTE]


def test_the_status_page_shows_markers(incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "page"
    result = run("status-page", str(incident), "--out", str(out))
    assert result.returncode == 0, result.stderr
    for name in ("index.html", "feed.xml"):
        text = (out / name).read_text(encoding="utf-8")
        assert not INVISIBLE.search(text), name
        assert SHOWN_TITLE in text, name
        assert "pay\u27e8U+200B\u27e9ment" in text, name


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("The reviewer was neg\u200bli\u200bgent", "negligent"),
        ("The change was care\u2060less", "careless"),
        ("Root cause: human\u200b error\ufeff during the push.", "human error"),
        ("The change was \uff43\uff41\uff52\uff45\uff4c\uff45\uff53\uff53", "careless"),
    ],
)
def test_review_finds_a_blame_word_hidden_with_zero_width_characters(
    tmp_path: Path, text: str, term: str
) -> None:
    path = tmp_path / "r.incident"
    with IncidentFile.create(path, "Checkout outage") as handle:
        handle.add_note(text)
    result = run("review", str(path))
    assert result.returncode == 0, result.stderr
    blame = [line for line in result.stdout.splitlines() if "blame-oriented" in line]
    assert len(blame) == 1, result.stdout
    assert f"“{term}”" in blame[0]
