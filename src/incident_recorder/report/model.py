"""The report as data: blocks of typed pieces of text, rendered to Markdown, HTML and PDF.

`report/document.py` builds a `Document` from the record; each renderer walks it: `to_markdown`
here (report.md), report/html.py (the HTML page and the preview), render/pdf_html.py (the PDF).
None of them parses what another wrote: a kind is a `Kind`, an image an `Image`, a table a
`Table` of cells, whatever the output.

Two kinds of text, never mixed:

- what the app or a recorder typed as plain words (notes, titles, captions, names, the app's
  own labels): `Text`, `Strong`, `Emph`, `Code`, `Heading`, each shown exactly as typed,
  escaped for each output (report/escape.py for Markdown, html.escape for HTML);
- what the team wrote in Markdown (the report editor's sections): `Written`, CommonMark with
  GFM tables, placed by report/freetext.py so it cannot break the report around it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from incident_recorder.domain import EntryKind
from incident_recorder.report.escape import (
    BR,
    code_span,
    escape_heading,
    escape_inline,
    escape_text,
    normalize_lines,
    shown,
)


@dataclass(frozen=True)
class Text:
    """Plain text, shown as typed; its line breaks are line breaks."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Emph:
    text: str


@dataclass(frozen=True)
class Code:
    """An identifier (the incident's uuid), in a monospace span."""

    text: str


@dataclass(frozen=True)
class Link:
    """A link the app made (an action item's ticket): `url` is already known to be http(s)."""

    text: str
    url: str


@dataclass(frozen=True)
class Image:
    """An image of the export: `src` is its name beside the report ('images/entry-0004-….png')."""

    src: str
    alt: str


@dataclass(frozen=True)
class Break:
    """A line break inside a cell or a list item."""


@dataclass(frozen=True)
class Kind:
    """An entry's kind: a coloured badge in HTML, a coloured name in the PDF, the name in
    Markdown."""

    kind: EntryKind


Inline = Text | Strong | Emph | Code | Link | Image | Break | Kind
Line = tuple[Inline, ...]


def line(*parts: str | Inline) -> Line:
    """A line from pieces; a str is plain `Text`."""
    return tuple(Text(part) if isinstance(part, str) else part for part in parts if part != "")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    line: Line


@dataclass(frozen=True)
class Items:
    """A bullet list, one line per item."""

    items: tuple[Line, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Line, ...], ...]


@dataclass(frozen=True)
class Figure:
    """A picture on its own (the timeline picture)."""

    image: Image


@dataclass(frozen=True)
class Written:
    """The team's own Markdown, already placed (report/freetext.py)."""

    markdown: str


Block = Heading | Paragraph | Items | Table | Figure | Written


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]


def plain(pieces: Iterable[Inline]) -> str:
    """What a line shows, as text (line breaks as '\\n'; an image by its caption)."""
    out: list[str] = []
    for piece in pieces:
        match piece:
            case Break():
                out.append("\n")
            case Kind(kind=kind):
                out.append(kind.label)
            case Image(alt=alt):
                out.append(shown(alt))
            case Text(text=text) | Strong(text=text) | Emph(text=text) | Code(text=text):
                out.append("\n".join(shown(part) for part in normalize_lines(text)))
            case Link(text=text):
                out.append(shown(text))
    return "".join(out)


# -- Markdown (report.md) -----------------------------------------------------------------------


def inline_markdown(piece: Inline) -> str:
    match piece:
        case Text(text=text):
            return escape_text(text)
        case Strong(text=text):
            return f"**{escape_inline(text)}**"
        case Emph(text=text):
            return f"_{escape_inline(text)}_"
        case Code(text=text):
            return code_span(text)
        case Link(text=text, url=url):
            return f"[{escape_inline(text)}]({url})"
        case Image(src=src, alt=alt):
            return f"![{escape_inline(alt)}]({src})"
        case Break():
            return BR
        case Kind(kind=kind):
            return kind.label
    raise TypeError(f"not an inline piece: {piece!r}")


def line_markdown(pieces: Line) -> str:
    return "".join(inline_markdown(piece) for piece in pieces)


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def block_markdown(block: Block) -> str:
    match block:
        case Heading(level=level, text=text):
            return f"{'#' * level} {escape_heading(text)}"
        case Paragraph(line=pieces):
            return line_markdown(pieces)
        case Items(items=items):
            return "\n".join(f"- {line_markdown(item)}" for item in items)
        case Table(columns=columns, rows=rows):
            head = [_row(escape_inline(c) for c in columns), _row(("---",) * len(columns))]
            return "\n".join([*head, *(_row(line_markdown(c) for c in row) for row in rows)])
        case Figure(image=image):
            return inline_markdown(image)
        case Written(markdown=text):
            return text
    raise TypeError(f"not a block: {block!r}")


def to_markdown(document: Document) -> str:
    """report.md: the blocks, a blank line between each."""
    return "\n\n".join(block_markdown(block) for block in document.blocks) + "\n"
