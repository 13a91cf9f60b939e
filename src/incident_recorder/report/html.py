"""The report as HTML: one self-contained, sanitized, printable file (and the variants it needs).

The report Markdown is converted with python-markdown, in which raw HTML is only text (our own
`<br>` excepted), then everything goes through nh3 (scripts,
styles, frames, forms, `on*` attributes and `javascript:`/`data:` URLs are removed; links may only
be http, https or mailto; a relative URL may only name a file beside the report). Only after
that are the app's own images put in: each `<img src="images/…">` named in `images` becomes a
`data:` URI and each one named in `inline_svg` becomes that (generated, trusted) SVG. Any other
image is never loaded: an http(s) image turns into a plain link, anything else into its alt text.
The page carries a Content-Security-Policy that allows nothing but inline styles and `data:`
images, so even a sanitizer miss could neither run a script nor fetch anything.

`render_pdf_html` produces the simpler variant QTextDocument understands (Qt's PDF writer):
images keep their names, which the caller registers as document resources.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Mapping
from xml.etree import ElementTree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from incident_recorder.domain import EntryKind
from incident_recorder.domain.kinds import KIND_COLOURS
from incident_recorder.report.facts import IMAGES_DIR
from incident_recorder.report.html_style import PDF_STYLESHEET, STYLESHEET

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)
"""The page's Content-Security-Policy: inline styles and data: images, nothing else."""

_TAGS = {
    *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code"),
    *("ul", "ol", "li", "dl", "dt", "dd", "strong", "em", "b", "i", "del", "sup", "sub"),
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
_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]

_SAFE_RELATIVE = re.compile(r"(?:#[\w.:-]*|[\w.-]+(?:/[\w.-]+)*(?:#[\w.:-]*)?)", re.ASCII)
"""A fragment or a plain path below the report's folder ('images/entry-0001-….png')."""

# nh3 writes attributes in double quotes with '"', '<' and '>' escaped: this matches its <img>.
_IMG = re.compile(r'<img((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*/?>')
_ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
_KIND_CELL = re.compile(
    r"<td>(?:<strong>)?(" + "|".join(kind.label for kind in EntryKind) + r")(?:</strong>)?</td>"
)

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


def render_html_fragment(markdown_text: str) -> str:
    """The report Markdown as sanitized body HTML, for a live preview: an image under images/
    keeps its relative name, any other image becomes a link or its alt text."""
    return _replace_images(_sanitized(markdown_text), _keep_relative)


def render_html(
    markdown_text: str,
    *,
    title: str,
    images: Mapping[str, bytes],
    inline_svg: Mapping[str, str] | None = None,
    lang: str = "en",
) -> str:
    """The report as one self-contained HTML document (images embedded, CSP, print styles).

    `images` maps the names the Markdown uses ('images/entry-0001-….png') to their bytes (PNG,
    JPEG or GIF); `inline_svg` maps names to SVG documents the app generated itself, which are
    put inline. Images named in neither are not embedded.
    """
    svgs = dict(inline_svg or {})

    def embed(attrs: dict[str, str]) -> str:
        src = attrs.get("src", "")
        if src in svgs:
            label = html.escape(attrs.get("alt", ""), quote=True)
            return f'<span class="figure" role="img" aria-label="{label}">{svgs[src]}</span>'
        raw = images.get(src) if src in images else None  # read once (may come from disk)
        if raw is not None and (kind := _image_type(raw)) is not None:
            data = base64.b64encode(raw).decode("ascii")
            alt = html.escape(attrs.get("alt", ""), quote=True)
            return f'<img src="data:{kind};base64,{data}" alt="{alt}">'
        return _not_loaded(attrs)

    body = _badges(_replace_images(_sanitized(markdown_text), embed))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang, quote=True)}">\n<head>\n'
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="Incident Recorder">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>\n{STYLESHEET}</style>\n</head>\n"
        f'<body>\n<main class="report">\n{body}\n</main>\n</body>\n</html>\n'
    )


def render_pdf_html(markdown_text: str, *, title: str, images: Mapping[str, bytes]) -> str:
    """The report as HTML for QTextDocument (Qt's PDF writer): simple CSS, table attributes,
    zebra rows as bgcolor; an image named in `images` keeps its name as src (register each as
    an image resource under that name), every other image becomes a link or its alt text."""

    def keep_known(attrs: dict[str, str]) -> str:
        src = attrs.get("src", "")
        if src in images:
            alt = html.escape(attrs.get("alt", ""), quote=True)
            return f'<img src="{html.escape(src, quote=True)}" alt="{alt}">'
        return _not_loaded(attrs)

    body = _replace_images(_sanitized(markdown_text), keep_known)
    body = _kind_colours(_zebra(_split_tables(body).replace("<table>", _PDF_TABLE)))
    return (
        f"<html><head><title>{html.escape(title)}</title>"
        f"<style>{PDF_STYLESHEET}</style></head><body>{body}</body></html>"
    )


