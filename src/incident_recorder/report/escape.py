"""Make untrusted text (notes, titles, window titles) inert inside the Markdown we write.

Note text is typed or pasted by people during an outage and may hold anything: Markdown
(`## Prevention`, `* list`, `[x](javascript:...)`), HTML (`<script>`), table pipes, newlines,
control characters or megabytes of text. Everything here turns such text into Markdown that
renders as exactly those characters, as plain inline text, and nothing more, while escaping as
little as possible so the raw report.md stays easy to read and edit by hand.

Where our text goes, it never starts a line: it follows a list or time prefix, sits in a table
cell or after `# ` in a heading, and line breaks inside it become `<br>` (our own tag, added
after escaping) or a space. So the line-start markers (`-`, `+`, `#`, `1.`, `1)`, `>`, `=`)
need no escape, and neither do `( ) !` (harmless once `[` and `]` are escaped) or `. : -`
mid-line. What is escaped, because it means something anywhere inline:

- `\\`, backtick, `*`, `[`, `]`, `|` (table cells), `~` (GFM strikethrough), `$` (GitHub
  math), `{` and `}` (Python-Markdown's attr_list: `{ onclick=... }`) get a backslash;
- `_` gets a backslash unless it sits between two ASCII letters or digits (`idle_timeout`),
  where CommonMark, GFM and Python-Markdown never read it as emphasis;
- a `<` that could open a tag, a comment or an autolink (`<b`, `</`, `<!`, `<?`, `<a@b.c>`)
  becomes `&lt;`, and an `&` that could start an entity (`&amp;`, `&#60;`) becomes `&amp;`:
  entities, since every Markdown dialect (Python-Markdown too) honours them where `\\<` would
  not be; a `<` before a space (`latency < 50`) and every `>` stay as typed (`>` means
  something only at a line start), so `->` and `x > 5` read as written;
- against GFM / linkify autolinks: the `:` of `://` (`https\\://`), the `.` of `www.`
  (`www\\.`) and the first `/` of a `//` that does not follow a `:` (`\\//host`);
- control characters become their visible Unicode control pictures (␛, ␀), as the incident
  file does; tabs become spaces; unpaired surrogates become U+FFFD;
- bidirectional controls and zero-width characters become markers naming them (`⟨U+202E⟩`,
  domain/text.py `visible`): a title cannot read backwards or hide a word in the report.

A heading also gets its trailing `#` escaped (`# Title #` would lose it as a closing sequence).
Identifiers (the incident uuid) go in a code span instead: `code_span`.
"""

from __future__ import annotations

import re

from incident_recorder.domain.text import visible

_ESCAPED = "\\`*[]|~${}"

_PICTURES: dict[str, str] = {chr(code): chr(0x2400 + code) for code in range(0x20)}
_PICTURES["\x7f"] = "\u2421"
_PICTURES["\t"] = " "
_REPLACEMENTS: dict[str, str] = {char: "\\" + char for char in _ESCAPED + "_:./"}
_REPLACEMENTS.update(_PICTURES)
_REPLACEMENTS.update({"<": "&lt;", "&": "&amp;"})

# Everything that needs a change; the contextual cases look only at characters that are never
# escaped themselves (letters, digits, '/'), so the context reads the same before and after.
_SPECIAL = re.compile(
    r"[\\`*\[\]|~${}\x00-\x1f\x7f\ud800-\udfff]"
    r"|<(?=[A-Za-z0-9/!?.#$%&'*+=^_`{|}~-])"  # could open a tag or an (email) autolink
    r"|&(?=#?[0-9A-Za-z]+;)"  # could start an entity
    r"|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])"  # '_' except between two ASCII letters or digits
    r"|:(?=//)"  # 'https://' → 'https\://': no GFM or linkify URL autolink
    r"|(?<=[Ww]{3})\."  # 'www.' → 'www\.': no GFM or linkify www autolink
    r"|(?<!:)/(?=/)"  # '//host' → '\//host': no linkify protocol-relative link
)
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_TRAILING_HASHES = re.compile(r"#+$")
_LINE_START = re.compile(r"^([0-9]{1,9})?([#>+=.)-])")
_BACKTICKS = re.compile("`+")
_SURROGATE_OR_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")

