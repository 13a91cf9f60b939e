"""Helpers for the report tests: real PNG captures, the scenario, and reading Markdown back."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from PIL import Image

from incident_recorder.domain import Entry, EntryKind, Incident, NewCapture
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.storage import IncidentFile

# A copy of ../shared/scenarios/checkout-outage.csv, so the suite needs nothing outside the repo.
SCENARIO = Path(__file__).resolve().parents[1] / "data" / "checkout-outage.csv"
START = datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC)


def make_capture(width: int = 64, height: int = 48, color: str = "red") -> NewCapture:
    """A real PNG (made with Pillow) wrapped as the capture layer would hand it over."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    png = buffer.getvalue()
    thumb = io.BytesIO()
    Image.new("RGB", (8, 6), color).save(thumb, "PNG")
    return NewCapture(
        png=png,
        thumbnail_png=thumb.getvalue(),
        width=width,
        height=height,
        sha256=hashlib.sha256(png).hexdigest(),
        monitor=1,
        window_title="Grafana — checkout-api",
    )


def scenario_rows() -> list[tuple[int, EntryKind, str]]:
    """The checkout-outage scenario; its 'mitigation' kind is not ours and becomes 'action'."""
    rows = []
    with SCENARIO.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kind = "action" if row["kind"] == "mitigation" else row["kind"]
            rows.append((int(row["offset_s"]), EntryKind(kind), row["text"]))
    return rows


@dataclass
class Recorded:
    """An incident file read back the way the CLI and GUI will pass it to write_report."""

    file: IncidentFile
    hidden_text: str
    capture_texts: list[str]

    @property
    def incident(self) -> Incident:
        return self.file.incident()

    @property
    def record(self) -> IncidentRecord:
        return self.file.record()

    @property
    def entries(self) -> list[Entry]:
        return self.file.entries()

    @property
    def load_png(self) -> Callable[[int], bytes]:
        return self.file.capture_png


def parse(markdown_text: str) -> list[Token]:
    """Tokens of CommonMark with tables, as the property tests and section helpers read them."""
    return MarkdownIt("commonmark").enable("table").parse(markdown_text)


def headings(tokens: list[Token], level: int) -> list[str]:
    """The text of every heading of the given level, in order (as rendered, escapes resolved)."""
    tag = f"h{level}"
    return [
        cell_text(tokens[index + 1])
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == tag
    ]


def sections(markdown_text: str) -> dict[str, str]:
    """Level-2 section name → the raw Markdown under it (found from the parse, not by text)."""
    tokens = parse(markdown_text)
    lines = markdown_text.splitlines()
    starts = [
        (tokens[index + 1].content, token.map[0])
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == "h2" and token.map
    ]
    result = {}
    for number, (name, start) in enumerate(starts):
        end = starts[number + 1][1] if number + 1 < len(starts) else len(lines)
        result[name] = "\n".join(lines[start + 1 : end])
    return result


def table_rows(tokens: list[Token], which: int = 0) -> list[list[Token]]:
    """The body rows of the which-th table: for each row, the inline token of every cell."""
    tables = -1
    rows: list[list[Token]] = []
    in_body = False
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            tables += 1
        elif token.type == "tbody_open" and tables == which:
            in_body = True
        elif token.type == "tbody_close":
            in_body = False
        elif in_body and token.type == "tr_open":
            rows.append([])
        elif in_body and token.type == "td_open":
            rows[-1].append(tokens[index + 1])
    return rows


def cell_text(inline: Token) -> str:
    """What a reader sees in a cell: text, with our <br> as a newline (images left out)."""
    parts = []
    for child in inline.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif (
            child.type == "html_inline"
            and child.content == "<br>"
            or child.type in ("softbreak", "hardbreak")
        ):
            parts.append("\n")
    return "".join(parts)


def section_rows(tokens: list[Token], heading: str) -> list[list[Token]]:
    """The body rows of the first table under the level-2 heading `heading` ([] if none)."""
    inside = False
    tables = -1
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            tables += 1
        if token.type == "heading_open" and token.tag == "h2":
            if inside:
                return []
            inside = tokens[index + 1].content == heading
        elif inside and token.type == "table_open":
            return table_rows(tokens, which=tables)
    return []


def timeline_rows(tokens: list[Token]) -> list[list[Token]]:
    """The timeline table's body rows."""
    return section_rows(tokens, "Timeline")
