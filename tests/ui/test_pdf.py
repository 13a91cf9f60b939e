"""The PDF report through Qt's own writer: A4 pages, the title, images embedded, nothing else."""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import stat
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from incident_recorder.domain import Entry, EntryKind, Incident
from incident_recorder.domain.details import IncidentDetails
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.render.pdf import write_pdf, write_pdf_html, write_pdf_report
from incident_recorder.report.html_export import timeline_pictures
from incident_recorder.report.model import Document, Paragraph, Written, line
from incident_recorder.report.model import Image as Picture
from incident_recorder.report.writer import ReportError

TITLE = "Checkout outage — payment errors"


@pytest.fixture(autouse=True)
def _gui(qapp: object) -> None:
    """QTextDocument needs fonts, which need a QGuiApplication (offscreen here)."""


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def noisy_png(width: int, height: int) -> bytes:
    rng = random.Random(7)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def report(rows: int, picture: bool = False) -> str:
    lines = [f"# {TITLE}", "", "## Timeline", ""]
    if picture:
        lines += ["![Grafana: p99 latency](images/entry-0004-capture1.png)", ""]
    lines += ["| Local time | Kind | Entry |", "|---|---|---|"]
    lines += [
        f"| 15:{n // 60:02d}:{n % 60:02d} | Action | step number {n} done |" for n in range(rows)
    ]
    return "\n".join([*lines, "", "## Prevention", "", "Last line of the report."])


def one_image(caption: str) -> Document:
    return Document("T", (Paragraph(line("x")), Paragraph(line(Picture("images/a.png", caption)))))


def test_a_short_report_is_one_a4_page_with_its_title(tmp_path: Path) -> None:
    os.umask(0o022)
    path = tmp_path / "report.pdf"
    write_pdf(report(5), {}, path, title=TITLE)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pages(data) == 1
    assert re.search(rb"/MediaBox \[0 0 595\.\d* 842\.\d*\]", data)  # A4 in points
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # no temporary file left
    content = text(path)
    assert TITLE in content and "step number 4 done" in content and "Page 1 of 1" in content


