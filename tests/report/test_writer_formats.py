"""write_report's hooks: more formats through renderers, the timeline picture, cancelling,
templates and public exports."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from report_helpers import Recorded

from incident_recorder.domain.record import IncidentRecord
from incident_recorder.report import (
    ExportCancelled,
    ReportError,
    load_template,
    write_report,
)
from incident_recorder.report.model import Document, to_markdown
from incident_recorder.report.writer import write_atomically


class FakeHtml:
    """A renderer as report/html_export.py gives one: it gets the document and the images
    (here kept as the document's Markdown, to look at)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Path], Path, str]] = []

    def __call__(
        self,
        document: Document,
        images: Mapping[str, Path],
        out_dir: Path,
        title: str,
        *,
        name: str | None = None,
    ) -> Path:
        self.calls.append((to_markdown(document), dict(images), out_dir, title))
        target = out_dir / (name or "report.html")
        write_atomically(target, f"<h1>{title}</h1>".encode())
        return target


def test_a_renderer_adds_a_format(recorded: Recorded, tmp_path: Path) -> None:
    html = FakeHtml()
    out = tmp_path / "out"
    path = write_report(out, "html", recorded.record, recorded.load_png, renderers={"html": html})
    assert path == out / "report.html" and path.read_text() == "<h1>Checkout outage</h1>"
    [(markdown, images, folder, title)] = html.calls
    assert markdown.startswith("# Checkout outage\n") and folder == out
    assert len(images) == 2
    for name, file in images.items():
        assert name.startswith("images/entry-") and f"]({name})" in markdown
        assert file == out / name and file.is_file()
    assert not (out / "report.md").exists()


def test_unknown_formats_name_the_registered_ones(recorded: Recorded, tmp_path: Path) -> None:
    with pytest.raises(
        ReportError, match=r"unknown report format 'pdf' \(one of: markdown, json, html\)"
    ):
        write_report(
            tmp_path / "o",
            "pdf",
            recorded.record,
            recorded.load_png,
            renderers={"html": FakeHtml()},
        )
    assert not (tmp_path / "o").exists()


def test_the_timeline_picture_is_written_and_embedded(recorded: Recorded, tmp_path: Path) -> None:
    seen: list[IncidentRecord] = []

    def picture(record: IncidentRecord, tz: object) -> dict[str, bytes]:
        seen.append(record)
        return {"timeline.svg": b"<svg/>", "timeline.png": b"png"}

    out = tmp_path / "out"
    text = write_report(
        out, "markdown", recorded.record, recorded.load_png, picture=picture
    ).read_text()
    assert "![Timeline of the incident](images/timeline.svg)" in text
    assert (out / "images" / "timeline.svg").read_bytes() == b"<svg/>"
    assert (out / "images" / "timeline.png").is_file()
    write_report(out, "markdown", recorded.record, recorded.load_png)  # none this time
    assert not (out / "images" / "timeline.svg").exists()  # an old picture never stays behind

    def broken(record: IncidentRecord, tz: object) -> dict[str, bytes]:
        raise RuntimeError("no fonts\nat all")

    with pytest.raises(ReportError, match="cannot draw the timeline picture: no fonts at all"):
        write_report(out, "markdown", recorded.record, recorded.load_png, picture=broken)


@pytest.mark.parametrize("after", [0, 1, 2])
def test_cancelling_leaves_no_report(recorded: Recorded, tmp_path: Path, after: int) -> None:
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > after

    out = tmp_path / "out"
    with pytest.raises(ExportCancelled, match="cancelled"):
        write_report(out, "markdown", recorded.record, recorded.load_png, cancelled=cancelled)
    assert not (out / "report.md").exists()
    assert len(list((out / "images").glob("*.png"))) == after
    assert isinstance(ExportCancelled("x"), ReportError)


def test_never_cancelled_writes_everything(recorded: Recorded, tmp_path: Path) -> None:
    path = write_report(
        tmp_path / "o", "json", recorded.record, recorded.load_png, cancelled=lambda: False
    )
    assert path.is_file()


def test_template_choice(recorded: Recorded, tmp_path: Path) -> None:
    short = load_template("short")
    text = write_report(
        tmp_path / "o", "markdown", recorded.record, recorded.load_png, template=short
    ).read_text()
    assert "## Cause and fix" in text and "## Detection" not in text


def test_public_uses_the_public_template_and_public_entries(
    recorded: Recorded, tmp_path: Path
) -> None:
    [status] = [e for e in recorded.entries if "We are investigating" in e.text]
    recorded.file.revise(status.id, public=True)
    out = tmp_path / "o"
    written = write_report(out, "markdown", recorded.record, recorded.load_png, public=True)
    assert written == out / "report-public.md"
    text = written.read_text()
    assert "## Updates" in text
    assert "## What we are doing about it" not in text  # empty: left out, no prompt
    assert "We are investigating" in text and "PagerDuty" not in text
    assert not (out / "images").exists() or not list((out / "images").iterdir())
    # A template marked public makes the export public even without public=True.
    text = write_report(
        out, "markdown", recorded.record, recorded.load_png, template=load_template("public")
    ).read_text()
    assert "PagerDuty" not in text
