"""The report as HTML: one self-contained, sanitized, printable file, and the preview's body.

The HTML is written from the document model (report/model.py), never from Markdown: headings,
lists, tables, kind badges and images are made here from the blocks and pieces they are, and
every piece of recorded text is escaped (html.escape), so a note is shown exactly as typed.
Only what the team wrote (`Written`) is Markdown: CommonMark with GFM tables and
strikethrough (markdown-it-py, raw HTML shown as text, no linkify), then cleaned by nh3
(scripts, styles, frames, forms, `on*` attributes and `javascript:`/`data:` URLs removed; links
may only be http, https or mailto; a relative URL may only name a file beside the report).

Images follow one policy, whoever put them in: an image named in `images` becomes a `data:` URI
and one named in `inline_svg` that (generated, trusted) SVG; any other image is never loaded:
an http(s) image turns into a plain link, anything else into its alt text. The page carries a
Content-Security-Policy that allows nothing but inline styles and `data:` images, so even a
sanitizer miss could neither run a script nor fetch anything.

`HtmlWriter` is the walk over the document; render/pdf_html.py derives the variant Qt's PDF
writer understands from it (tables, kinds and images done its own way).
"""

from __future__ import annotations

import base64
import html
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from incident_recorder.report.escape import normalize_lines, shown
from incident_recorder.report.facts import IMAGES_DIR
from incident_recorder.report.html_style import STYLESHEET
from incident_recorder.report.model import (
    Block,
    Break,
    Code,
    Document,
    Emph,
    Figure,
    Heading,
    Image,
    Inline,
    Items,
    Kind,
    Line,
    Link,
    Paragraph,
    Strong,
    Table,
    Text,
    Written,
)

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)
"""The page's Content-Security-Policy: inline styles and data: images, nothing else."""

_TAGS = {
    *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code"),
    *("ul", "ol", "li", "dl", "dt", "dd", "strong", "em", "b", "i", "del", "s", "sup", "sub"),
    *("table", "thead", "tbody", "tr", "th", "td", "a", "img", "span", "abbr", "kbd"),
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"style", "align"},
    "td": {"style", "align"},
    "abbr": {"title"},
    "ol": {"start"},
}
_CONTENT_DROPPED = {"script", "style", "template", "iframe", "object", "noscript", "title"}
_SCHEMES = {"http", "https", "mailto"}

_SAFE_RELATIVE = re.compile(r"(?:#[\w.:-]*|[\w.-]+(?:/[\w.-]+)*(?:#[\w.:-]*)?)", re.ASCII)
"""A fragment or a plain path below the report's folder ('images/entry-0001-….png')."""

_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def _relative_url(url: str) -> str | None:
    if ".." in url or not _SAFE_RELATIVE.fullmatch(url):
        return None  # '//host', '/\\host', '/etc/passwd', '../x', 'x y' …
    return url


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags=_CONTENT_DROPPED,
    attributes=_ATTRIBUTES,
    url_schemes=_SCHEMES,
    url_relative=_relative_url,
    filter_style_properties={"text-align"},
    strip_comments=True,
    link_rel="noopener noreferrer",
)

ImagePolicy = Callable[[str, str], str]
"""(src, alt) → the HTML an image becomes."""


def _markdown_it() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough; raw HTML is text; no linkify, no
    typographer: the dialect GitHub and GitLab read, for what the team writes."""
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    return parser.enable(["table", "strikethrough"])


_MARKDOWN = _markdown_it()
_PDF_MARKDOWN = _markdown_it()


def _image_rule(
    renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: dict[str, Any]
) -> str:
    """An image in the team's Markdown: a marker the sanitized HTML is cut at (see
    `written_html`), so the image policy's HTML never passes through the sanitizer."""
    token = tokens[index]
    alt = html.escape(renderer.renderInlineAsText(token.children or [], options, env), quote=False)
    images: list[tuple[str, str]] = env["images"]
    images.append((str(token.attrGet("src") or ""), alt))
    return f"{env['marker']}{len(images) - 1}x"