def test_a_long_report_breaks_into_pages_and_loses_no_row(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    write_pdf(report(600), {}, path, title=TITLE)
    count = pages(path.read_bytes())
    # About 45 single-line rows fit on an A4 page at 9 pt: 600 rows take 12 to 20 pages.
    assert 10 <= count <= 20, count
    content = text(path)
    assert f"Page {count} of {count}" in content
    found = {int(n) for n in re.findall(r"step number (\d+) done", content)}
    assert found == set(range(600))
    assert "Last line of the report." in content


def test_explicit_page_breaks_give_exactly_that_many_pages(tmp_path: Path) -> None:
    html = "<h1>T</h1>" + "".join(
        f'<p style="page-break-before: always">Part {n}</p>' for n in range(1, 5)
    )
    path = tmp_path / "report.pdf"
    write_pdf_html(html, path, title="T")
    assert pages(path.read_bytes()) == 5
    assert "Page 5 of 5" in text(path)


def test_an_image_is_embedded_and_scaled_to_the_page(tmp_path: Path) -> None:
    capture = noisy_png(1600, 900)
    plain, with_image = tmp_path / "plain.pdf", tmp_path / "image.pdf"
    images = {"images/entry-0004-capture1.png": capture}
    write_pdf(report(5), {}, plain, title=TITLE)
    write_pdf(report(5, picture=True), images, with_image, title=TITLE)
    grown = with_image.stat().st_size - plain.stat().st_size
    assert grown > len(capture) // 2, grown  # noise barely compresses: the pixels are in there
    if shutil.which("pdfimages"):
        listing = subprocess.run(
            ["pdfimages", "-list", str(with_image)], check=True, capture_output=True, text=True
        ).stdout.splitlines()[2:]
        assert len(listing) == 1
        width, height = (int(n) for n in listing[0].split()[3:5])
        # scaled to the page: about 2 pixels per logical pixel of the ~17 cm text width
        assert 1200 <= width < 1600 and abs(width / height - 1600 / 900) < 0.01
        x_ppi = float(listing[0].split()[12])
        assert x_ppi > 180


def test_nothing_outside_the_given_images_is_loaded(tmp_path: Path) -> None:
    on_disk = tmp_path / "secret.png"
    on_disk.write_bytes(noisy_png(50, 50))
    html = f'<h1>T</h1><p><img src="{on_disk}"><img src="{on_disk.as_uri()}"></p>'
    path = tmp_path / "report.pdf"
    write_pdf_html(html, path, title="T")  # HTML made elsewhere: none of its images is loaded
    assert b"/Subtype /Image" not in path.read_bytes()
    named = Document("T", (Paragraph(line(Picture(str(on_disk), "a"))),
                           Written(f"![b]({on_disk.as_uri()}) ![c]({on_disk})")))  # fmt: skip
    write_pdf(named, {}, path, title="T")  # a document: only the images it was given
    assert b"/Subtype /Image" not in path.read_bytes()


def test_failures_are_one_line_report_errors(tmp_path: Path) -> None:
    # An image that cannot be shown is named in its place (tests/ui/test_pdf_bad_captures.py),
    # not a failure of the whole PDF.
    html = one_image("Capture at 14:00:00 UTC")
    write_pdf(html, {"images/a.png": b"not a png"}, tmp_path / "a.pdf", title="T")
    assert "Capture at 14:00:00 UTC: not shown in this PDF: not a readable image" in " ".join(
        text(tmp_path / "a.pdf").split()
    )
    with pytest.raises(ReportError, match="cannot write") as caught:
        write_pdf("<p>x</p>", {}, tmp_path / "missing" / "a.pdf", title="T")
    assert "\n" not in str(caught.value)


def test_written_from_a_worker_thread(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    failures: list[BaseException] = []

    def work() -> None:
        try:
            write_pdf(report(50), {}, path, title=TITLE)
        except BaseException as error:  # reported to the test below
            failures.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive() and failures == []
    assert pages(path.read_bytes()) >= 1 and TITLE in text(path)


def test_the_pdf_renderer_uses_the_png_timeline(tmp_path: Path) -> None:
    start = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    entries = tuple(
        Entry(n, kind, f"note {n}", start + timedelta(minutes=n), start + timedelta(minutes=n))
        for n, kind in enumerate(EntryKind, start=1)
    )
    record = IncidentRecord(
        Incident("u", TITLE, start, "0"),
        IncidentDetails(TITLE),
        Milestones({Milestone.IMPACT_STARTED: start, Milestone.RESOLVED: entries[-1].occurred_at}),
        entries,
    )
    folder = tmp_path / "images"
    folder.mkdir()
    images = {}
    for name, data in timeline_pictures(record, UTC).items():
        (folder / name).write_bytes(data)
        images[f"images/{name}"] = folder / name
    markdown = f"# {TITLE}\n\n## Timeline\n\n![Timeline](images/timeline.png)\n\nEnd.\n"
    target = write_pdf_report(Document(TITLE, (Written(markdown),)), images, tmp_path, TITLE)
    assert target == tmp_path / "report.pdf"
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and pages(data) == 1
    assert len(re.findall(rb"/Subtype\s*/Image", data)) == 1  # the PNG; the SVG is not used
    assert TITLE in text(target) and "End." in text(target)


def test_no_heading_is_left_alone_at_the_bottom_of_a_page(tmp_path: Path) -> None:
    # Sections of 1 to 7 lines: over several pages their headings land at every height.
    sections = 140
    lines = [f"# {TITLE}", ""]
    for n in range(sections):
        lines += [f"## Section heading {n}", ""]
        lines += [f"Line {k} of section {n}.  " for k in range(1 + n % 7)] + [""]
    path = tmp_path / "report.pdf"
    write_pdf("\n".join(lines), {}, path, title=TITLE)
    content = text(path)
    pages_text = [page for page in content.split("\f") if page.strip()]
    assert len(pages_text) >= 6
    for page in pages_text:
        body = [line.strip() for line in page.splitlines() if line.strip()]
        assert "Page" in body[-1]  # the footer
        assert not body[-2].startswith("Section heading"), page
    found = {int(n) for n in re.findall(r"Section heading (\d+)\n", content)}
    assert found == set(range(sections))  # nothing lost
    written = set(re.findall(r"Line \d+ of section \d+\.", content))
    assert written == {
        f"Line {k} of section {n}." for n in range(sections) for k in range(1 + n % 7)
    }


def test_an_image_declaring_too_many_pixels_is_named_not_decoded(tmp_path: Path, caplog) -> None:
    """A few KB declaring 30000×30000: never decoded (that is 3.6 GB); the PDF says which image
    it left out, and the rest of the report is written (issue 13: one capture never fails the
    whole PDF)."""
    import resource

    from tests.crafted import bomb_png

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    html = one_image("Capture at 14:03:00 UTC")
    write_pdf(html, {"images/a.png": bomb_png(30000, 30000)}, tmp_path / "a.pdf", title="T")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert (tmp_path / "a.pdf").exists()
    assert "too large" in caplog.text and "30000×30000" in caplog.text
    assert grown_mb < 200
