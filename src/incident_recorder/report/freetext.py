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
  swallow the rest of the report, and the HTML export must not get markup from it either);
- line breaks are normalised and trailing blank lines dropped; the caller puts a blank line
  before and after.
"""

from __future__ import annotations

import re

from incident_recorder.report.escape import normalize_lines

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})")
# A heading may sit in a block quote or a list item ('> # x', '- ## x'): still a heading.
_CONTAINERS = r"(?:(?: {0,3}>[ ]?)|(?: {0,3}(?:[-+*]|[0-9]{1,9}[.)])[ ]{1,4}))*"
_ATX = re.compile(rf"^({_CONTAINERS}) {{0,3}}(#{{1,6}})(?=[ \t]|$)")
_SETEXT = re.compile(r"^(?: {0,3}>[ ]?)* {0,3}(?:=+|-+)[ \t]*$")
_PREFIX = re.compile(_CONTAINERS)
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
    indent = ""
    paragraph = False  # the last line written can be the text of a setext heading
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
            # `text` over `===` is a level-1 heading, over `---` a level-2 one: demoted.
            prefix = _PREFIX.match(out[-1])
            start = prefix.end() if prefix else 0
            out[-1] = out[-1][:start] + _heading(sub, out[-1][start:])
            paragraph = False
            continue
        # Only spaces and tabs make a line blank in Markdown (str.strip also eats \x1c-\x1f).
        blank = not line.strip(" \t")
        paragraph = not opened and not atx and not blank and not line.startswith("    ")
        out.append(line if opened else _no_html(line))
    if fence is not None:  # closed where it was opened (inside a list item: indented alike)
        out.append(indent + fence)
    while out and not out[-1].strip(" \t"):
        out.pop()
    while out and not out[0].strip(" \t"):
        out.pop(0)
    return "\n".join(out)
