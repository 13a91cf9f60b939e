"""The team's own Markdown (the report editor's sections) placed safely inside a report.

Free text is written as the team wrote it: emphasis, lists, links, tables and code stay. What
would break the report's own structure is changed, and nothing else:

- a heading at or above the section's level (`# x`, `## x`, or a setext `x` over `===`/`---`)
  is demoted to one level below the section, so it can never start a section of its own;
- a code fence left open is closed (it would otherwise swallow the rest of the report), with
  the indentation it was opened with; an indented fence is closed before the first line that
  is less indented (in a list item, that line ends the item and the fence with it);
- raw HTML cannot start: a `<` that would open a tag, comment or declaration (`<script`,
  `</div`, `<!--`, `<?`) becomes `&lt;` outside code (an unclosed `<!--` or `<pre` would
  swallow the rest of the report, and report.md is pasted into GitHub and wikis). What is code
  is decided as CommonMark decides it, by parsing the whole text (markdown-it-py): a code span
  may run across lines, and a `<` after it is outside code. An autolink (`<https://…>`,
  `<a@b.example>`) stays a link, unless its scheme is javascript, vbscript, file or data.
  Should a parse with raw HTML on still find any, every such `<` is escaped, in code too:
  never markup, at worst a visible `&lt;`;
- line breaks are normalised and trailing blank lines dropped; the caller puts a blank line
  before and after.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from incident_recorder.report.escape import normalize_lines

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})")
# A heading may sit in a block quote or a list item ('> # x', '- ## x'): still a heading.
_CONTAINERS = r"(?:(?: {0,3}>[ ]?)|(?: {0,3}(?:[-+*]|[0-9]{1,9}[.)])[ ]{1,4}))*"
_ATX = re.compile(rf"^({_CONTAINERS}) {{0,3}}(#{{1,6}})(?=[ \t]|$)")
_SETEXT = re.compile(r"^(?: {0,3}>[ ]?)* {0,3}(?:=+|-+)[ \t]*$")
_PREFIX = re.compile(_CONTAINERS)
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_DOMAIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_AUTOLINK = re.compile(  # CommonMark's autolinks, less the schemes no renderer should link
    r"<(?!(?:javascript|vbscript|file|data):)"
    rf"(?:[A-Za-z][A-Za-z0-9+.-]{{1,31}}:[^\s<>\x00-\x1f]*|[\w.!#$%&'*+/=?^`{{|}}~-]+@{_DOMAIN}"
    rf"(?:\.{_DOMAIN})*)>",
    re.ASCII | re.IGNORECASE,
)
_SWALLOWING_URL = re.compile(  # a GFM bare URL (a link on GitHub) running through a backtick
    r"(?<![A-Za-z0-9<])(?:(?:https?|ftp)(:)//|[Ww]{3}(\.))[^\s<`]*`", re.ASCII
)
_CODE_TOKENS = ("code_inline", "code_block", "fence")
_PROBE = 0xF0000  # Supplementary Private Use Area-A: one stand-in character per '<'
_PROBES = 0xFFFE

_PARSER = MarkdownIt("commonmark", {"html": False}).enable("table")
_WITH_HTML = MarkdownIt("commonmark", {"html": True}).enable("table")


def _code_texts(tokens: list[Token]) -> list[str]:
    found: list[str] = []
    for token in tokens:
        if token.type in _CODE_TOKENS:
            found.append(token.content)
        if token.children:
            found += _code_texts(token.children)
    return found


def _has_html(text: str) -> bool:
    tokens = _WITH_HTML.parse(text)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    return bool(kinds & {"html_block", "html_inline"})


def _no_html(text: str) -> str:
    """Every `<` of `text` that could open HTML becomes `&lt;`, except in code (a code span,
    even across lines, an indented or fenced block) and in an autolink.

    What is code is what CommonMark says; GFM's bare-URL links can disagree: a URL runs on
    through a backtick ('https://x`a'), which then opens no code span on GitHub. Such a URL
    (outside code) gets its ':' or 'www.' escaped: no link, so every reader sees the code span.
    """
    marks = {m.start(): "&lt;" for m in _TAG_START.finditer(text)}
    for position in [p for p in marks if _AUTOLINK.match(text, p)]:
        del marks[position]
    if not marks:
        return text
    for url in _SWALLOWING_URL.finditer(text):
        colon, dot = url.start(1), url.start(2)
        marks[colon if colon >= 0 else dot] = "\\:" if colon >= 0 else "\\."
    positions = sorted(marks)
    in_code: set[int] = set()
    clash = any(_PROBE <= ord(char) < _PROBE + _PROBES for char in text)
    if len(positions) <= _PROBES and not clash:
        # Parse with a stand-in character for each, then leave alone those whose stand-in
        # ended up in code: the parser says what is code, not a guess.
        probe = list(text)
        for number, position in enumerate(positions):
            probe[position] = chr(_PROBE + number)
        for code in _code_texts(_PARSER.parse("".join(probe))):
            in_code.update(ord(c) - _PROBE for c in code if _PROBE <= ord(c) < _PROBE + _PROBES)
    out = _escape_at(text, {p: marks[p] for n, p in enumerate(positions) if n not in in_code})
    if in_code and _has_html(out):
        return _escape_at(text, {p: "&lt;" for p, mark in marks.items() if mark == "&lt;"})
    return out


def _escape_at(text: str, marks: dict[int, str]) -> str:
    """`text` with the character at each position replaced by its mark."""
    parts, last = [], 0
    for position in sorted(marks):
        parts += [text[last:position], marks[position]]
        last = position + 1
    return "".join([*parts, text[last:]])


def _heading(level: int, text: str) -> str:
    return f"{'#' * level} {text.strip()}".rstrip()


def out_prefix(prefix: re.Match[str] | None) -> str:
    """The block-quote / list marker a line started with ('' for none)."""
    return prefix.group() if prefix else ""


def place_free_text(text: str, section_level: int = 2) -> str:
    """`text` (the team's Markdown) ready to sit under a heading of `section_level`."""
    sub = min(6, section_level + 1)
    out: list[str] = []
    fence: str | None = None
    indent = ""
    paragraph = False  # the last lines written can be the text of a setext heading
    start_of_paragraph = 0  # where that paragraph starts in `out`
    for line in normalize_lines(text):
        line = line.replace("\x00", "\ufffd")
        if fence is not None:
            stripped = line.strip()
            if indent and stripped and len(line) - len(line.lstrip(" ")) < len(indent):
                # Less indented than an indented fence: in a list item that line ends the
                # item and its fence. Closing here reads the same whether or not it was one.
                out.append(indent + fence)
                fence = None
            else:
                if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                    line, fence = indent + fence, None  # as opened: every renderer sees it
                out.append(line)
                continue
        opened = _FENCE.match(line)
        atx = _ATX.match(line)
        if opened:
            indent, fence = opened.group(1), opened.group(2)
        elif atx and len(atx.group(2)) <= section_level:
            line = atx.group(1) + _heading(sub, line[atx.end() :])
        elif _SETEXT.match(line) and paragraph:
            # `text` over `===` is a level-1 heading, over `---` a level-2 one: the whole
            # paragraph above is its text (continuation lines too, indented or not): demoted.
            prefix = _PREFIX.match(out[start_of_paragraph])
            start = prefix.end() if prefix else 0
            words = " ".join(
                [out[start_of_paragraph][start:], *out[start_of_paragraph + 1 :]]
            ).split()
            del out[start_of_paragraph:]
            out.append(out_prefix(prefix) + _heading(sub, " ".join(words)))
            paragraph = False
            continue
        # Only spaces and tabs make a line blank in Markdown (str.strip also eats \x1c-\x1f).
        blank = not line.strip(" \t")
        # An indented line continues a paragraph (it is code only after a blank line).
        continues = not opened and not atx and not blank and paragraph
        starts = not opened and not atx and not blank and not line.startswith("    ")
        if starts and not continues:
            start_of_paragraph = len(out)
        paragraph = continues or starts
        out.append(line)
    if fence is not None:  # closed where it was opened (inside a list item: indented alike)
        out.append(indent + fence)
    while out and not out[-1].strip(" \t"):
        out.pop()
    while out and not out[0].strip(" \t"):
        out.pop(0)
    return _no_html("\n".join(out))