PDF_TABLE = '<table border="1" cellspacing="0" cellpadding="4" width="100%">'
"""A table as Qt's rich text draws it with borders (QTextDocument has no CSS borders)."""
ZEBRA = "#f3f5f8"
"""Every second row of a table in the PDF (QTextDocument has no :nth-child)."""


def _pdf_rule(
    renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: dict[str, Any]
) -> str:
    """Tables in the team's Markdown, for the PDF: borders and zebra rows as attributes."""
    kind = tokens[index].type
    if kind == "table_open":
        return PDF_TABLE + "\n"
    if kind in ("tbody_open", "tbody_close"):
        env["row"] = 0 if kind == "tbody_open" else None
        return "<tbody>\n" if kind == "tbody_open" else "</tbody>\n"
    row = env.get("row")
    if row is None:
        return "<tr>\n"
    env["row"] = row + 1
    return f'<tr bgcolor="{ZEBRA}">\n' if row % 2 else "<tr>\n"


for _parser in (_MARKDOWN, _PDF_MARKDOWN):
    _parser.add_render_rule("image", _image_rule)
for _token in ("table_open", "tbody_open", "tbody_close", "tr_open"):
    _PDF_MARKDOWN.add_render_rule(_token, _pdf_rule)

_PDF_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags=_CONTENT_DROPPED,
    attributes={
        **_ATTRIBUTES,
        "table": {"border", "cellspacing", "cellpadding", "width"},
        "tr": {"bgcolor"},
    },
    url_schemes=_SCHEMES,
    url_relative=_relative_url,
    filter_style_properties={"text-align"},
    strip_comments=True,
    link_rel="noopener noreferrer",
)


def written_html(markdown_text: str, image: ImagePolicy, *, for_pdf: bool = False) -> str:
    """The team's Markdown as sanitized HTML, its images under `image` (for_pdf: tables with
    the attributes Qt's rich text draws)."""
    marker = f"irimage{secrets.token_hex(8)}n"  # cannot be typed: unknown until now
    env: dict[str, Any] = {"images": [], "marker": marker}
    parser, cleaner = (_PDF_MARKDOWN, _PDF_CLEANER) if for_pdf else (_MARKDOWN, _CLEANER)
    cleaned = cleaner.clean(parser.render(markdown_text, env))
    if not env["images"]:
        return cleaned
    first, *rest = cleaned.split(marker)
    out = [first]
    for part in rest:
        number, _, after = part.partition("x")
        src, alt = env["images"][int(number)]
        out += [image(src, alt), after]
    return "".join(out)


def text_html(text: str) -> str:
    """Plain text, escaped, its line breaks as <br>."""
    return "<br>".join(html.escape(shown(part), quote=False) for part in normalize_lines(text))


def one_line(text: str) -> str:
    """Plain text on one line (a heading, a caption), escaped."""
    return html.escape(" ".join(shown(" ".join(normalize_lines(text))).split()), quote=False)


class HtmlWriter:
    """The document as HTML body: one method per kind of block and piece."""

    for_pdf = False

    def __init__(self, image: ImagePolicy, *, badges: bool = True) -> None:
        self.image = image
        self.badges = badges

    def body(self, document: Document) -> str:
        return "\n".join(self.block(block) for block in document.blocks)

    def block(self, block: Block) -> str:
        match block:
            case Heading(level=level, text=text):
                return f"<h{level}>{one_line(text)}</h{level}>"
            case Paragraph(line=pieces):
                return f"<p>{self.line(pieces)}</p>"
            case Items(items=items):
                return "<ul>\n" + "".join(f"<li>{self.line(i)}</li>\n" for i in items) + "</ul>"
            case Table():
                return self.table(block)
            case Figure(image=picture):
                return f"<p>{self.piece(picture)}</p>"
            case Written(markdown=text):
                return written_html(text, self.image, for_pdf=self.for_pdf)
        raise TypeError(f"not a block: {block!r}")

    def table(self, table: Table) -> str:
        head = "".join(f"<th>{one_line(column)}</th>" for column in table.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{self.line(cell)}</td>" for cell in row) + "</tr>\n"
            for row in table.rows
        )
        body = f"<tbody>\n{rows}</tbody>\n" if rows else ""
        return f"<table>\n<thead>\n<tr>{head}</tr>\n</thead>\n{body}</table>"

    def line(self, pieces: Line) -> str:
        return "".join(self.piece(piece) for piece in pieces)

    def piece(self, piece: Inline) -> str:
        match piece:
            case Text(text=text):
                return text_html(text)
            case Strong(text=text):
                return f"<strong>{text_html(text)}</strong>"
            case Emph(text=text):
                return f"<em>{text_html(text)}</em>"
            case Code(text=text):
                return f"<code>{one_line(text)}</code>"
            case Link(text=text, url=url):
                href = html.escape(url, quote=True)
                return f'<a href="{href}" rel="noopener noreferrer">{one_line(text)}</a>'
            case Image(src=src, alt=alt):
                return self.image(src, one_line(alt))
            case Break():
                return "<br>"
            case Kind(kind=kind):
                return self.kind(kind.value, kind.label)
        raise TypeError(f"not an inline piece: {piece!r}")

    def kind(self, value: str, label: str) -> str:
        if not self.badges:
            return html.escape(label)
        return f'<span class="kind kind-{value}">{html.escape(label)}</span>'