_PDF_TABLE = '<table border="1" cellspacing="0" cellpadding="4" width="100%">'


class _LineBreak(InlineProcessor):  # type: ignore[misc]  # markdown ships no types
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ElementTree.Element, int, int]:
        return ElementTree.Element("br"), m.start(0), m.end(0)


class _NoRawHtml(Extension):  # type: ignore[misc]
    """Raw HTML in the Markdown is text, never markup; only our own `<br>` is a line break.

    An unclosed `<style>`, `<pre>` or `<!--` then cannot swallow the rest of the report, and
    nh3 (which still runs) has nothing of the author's markup to judge.
    """

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(_LineBreak(r"<br\s*/?>", md), "our_line_break", 90)


def _sanitized(markdown_text: str) -> str:
    converter = markdown.Markdown(extensions=[*_EXTENSIONS, _NoRawHtml()], output_format="html")
    return _CLEANER.clean(converter.convert(markdown_text))


def _image_type(data: bytes) -> str | None:
    for magic, kind in _IMAGE_TYPES:
        if data.startswith(magic):
            return kind
    return None


def _replace_images(body: str, replace: Callable[[dict[str, str]], str]) -> str:
    def one(match: re.Match[str]) -> str:
        attrs = {
            name.lower(): html.unescape(value or "") for name, value in _ATTR.findall(match[1])
        }
        return replace(attrs)

    return _IMG.sub(one, body)


def _keep_relative(attrs: dict[str, str]) -> str:
    src = attrs.get("src", "")
    if src.startswith(f"{IMAGES_DIR}/") and _relative_url(src) is not None:
        alt = html.escape(attrs.get("alt", ""), quote=True)
        return f'<img src="{html.escape(src, quote=True)}" alt="{alt}">'
    return _not_loaded(attrs)


def _not_loaded(attrs: dict[str, str]) -> str:
    """An image we do not load: a plain link for http(s), else its alt text (or nothing)."""
    src, alt = attrs.get("src", ""), attrs.get("alt", "")
    label = html.escape(alt or src, quote=False)
    if src.lower().startswith(("http://", "https://")):
        href = html.escape(src, quote=True)
        return f'<a href="{href}" rel="noopener noreferrer" class="external-image">{label}</a>'
    if alt:
        return f'<span class="missing-image">[{html.escape(alt, quote=False)}]</span>'
    return ""


def _kind_colours(body: str) -> str:
    """For the PDF: a kind cell's name in the kind's colour, bold (QTextDocument has no badges)."""
    return _KIND_CELL.sub(
        lambda m: (
            f'<td><b><font color="{KIND_COLOURS[EntryKind(m[1].lower())]}">{m[1]}</font></b></td>'
        ),
        body,
    )


def _badges(body: str) -> str:
    """A table cell holding only a kind's name ('Impact', '**Impact**') becomes a kind badge."""
    return _KIND_CELL.sub(
        lambda m: f'<td><span class="kind kind-{m[1].lower()}">{m[1]}</span></td>', body
    )


_ROW = re.compile(r"<tr>")


_TABLE = re.compile(r"<table>\s*(<thead>.*?</thead>)?\s*<tbody>(.*?)</tbody>\s*</table>", re.S)
_TABLE_ROW = re.compile(r"<tr>.*?</tr>", re.S)
PDF_TABLE_ROWS = 100
"""Rows per table in the PDF: Qt paints a page by walking every row of a table on it, so a
10,000-row timeline is cut into tables of this many rows, each with the header again."""


def _split_tables(body: str) -> str:
    def split(match: re.Match[str]) -> str:
        head, rows = match[1] or "", _TABLE_ROW.findall(match[2])
        if len(rows) <= PDF_TABLE_ROWS:
            return match[0]
        return "\n".join(
            f"<table>{head}<tbody>{''.join(rows[i : i + PDF_TABLE_ROWS])}</tbody></table>"
            for i in range(0, len(rows), PDF_TABLE_ROWS)
        )

    return _TABLE.sub(split, body)


def _zebra(body: str) -> str:
    count = 0

    def row(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return '<tr bgcolor="#f3f5f8">' if count % 2 == 0 else "<tr>"

    parts = re.split(r"(<tbody>.*?</tbody>)", body, flags=re.S)
    for index, part in enumerate(parts):
        if part.startswith("<tbody>"):
            count = 0
            parts[index] = _ROW.sub(row, part)
    return "".join(parts)