BR = "<br>"
"""The one HTML tag our Markdown carries inside table cells and list items: a line break."""

HARD_BREAK = "\\\n  "
"""A line break in a list item ('- ') of Markdown the team will edit (a draft): CommonMark's
hard break, no HTML (a `<br>` copied into a section would be shown as text)."""


def _replace(match: re.Match[str]) -> str:
    # Anything matched that is not in the table is an unpaired surrogate.
    return _REPLACEMENTS.get(match.group(), "\ufffd")


def shown(text: str) -> str:
    """One line of text as every output shows it: bidi and zero-width characters as markers,
    control characters as their pictures, tabs as spaces (no Markdown escaping)."""
    return _SURROGATE_OR_CONTROL.sub(_replace_plain, visible(text))


def _replace_plain(match: re.Match[str]) -> str:
    return _PICTURES.get(match.group(), "\ufffd")


def normalize_lines(text: str) -> list[str]:
    """The lines of `text`, whatever line-break characters it uses."""
    return _LINE_BREAKS.split(text)


def escape_inline(text: str, *, at_line_start: bool = False) -> str:
    """One line of untrusted text as inert inline Markdown, placed anywhere but a line start
    (or, with at_line_start, at the start of a line too: a leading '#', '>', '-', '+', '='
    or '1.' gets a backslash and leading spaces go, so it starts no heading, quote, list or
    code block).

    A line break left in `text` shows as a control picture (␊); use `escape_text` for notes.
    """
    escaped = _SPECIAL.sub(_replace, visible(text))
    if at_line_start:
        escaped = _LINE_START.sub(lambda m: f"{m[1] or ''}\\{m[2]}", escaped.lstrip(" "), 1)
    return escaped


def escape_text(text: str, *, line_break: str = BR) -> str:
    """Untrusted, possibly multi-line text as inert inline Markdown on a single line.

    Line breaks become `line_break`: `<br>` (the default) in table cells and list items, a
    space in headings. Empty lines are kept as breaks so the note reads as it was written.
    """
    first, *rest = normalize_lines(text)
    at_start = "\n" in line_break  # a Markdown hard break: each next line starts a line
    return line_break.join(
        [escape_inline(first), *(escape_inline(line, at_line_start=at_start) for line in rest)]
    )


def escape_heading(text: str) -> str:
    """Untrusted text for a heading: one line, escaped, runs of whitespace collapsed.

    The last `#` of a trailing run is escaped, so the text cannot end in what an ATX heading
    reads as its optional closing sequence (`# Title ##` would show as 'Title').
    """
    escaped = escape_inline(" ".join(" ".join(normalize_lines(text)).split()))
    return _TRAILING_HASHES.sub(lambda hashes: hashes.group()[:-1] + "\\#", escaped)


def code_span(text: str) -> str:
    """Untrusted text as an inline code span, shown exactly (for identifiers such as a uuid).

    The fence is one backtick longer than the longest run inside, and padded with a space
    when the text starts or ends with a backtick or a space, as CommonMark requires. Line
    breaks become spaces and control characters their pictures. Not for table cells (a `|`
    would still split the cell there). Empty text gives ''.
    """
    line = visible(" ".join(normalize_lines(text)))
    line = _SURROGATE_OR_CONTROL.sub(_replace, line)
    if not line:
        return ""
    runs = [len(run) for run in _BACKTICKS.findall(line)]
    fence = "`" * (max(runs, default=0) + 1)
    if line[0] in "` " or line[-1] in "` ":
        line = f" {line} "
    return f"{fence}{line}{fence}"
