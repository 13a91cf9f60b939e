"""What recognition finds in a capture: words with their boxes and confidence, and their text.

Plain values, no engine: storage keeps them (one JSON array per capture), findings map a match in
the text back to the words it covers, the viewer draws their boxes and highlights those a search
matched (`matching_words`: the tokens of full-text search, see `search_tokens`). Coordinates are
pixels of the capture as stored (the engine's scaling is undone before a word leaves
recognition).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in capture pixels: left, top, width, height."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def union(self, other: Box) -> Box:
        left, top = min(self.left, other.left), min(self.top, other.top)
        right, bottom = max(self.right, other.right), max(self.bottom, other.bottom)
        return Box(left, top, right - left, bottom - top)

    def covered_by(self, other: Box, share: float = 0.9) -> bool:
        """Whether `other` covers at least `share` of this box's area."""
        width = min(self.right, other.right) - max(self.left, other.left)
        height = min(self.bottom, other.bottom) - max(self.top, other.top)
        if width <= 0 or height <= 0:
            return False
        area = max(1, self.width * self.height)
        return width * height >= share * area


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word: its text, box, confidence (0–100) and line number (0-based)."""

    text: str
    box: Box
    confidence: float
    line: int


def bounding(boxes: Iterable[Box]) -> Box | None:
    """The smallest box around `boxes` (None for none)."""
    result: Box | None = None
    for box in boxes:
        result = box if result is None else result.union(box)
    return result


def text_of(words: Sequence[Word]) -> str:
    """The words as text: one line per recognised line, words separated by one space."""
    lines: list[str] = []
    current = -1
    for word in words:
        if word.line != current:
            lines.append(word.text)
            current = word.line
        else:
            lines[-1] += " " + word.text
    return "\n".join(lines)


def word_spans(words: Sequence[Word]) -> list[tuple[int, int]]:
    """(start, end) of each word in `text_of(words)`, in the same order."""
    spans: list[tuple[int, int]] = []
    position = 0
    for index, word in enumerate(words):
        if index > 0:
            position += 1  # the space or the newline before it
        spans.append((position, position + len(word.text)))
        position += len(word.text)
    return spans


def words_to_json(words: Sequence[Word]) -> str:
    """Compact JSON: [[text, left, top, width, height, confidence, line], …]."""
    rows = [
        [w.text, w.box.left, w.box.top, w.box.width, w.box.height, round(w.confidence, 1), w.line]
        for w in words
    ]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def words_from_json(value: str) -> list[Word]:
    """The words of `words_to_json`; ValueError if `value` is not such an array."""
    rows = json.loads(value)
    if not isinstance(rows, list):
        raise ValueError("recognised words are not a list")
    words: list[Word] = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 7 and isinstance(row[0], str)):
            raise ValueError(
                "a recognised word is not [text, left, top, width, height, conf, line]"
            )
        numbers = row[1:]
        if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers):
            raise ValueError("a recognised word has a box that is not numbers")
        left, top, width, height = (int(n) for n in numbers[:4])
        words.append(
            Word(row[0], Box(left, top, width, height), float(numbers[4]), int(numbers[5]))
        )
    return words


_TOKEN = re.compile(r"[^\W_]+")


def search_tokens(text: str) -> list[str]:
    """The tokens SQLite's FTS5 (tokenizer unicode61, the default: what storage searches
    with) makes of `text`: runs of letters and digits, case folded, diacritics removed."""
    tokens = []
    for token in _TOKEN.findall(text):
        bare = "".join(
            c for c in unicodedata.normalize("NFKD", token) if not unicodedata.combining(c)
        )
        tokens.append(bare.casefold())
    return tokens


def matching_words(words: Sequence[Word], query: str) -> list[Word]:
    """The words a full-text search for `query` matched: those with a token of the query."""
    wanted = set(search_tokens(query))
    if not wanted:
        return []
    return [w for w in words if wanted.intersection(search_tokens(w.text))]
