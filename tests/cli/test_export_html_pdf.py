"""`export --format html|pdf` through the real command line: the scenario, hostile notes, public."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from incident_recorder.domain import EntryKind, NewCapture
from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile

START = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "[click](javascript:alert(1))",
    "![pixel](http://127.0.0.1:9/pixel.png)",
    "# not a heading | not | a table",
]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ if env is None else env),
        timeout=120,
    )


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    path = tmp_path / "checkout.incident"
    with IncidentFile.create(path, "Checkout outage") as handle:
        at = iter(START + timedelta(seconds=30 * n) for n in range(100))
        handle.record_milestone(Milestone.IMPACT_STARTED, next(at), text="Errors climb")
        handle.record_milestone(Milestone.DETECTED, next(at), text="Alert fired")
        handle.add_note(
            "Status page: investigating", EntryKind.COMMUNICATION, next(at), public=True
        )
        for text in HOSTILE:
            handle.add_note(text, EntryKind.OBSERVATION, next(at))
        decision = handle.add_note("Revert the config push", EntryKind.DECISION, next(at))
        handle.revise(decision.id, starred=True)
        handle.record_milestone(Milestone.MITIGATED, next(at), text="Errors back to normal")
        handle.record_milestone(Milestone.RESOLVED, next(at), text="Resolved", public=True)
    return path


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def test_html_export_is_self_contained_and_inert(incident: Path, tmp_path: Path) -> None:
    os.umask(0o022)
    out = tmp_path / "out"
    result = run("export", str(incident), "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote {out / 'report.html'}"
    report = out / "report.html"
    assert stat.S_IMODE(report.stat().st_mode) == 0o644
    assert (out / "images" / "timeline.png").exists() and (out / "images" / "timeline.svg").exists()
    page = report.read_text(encoding="utf-8")
    found = tags(page)
    names = [name for name, _ in found]
    assert "script" not in names and names.count("svg") == 1  # the timeline, inline
    assert not [attrs for _, attrs in found if any(key.startswith("on") for key in attrs)]
    assert not [a for n, a in found if n == "img" and not str(a.get("src")).startswith("data:")]
    assert any(n == "meta" and a.get("http-equiv") == "Content-Security-Policy" for n, a in found)
    assert "javascript:" not in "".join(str(a.get("href")) for n, a in found if n == "a")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page  # the note, as text
    assert "Revert the config push" in page and "milestone-mitigated" in page


def test_pdf_export_without_a_display(incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "QT_QPA_PLATFORM"}}
    env["DISPLAY"] = ":97"  # no X server there: the PDF never needs one
    result = run("export", str(incident), "--format", "pdf", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    data = (out / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Subtype\s*/Image", data)) == 1  # the timeline picture
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(out / "report.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        # Table cells wrap, and DejaVu's "fi" ligature comes out as U+FB01: NFKC undoes it.
        text = " ".join(unicodedata.normalize("NFKC", text).split())
        assert "Checkout outage" in text and "Revert the config push" in text
        assert "Page 1 of" in text and "<script>window.__pwned=1</script>" in text


def test_public_html_holds_only_public_entries(incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = run("export", str(incident), "--format", "html", "--public", "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = (out / "report-public.html").read_text(encoding="utf-8")
    assert "Status page: investigating" in page
    for internal in ("Revert the config push", "Alert fired", "__pwned"):
        assert internal not in page  # neither in the text nor in the picture's tooltips
    svg = (out / "images" / "timeline.svg").read_text(encoding="utf-8")
    assert svg.count('class="entry') == 2


def test_unknown_format_is_a_usage_error(incident: Path, tmp_path: Path) -> None:
    result = run("export", str(incident), "--format", "docx", "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "invalid choice: 'docx'" in result.stderr
    assert not (tmp_path / "x").exists()


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


LONG_ENTRY = (
    "Grafana shows p99 latency at 9.8 s on checkout-api while the connection pool sits at "
    "500 of 500 and the queue keeps growing until the very last word tailwordzulu"
)


def test_pdf_timeline_with_a_capture_keeps_its_columns_on_the_page(tmp_path: Path) -> None:
    """A full-HD capture in the timeline once squeezed the UTC, T+ and Kind columns to one
    letter and pushed the Entry column off the page; now each capture fits its cell."""
    path = tmp_path / "capture.incident"
    png = _png(1920, 1080)
    with IncidentFile.create(path, "Capture in the timeline") as handle:
        handle.record_milestone(Milestone.IMPACT_STARTED, START, text="Errors climb")
        handle.add_note(LONG_ENTRY, EntryKind.OBSERVATION, START + timedelta(seconds=127))
        capture = NewCapture(png, png, 1920, 1080, hashlib.sha256(png).hexdigest(), 1)
        handle.add_capture(capture, START + timedelta(seconds=200), text="Dashboard")
    out = tmp_path / "out"
    result = run("export", str(path), "--format", "pdf", "--out", str(out), "--tz", "UTC")
    assert result.returncode == 0, result.stderr
    # only what docs/export.md promises every format: the report, the captures, the timeline
    written = sorted(str(f.relative_to(out)) for f in out.rglob("*") if f.is_file())
    assert written[0] == "images/entry-0003-" + hashlib.sha256(png).hexdigest()[:12] + ".png"
    assert written[1:] == ["images/timeline.png", "images/timeline.svg", "report.pdf"]
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = str(out / "report.pdf")
    layout = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    # the time, T+ and kind each whole, on the row's first line
    assert re.search(r"14:02:07 UTC\s+T\+00:02:07\s+Observation\s+Grafana", layout), layout
    assert "tailwordzulu" in layout  # the long entry's last word is on the page
    boxes = subprocess.run(
        ["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes)[1])  # type: ignore[index]
    right_margin = 18 / 25.4 * 72  # pdf.MARGINS_MM: 18 mm
    rights = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert rights and max(rights) <= page_width - right_margin + 1, max(rights)
    if shutil.which("pdfimages"):
        listing = subprocess.run(
            ["pdfimages", "-list", pdf], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert len(listing) == 2  # the timeline picture and the capture
