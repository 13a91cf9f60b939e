"""Make untrusted text (notes, titles, window titles) inert inside the Markdown we write.

Note text is typed or pasted by people during an outage and may hold anything: Markdown
(`## Prevention`, `* list`, `[x](javascript:...)`), HTML (`<script>`), table pipes, newlines,
control characters or megabytes of text. Everything here turns such text into Markdown that
renders as exactly those characters, as plain inline text, and nothing more:

- ASCII punctuation that Markdown gives a meaning to is backslash-escaped (CommonMark allows a
  backslash before any ASCII punctuation character);
- `&`, `<` and `>` become the HTML entities `&amp;`, `&lt;`, `&gt;`, so no tag, entity or
  autolink can come from the text;
- line breaks become `<br>` (our own tag, added after escaping) or a space, so a note never
  starts a line of its own and so can never open a heading, list, quote, fence or table row;
- control characters become their visible Unicode control pictures (␛, ␀), as the incident
  file does.
"""

from __future__ import annotations

import re

# Punctuation that means nothing in CommonMark or GitHub's Markdown when it is not at the start
# of a line (and a note never is) is left alone so the raw file stays readable ("14:02", "a=b");
# every other ASCII punctuation character is escaped.
_LEFT_ALONE = frozenset(",;:?%'\"/=")
_ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

_TABLE: dict[int, str] = {}
for _char in _ASCII_PUNCTUATION:
    if _char not in _LEFT_ALONE:
        _TABLE[ord(_char)] = "\\" + _char
_TABLE[ord("&")] = "&amp;"
_TABLE[ord("<")] = "&lt;"
_TABLE[ord(">")] = "&gt;"
for _code in range(0x20):
    if _code not in (0x09, 0x0A):
        _TABLE[_code] = chr(0x2400 + _code)
_TABLE[0x7F] = "\u2421"
_TABLE[0x09] = " "

_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

BR = "<br>"
"""The one HTML tag our Markdown carries inside table cells and list items: a line break."""


def normalize_lines(text: str) -> list[str]:
    """The lines of `text`, whatever line-break characters it uses."""
    return _LINE_BREAKS.split(text)


def escape_inline(text: str) -> str:
    """One line of untrusted text as inert inline Markdown (the text must hold no line break)."""
    return _SURROGATE.sub("\ufffd", text).translate(_TABLE)


def escape_text(text: str, *, line_break: str = BR) -> str:
    """Untrusted, possibly multi-line text as inert inline Markdown on a single line.

    Line breaks become `line_break`: `<br>` (the default) in table cells and list items, a
    space in headings. Empty lines are kept as breaks so the note reads as it was written.
    """
    return line_break.join(escape_inline(line) for line in normalize_lines(text))


def escape_heading(text: str) -> str:
    """Untrusted text for a heading: one line, escaped, runs of whitespace collapsed."""
    return escape_inline(" ".join(" ".join(normalize_lines(text)).split()))
