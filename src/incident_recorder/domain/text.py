"""Rules for note text: what is kept, what is made visible, what is refused."""

from __future__ import annotations

import re
import unicodedata

MAX_NOTE_CHARS = 10_000_000
"""Ten million characters: far beyond any real note, small enough to keep the file sane."""

LARGE_NOTE_CHARS = 20_000
"""Above this a note is confirmed before saving. A typed note, even a long hand-written
summary, stays under ~3,000 characters; 20,000 is about five pages of the exported report
(2,000,000 pasted characters made 447 pages), so only a pasted log or dump goes over it."""

_CONTROL_PICTURES = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_CONTROL_PICTURES[0x7F] = "\u2421"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
"""What _CONTROL_PICTURES replaces: looked for first, since str.translate with pictures outside
ASCII is slow (0.1 ms for a 600-character text; a group of 20,000 alerts is 20,000 texts)."""


def clean_note_text(text: str) -> str:
    """The text as it will be stored; ValueError (a clear message) if it cannot be a note.

    Line ends become '\\n'; other control characters (an escape sequence pasted from a
    terminal, a NUL) become their visible Unicode control pictures (␛, ␀) so nothing is silently
    dropped; unpaired surrogates become U+FFFD; surrounding blank lines are trimmed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LONE_SURROGATE.sub("\ufffd", text)
    if _CONTROL.search(text):
        text = text.translate(_CONTROL_PICTURES)
    text = text.strip("\n").rstrip()
    if not text.strip():
        raise ValueError("the note is empty")
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(
            f"the note is too long ({len(text):,} characters; at most {MAX_NOTE_CHARS:,})"
        )
    return text


def is_large_note(text: str) -> bool:
    """True when ``text`` is long enough to be confirmed before it becomes a note."""
    return len(text) > LARGE_NOTE_CHARS


def describe_size(text: str) -> str:
    """'2.0 MB (2,000,000 characters, 41,000 lines)': how big a note is, for a question."""
    size = len(text.encode("utf-8", "surrogatepass"))
    amount = f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} KB"
    lines = text.count("\n") + 1
    return f"{amount} ({len(text):,} characters, {lines:,} line{'s' if lines != 1 else ''})"


INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
"""Characters that change how text reads without showing themselves: the bidirectional
controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, U+200E/U+200F and
U+061C marks) and the zero-width ones (U+200B–U+200D, U+2060 word joiner, U+FEFF). A title
ending in U+202E 'fdp.exe' reads 'exe.pdf'; a zero-width space inside a word hides it from a
search."""


def _marker(match: re.Match[str]) -> str:
    return f"\u27e8U+{ord(match.group()):04X}\u27e9"


def visible(text: str) -> str:
    """`text` as shown to people: each INVISIBLE character replaced by a marker naming it
    (U+202E → '⟨U+202E⟩'), so it can neither reorder what follows nor hide inside a word.

    For display only (window, timeline, reports, status page, command line): what is stored
    stays what was typed.
    """
    if not INVISIBLE.search(text):  # the usual case: no copy
        return text
    return INVISIBLE.sub(_marker, text)


def comparable(text: str) -> str:
    """`text` as compared with word lists: NFKC (full-width and compatibility forms become the
    plain letters) and every INVISIBLE character removed ('bl\u200bame' → 'blame')."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
