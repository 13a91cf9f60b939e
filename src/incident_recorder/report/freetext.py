"""The team's own Markdown (the report editor's sections) placed safely inside a report.

Free text is written as the team wrote it: emphasis, lists, links, tables and code stay. What
would break the report's own structure is changed, and nothing else:

- a heading at or above the section's level (`# x`, `## x`, or a setext `x` over `===`/`---`)
  is demoted to one level below the section, so it can never start a section of its own;
- a code fence left open is closed (it would otherwise swallow the rest of the report);
- raw HTML cannot start: a `<` that would open a tag, comment or declaration (`<script`,
  `</div`, `<!--`, `<?`) becomes `&lt;` outside code (an unclosed `<!--` or `<pre` would
  swallow the rest of the report, and the HTML export must not get markup from it either);
- line breaks are normalised and trailing blank lines dropped; the caller puts a blank line
  before and after.
"""

from __future__ import annotations

import re

from incident_recorder.report.escape import normalize_lines

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_CODE_SPAN = re.compile(r"(`+)(.*?)\1", re.DOTALL)


def _no_html(line: str) -> str:
    """`<` that could open HTML becomes `&lt;`, except inside code spans on the line."""
    parts: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(line):
        parts.append(_TAG_START.sub("&lt;", line[position : span.start()]))
        parts.append(span.group())
        position = span.end()
    parts.append(_TAG_START.sub("&lt;", line[position:]))
    return "".join(parts)


def _heading(level: int, text: str) -> str:
    return f"{'#' * level} {text.strip()}".rstrip()


def place_free_text(text: str, section_level: int = 2) -> str:
    """`text` (the team's Markdown) ready to sit under a heading of `section_level`."""
    sub = min(6, section_level + 1)
    out: list[str] = []
    fence: str | None = None
    paragraph = False  # the last line written can be the text of a setext heading
    for line in normalize_lines(text):
        line = line.replace("\x00", "\ufffd")
        if fence is not None:
            out.append(line)
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
            continue
        opened = _FENCE.match(line)
        atx = _ATX.match(line)
        if opened:
            fence = opened.group(1)
        elif atx and len(atx.group(1)) <= section_level:
            line = _heading(sub, line[atx.end() :])
        elif _SETEXT.match(line) and paragraph:
            # `text` over `===` is a level-1 heading, over `---` a level-2 one: demoted.
            out[-1] = _heading(sub, out[-1])
            paragraph = False
            continue
        paragraph = not opened and not atx and bool(line.strip()) and not line.startswith("    ")
        out.append(line if opened else _no_html(line))
    if fence is not None:
        out.append(fence)
    while out and not out[-1].strip():
        out.pop()
    while out and not out[0].strip():
        out.pop(0)
    return "\n".join(out)