def _document(content: Document | str) -> Document:
    """A document, or Markdown the team wrote as one (the whole of it `Written`)."""
    return content if isinstance(content, Document) else Document("", (Written(content),))


def render_html_fragment(content: Document | str) -> str:
    """Body HTML for the live preview: an image under images/ keeps its relative name, any
    other image becomes a link or its alt text; kinds are plain names."""
    return HtmlWriter(_keep_relative, badges=False).body(_document(content))


def render_html(
    content: Document | str,
    *,
    title: str,
    images: Mapping[str, bytes],
    inline_svg: Mapping[str, str] | None = None,
    lang: str = "en",
) -> str:
    """The report as one self-contained HTML document (images embedded, CSP, print styles).

    `content` is the report's document (or Markdown the team wrote). `images` maps the names
    it uses ('images/entry-0001-….png') to their bytes (PNG, JPEG or GIF); `inline_svg` maps
    names to SVG documents the app generated itself, which are put inline. Images named in
    neither are not embedded.
    """
    svgs = dict(inline_svg or {})

    def embed(src: str, alt: str) -> str:
        label = _attribute(alt)
        if src in svgs:
            return f'<span class="figure" role="img" aria-label="{label}">{svgs[src]}</span>'
        raw = images.get(src) if src in images else None  # read once (may come from disk)
        if raw is not None and (kind := _image_type(raw)) is not None:
            data = base64.b64encode(raw).decode("ascii")
            return f'<img src="data:{kind};base64,{data}" alt="{label}">'
        return not_loaded(src, alt)

    body = HtmlWriter(embed).body(_document(content))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang, quote=True)}">\n<head>\n'
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="Incident Recorder">\n'
        f"<title>{one_line(title)}</title>\n"
        f"<style>\n{STYLESHEET}</style>\n</head>\n"
        f'<body>\n<main class="report">\n{body}\n</main>\n</body>\n</html>\n'
    )


def _image_type(data: bytes) -> str | None:
    for magic, kind in _IMAGE_TYPES:
        if data.startswith(magic):
            return kind
    return None


def _attribute(text_html: str) -> str:
    """HTML text (escaped already) as an attribute value in double quotes."""
    return text_html.replace('"', "&quot;")


def _keep_relative(src: str, alt: str) -> str:
    if src.startswith(f"{IMAGES_DIR}/") and _relative_url(src) is not None:
        return f'<img src="{html.escape(src, quote=True)}" alt="{_attribute(alt)}">'
    return not_loaded(src, alt)


def not_loaded(src: str, alt: str) -> str:
    """An image we do not load (`alt` is HTML text): a plain link for http(s), else its alt
    text (or nothing)."""
    if src.lower().startswith(("http://", "https://")):
        href = html.escape(src, quote=True)
        label = alt or html.escape(src, quote=False)
        return f'<a href="{href}" rel="noopener noreferrer" class="external-image">{label}</a>'
    if alt:
        return f'<span class="missing-image">[{alt}]</span>'
    return ""
