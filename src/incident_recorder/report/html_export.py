"""Plugging the HTML report and the timeline picture into a report export.

`timeline_pictures` is the export's picture maker: the PNG first (the Markdown report embeds
the first picture, and every Markdown viewer shows PNG), then the SVG. `write_html` is the
"html" format's renderer: it takes the finished report (its document) and the files written
under images/, and writes out_dir/report.html with the captures embedded as data: URIs and the
timeline picture inline as SVG. Images are read from disk one at a time, as they are embedded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import tzinfo
from pathlib import Path

from incident_recorder.domain.record import IncidentRecord
from incident_recorder.report.facts import IMAGES_DIR
from incident_recorder.report.html import render_html
from incident_recorder.report.model import Document
from incident_recorder.report.timeline_picture import timeline_png, timeline_svg
from incident_recorder.report.writer import ReportError, write_atomically

HTML_NAME = "report.html"
PICTURE_PNG = "timeline.png"
PICTURE_SVG = "timeline.svg"
PICTURE_WIDTH = 900
"""About the HTML report's text column (so the SVG's text reads at 1:1 there) and an A4 text
width at a readable scale (the PNG, drawn at 2×, in the PDF)."""


def timeline_pictures(record: IncidentRecord, tz: tzinfo) -> dict[str, bytes]:
    """{'timeline.png': …, 'timeline.svg': …}: the export's timeline picture, PNG first."""
    return {
        PICTURE_PNG: timeline_png(record, tz=tz, width=PICTURE_WIDTH),
        PICTURE_SVG: timeline_svg(record, tz=tz, width=PICTURE_WIDTH).encode("utf-8"),
    }


class ImageFiles(Mapping[str, bytes]):
    """The images of an export by their names in the report, read from disk when asked for."""

    def __init__(self, paths: Mapping[str, Path]) -> None:
        self._paths = dict(paths)

    def __getitem__(self, name: str) -> bytes:
        path = self._paths[name]
        try:
            return path.read_bytes()
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise ReportError(f"cannot read {path} for the report: {reason}") from error

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def inline_pictures(images: Mapping[str, Path]) -> dict[str, str]:
    """The timeline SVG for every name the report may use for the picture (PNG or SVG)."""
    svg_name = f"{IMAGES_DIR}/{PICTURE_SVG}"
    if svg_name not in images:
        return {}
    svg = ImageFiles(images)[svg_name].decode("utf-8")
    return {svg_name: svg, f"{IMAGES_DIR}/{PICTURE_PNG}": svg}


def write_html(
    document: Document,
    images: Mapping[str, Path],
    out_dir: Path,
    title: str,
    *,
    name: str | None = None,
) -> Path:
    """The "html" renderer: out_dir/report.html (or `name`: 'report-public.html'),
    self-contained. ReportError (one line)."""
    inline = inline_pictures(images)
    embedded = ImageFiles({name: path for name, path in images.items() if name not in inline})
    page = render_html(document, title=title, images=embedded, inline_svg=inline)
    target = Path(out_dir) / (name or HTML_NAME)
    write_atomically(target, page.encode("utf-8", errors="replace"))
    return target
