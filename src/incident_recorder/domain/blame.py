"""Blame-oriented language: the word lists the review before export checks, and finding them.

Three lists, shipped in resources/review/ and extended by a team's own files:
`*-phrases.txt` (any other name too): `phrase<TAB>hint`, phrases that read as blame ("human
error", "should have"); `*verbs.txt`: verbs of failure ("deleted", "failed to") that read as blame
with a person as their subject; `*not-names.txt`: capitalised words never taken for a person's
name. Lines starting with `#` are comments. A bad line is reported, never fatal.

Matching ignores case, works on whole words, and treats the apostrophes ' ’ ‘ ʼ alike (a missing
one too: "didnt bother"). One combined pattern per list keeps 10,000 entries well under a second.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from incident_recorder.domain.text import comparable

DEFAULT_HINT = (
    "Describe the condition that allowed it: what made the mistake easy to make and hard to notice?"
)
PRONOUNS = frozenset({"he", "she", "someone", "somebody", "whoever"})
"""Subjects that are a person without being a name."""
_APOSTROPHE = "['’‘ʼ]"
_NO_APOSTROPHES = str.maketrans("", "", "'’‘ʼ")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
_WORD = re.compile(r"[^\W\d_]+")
_LOWER_INITIAL = re.compile(r"(?<!\w)[a-z\u00df-\u00ff][^\W\d_]*")
_NOUN_ENDINGS = ("tion", "sion", "ment", "ing", "ness", "ity", "ance", "ence", "ure", "ism")
_ADVERBS = "[^\\W\\d_]+ly|had|has|have|then|also|just|again|apparently|probably|never"


@dataclass(frozen=True, slots=True)
class BlamePhrase:
    phrase: str
    hint: str = DEFAULT_HINT


def _key(text: str) -> str:
    return " ".join(text.lower().translate(_NO_APOSTROPHES).split())


def _first_words(terms: Iterable[str]) -> frozenset[str]:
    """The first word of each term as `_words` reads it: a text without any of them is skipped
    before the (slower) combined pattern runs."""
    return frozenset(found[0] for term in terms if (found := _words(term)))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().translate(_NO_APOSTROPHES))


def _alternation(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of `terms` as whole words, longest first."""
    parts = []
    for term in sorted(set(terms), key=len, reverse=True):
        words = [
            f"{_APOSTROPHE}?".join(re.escape(piece) for piece in re.split(_APOSTROPHE, word))
            for word in term.split()
        ]
        parts.append(r"\s+".join(words))
    if not parts:
        return None
    return re.compile(r"(?<![\w'’])(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class BlamePhrases:
    """The merged word lists, compiled once. `problems` holds the bad lines that were skipped."""

    phrases: tuple[BlamePhrase, ...] = ()
    failure_verbs: tuple[str, ...] = ()
    not_names: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()
    _hints: dict[str, str] = field(init=False, repr=False, compare=False)
    _phrase_re: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _subject_re: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _phrase_starts: frozenset[str] = field(init=False, repr=False, compare=False)
    _verb_starts: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hints = {_key(p.phrase): p.hint for p in self.phrases}  # a later (team) hint wins
        verbs = _alternation(self.failure_verbs)
        subject = None
        if verbs is not None:
            subject = re.compile(
                r"(?<![\w'’@./-])(?P<subject>[^\W\d_]+)(?:\s+(?:" + _ADVERBS + r"))?\s+"
                r"(?P<verb>" + verbs.pattern + ")",
                re.IGNORECASE,
            )
        object.__setattr__(self, "_hints", hints)
        object.__setattr__(self, "_phrase_re", _alternation(p.phrase for p in self.phrases))
        object.__setattr__(self, "_subject_re", subject)
        object.__setattr__(self, "_phrase_starts", _first_words(p.phrase for p in self.phrases))
        object.__setattr__(self, "_verb_starts", _first_words(self.failure_verbs))

    def hint_for(self, phrase: str) -> str:
        return self._hints.get(_key(phrase), DEFAULT_HINT)


def load_phrases(paths: Sequence[Path]) -> BlamePhrases:
    """Merge the lists in `paths` (the shipped ones first, then a team's); never raises.

    A file whose name ends in `verbs.txt` lists failure verbs, one ending in `not-names.txt`
    words that are never names; any other file phrases (`phrase<TAB>hint`).
    """
    phrases: list[BlamePhrase] = []
    verbs: list[str] = []
    not_names: set[str] = set()
    problems: list[str] = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{path}: cannot be read ({error}); its words are not checked")
            continue
        name = path.name.lower()
        for number, raw in enumerate(lines, start=1):
            line = raw.rstrip()  # not strip(): a leading tab means no phrase before it
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            where = f"{path.name} line {number}"
            term, tab, hint = line.partition("\t")
            term, hint = " ".join(term.split()), hint.strip()
            if not _WORD.search(term):
                problems.append(f"{where}: no word before the tab ({raw.strip()!r}); skipped")
            elif name.endswith("verbs.txt") or name.endswith("not-names.txt"):
                if tab:
                    problems.append(f"{where}: a tab in a word list ({raw.strip()!r}); skipped")
                elif name.endswith("verbs.txt"):
                    verbs.append(term)
                elif " " in term:
                    problems.append(f"{where}: one word a line ({term!r}); skipped")
                else:
                    not_names.add(term.lower())
            elif "\t" in hint:
                problems.append(f"{where}: more than one tab ({raw.strip()!r}); skipped")
            else:
                phrases.append(BlamePhrase(term, hint if tab and hint else DEFAULT_HINT))
    return BlamePhrases(tuple(phrases), tuple(verbs), frozenset(not_names), tuple(problems))


@dataclass(frozen=True, slots=True)
class BlameSentence:
    """A sentence holding blame-oriented language: what was found, whom it names, the hint."""

    sentence: str
    terms: tuple[str, ...]
    people: tuple[str, ...]
    hint: str


class BlameScanner:
    """Finds blame in the texts of one incident.

    `names` are known people (roles, authors); `never_names` words that are not (services,
    kinds, months…); `corpus` every text of the incident: a capitalised word the record also
    writes in lower case ("Deploy", "deploy") is a common word, not a name.
    """

    def __init__(
        self,
        phrases: BlamePhrases,
        *,
        names: Iterable[str] = (),
        never_names: Iterable[str] = (),
        corpus: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self._phrases = phrases
        self._names = {  # each word of a name ("Dana", "Smith"), but no initial ("A.")
            word.lower() for name in names for word in _WORD.findall(name) if len(word) > 1
        }
        self._never = {word.lower() for word in never_names} | phrases.not_names
        self._corpus = corpus
        self._lower_words: set[str] | None = None

    def scan(self, text: str) -> list[BlameSentence]:
        """The sentences of `text` that hold blame. The text is matched as `comparable` makes
        it (NFKC, no zero-width or bidi characters), so 'bl\u200bame' or a full-width 'ｂｌａｍｅ'
        is found; the sentences given back are of that text."""
        text = comparable(text)
        found: dict[tuple[int, int], tuple[list[str], list[str], list[str]]] = {}
        sentences = _Sentences(text)
        lists = self._phrases
        words = set(_words(text))
        phrase_re = lists._phrase_re if words & lists._phrase_starts else None
        for match in phrase_re.finditer(text) if phrase_re else ():
            terms, _, hints = found.setdefault(sentences.around(match.start()), ([], [], []))
            terms.append(" ".join(match.group().split()))
            hints.append(self._phrases.hint_for(match.group()))
        subject_re = lists._subject_re if words & lists._verb_starts else None
        if subject_re is not None:
            for match in subject_re.finditer(text):
                subject = match.group("subject")
                span = sentences.around(match.start())
                if not self._is_person(subject, initial=not text[span[0] : match.start()].strip()):
                    continue
                terms, people, _ = found.setdefault(span, ([], [], []))
                terms.append(" ".join(match.group("verb").split()))
                people.append(subject)
        result = []
        for (start, end), (terms, people, hints) in sorted(found.items()):
            hint = DEFAULT_HINT if people or not hints else hints[0]
            unique = tuple(dict.fromkeys(terms))
            named = tuple(dict.fromkeys(people))
            result.append(BlameSentence(text[start:end], unique, named, hint))
        return result

    def _is_person(self, word: str, *, initial: bool) -> bool:
        lower = word.lower()
        if lower in self._names or lower in PRONOUNS:
            return True
        if len(word) < 2 or not (word[0].isupper() and word[1:].islower()):
            return False
        if lower in self._never or (initial and lower.endswith(_NOUN_ENDINGS)):
            return False
        if self._lower_words is None:
            corpus = comparable("\n".join(self._corpus()))
            self._lower_words = set(map(str.lower, _LOWER_INITIAL.findall(corpus)))
        return lower not in self._lower_words


class _Sentences:
    """Where the sentences of one text end, found once (a 1 MB note with thousands of matches
    stays linear)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._ends: list[int] | None = None

    def around(self, at: int) -> tuple[int, int]:
        """The start and end of the sentence holding position `at`, blanks around it left out."""
        text = self._text
        if self._ends is None:
            self._ends = [match.end() for match in _SENTENCE_END.finditer(text)]
        index = bisect.bisect_right(self._ends, at)
        start = self._ends[index - 1] if index else 0
        stop = self._ends[index] if index < len(self._ends) else len(text)
        while start < stop and text[start].isspace():
            start += 1
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        return start, stop
