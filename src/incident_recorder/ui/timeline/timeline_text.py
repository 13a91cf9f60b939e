"""How a note's text is laid out in the timeline's Entry column: wrapped lines, and estimates.

`wrap_lines` wraps each line of the text at word boundaries (anywhere inside a word wider than
the column) to a width: a paragraph shows at most MAX_WRAPPED_LINES lines, a note at most
MAX_TEXT_LINES, and the last line shown ends in "…" when text is left over. The text is always
plain (never rich text). Only what can be shown is laid out, so a 10,000-character note costs no
more than a short one.

`estimate_lines` guesses the same count from character counts alone, for the rows nobody is
looking at (the view measures the visible rows exactly; see timeline_heights).
"""

from __future__ import annotations

from math import ceil

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QTextLayout, QTextOption

MAX_TEXT_LINES = 6
"""The most lines a note shows (its own lines and wrapped ones together)."""
MAX_WRAPPED_LINES = 4
"""The most lines one paragraph (a line of the note) wraps to."""
ELLIPSIS = "…"

_OPTION = QTextOption()
_OPTION.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
_WIDTHS: dict[str, tuple[float, int]] = {}
_SAMPLE = "Grafana shows p99 latency 9.8 s on checkout-api; DB connections saturated at 500/500."


def _widths(font: QFont, metrics: QFontMetrics) -> tuple[float, int]:
    """(average width of a character of English prose, narrowest usual character) in `font`."""
    key = font.key()
    widths = _WIDTHS.get(key)
    if widths is None:
        average = metrics.horizontalAdvance(_SAMPLE) / len(_SAMPLE)
        narrowest = max(1, min(metrics.horizontalAdvance(c) for c in "il.,:;'|!"))
        widths = _WIDTHS[key] = (average, narrowest)
    return widths


def average_char_width(font: QFont) -> float:
    return _widths(font, QFontMetrics(font))[0]


def wrap_lines(
    text: str,
    font: QFont,
    width: int,
    *,
    max_lines: int = MAX_TEXT_LINES,
    max_wrapped: int = MAX_WRAPPED_LINES,
) -> list[str]:
    """The lines `text` shows in `width` pixels of `font` (at least one line)."""
    metrics = QFontMetrics(font)
    width = max(1, width)
    paragraphs = text.split("\n", max_lines)
    lines: list[str] = []
    for paragraph in paragraphs:
        room = min(max_wrapped, max_lines - len(lines))
        if room <= 0:  # paragraphs left over: the last line shown says so
            if not lines[-1].endswith(ELLIPSIS):
                lines[-1] = _elide_more(lines[-1], metrics, width)
            break
        lines.extend(_wrap_paragraph(paragraph, font, metrics, width, room))
    return lines


def _wrap_paragraph(
    paragraph: str, font: QFont, metrics: QFontMetrics, width: int, room: int
) -> list[str]:
    """At most `room` lines of one paragraph; the last ends in "…" when text is left over."""
    average, narrowest = _widths(font, metrics)
    could_fit = len(paragraph) * narrowest <= width or len(paragraph) <= 2 * width / average
    if could_fit and metrics.horizontalAdvance(paragraph) <= width:  # the common case
        return [paragraph]
    # Lay out only about as much as `room` lines hold (shaping costs by the character); when
    # the guess falls short (many narrow characters), lay out twice as much.
    chars = int((room + 1) * width / average * 1.1) + 16
    while True:
        shown = paragraph[:chars]
        starts = _line_starts(shown, font, width, room)
        cut = len(shown) < len(paragraph)
        if not cut or len(starts) > room or chars > room * (width // narrowest + 1):
            break
        chars *= 2
    ends = [*starts[1:], len(shown)]
    if len(starts) > room:
        cut = True
        del starts[room:], ends[room:]
    lines = [shown[start:end].rstrip() for start, end in zip(starts, ends, strict=True)]
    if cut:
        lines[-1] = _elide_more(lines[-1], metrics, width)
    return lines


def _line_starts(text: str, font: QFont, width: int, room: int) -> list[int]:
    """Where each wrapped line of `text` starts, for at most `room` + 1 lines."""
    layout = QTextLayout(text, font)
    layout.setTextOption(_OPTION)
    layout.beginLayout()
    starts: list[int] = []
    while len(starts) <= room:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append(line.textStart())
    layout.endLayout()
    return starts or [0]


def _elide_more(line: str, metrics: QFontMetrics, width: int) -> str:
    """`line` marked as continued: " …" after it, dropping whole words to make room (a single
    word too long for the line is cut instead)."""
    line = line.rstrip()
    while line:
        candidate = f"{line} {ELLIPSIS}"
        if metrics.horizontalAdvance(candidate) <= width:
            return candidate
        head, space, _ = line.rpartition(" ")
        if not space or not head.strip():
            break
        line = head.rstrip()
    return metrics.elidedText(f"{line} {ELLIPSIS}", Qt.TextElideMode.ElideRight, width)


def estimate_lines(
    text: str,
    chars_per_line: float,
    *,
    max_lines: int = MAX_TEXT_LINES,
    max_wrapped: int = MAX_WRAPPED_LINES,
) -> int:
    """About how many lines `wrap_lines` gives `text` when a line holds `chars_per_line`
    characters on average (pure arithmetic: fast enough for every row of a big incident)."""
    per_line = max(1.0, chars_per_line)
    if "\n" not in text:
        return (
            1 if len(text) <= per_line else min(max_wrapped, max_lines, ceil(len(text) / per_line))
        )
    total = 0
    for paragraph in text.split("\n", max_lines):
        total += (
            1 if len(paragraph) <= per_line else min(max_wrapped, ceil(len(paragraph) / per_line))
        )
        if total >= max_lines:
            return max_lines
    return total
