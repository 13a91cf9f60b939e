"""Secrets and personal data in text: credentials, e-mail addresses, card numbers, IP addresses,
host names of the team's own domains.

Credentials are found by Yelp's detect-secrets plugins (AWS keys, GitHub and Slack tokens, JWTs,
private keys) and, after `token=`, `password=` and the like, by detect-secrets' Shannon entropy.
The rest are patterns in resources/findings/patterns.txt (card numbers Luhn-checked) and the
domains of resources/findings/own-domains.txt, which a team extends like the review word lists.
Text read from a screen has misread characters (Tesseract read AKIAIOSFODNN7EXAMPLE as
AKIAITOSFODNN7EXAMPLE, and I as l, and split a long token with spaces): `find` with
`recognised=True` also looks at each line upper-cased and with the spaces inside words removed
(a credential split at most MAX_SPLITS times), and allows an AWS key one character off. A
finding carries where it is and a key derived from its value, never the value itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LABELS = {
    "aws_key": "an AWS access key",
    "github_token": "a GitHub token",
    "slack_token": "a Slack token",
    "jwt": "a JSON Web Token",
    "private_key": "a private key",
    "secret": "a password or token",
}
_PLUGIN_KINDS = {
    "AWSKeyDetector": "aws_key",
    "GitHubTokenDetector": "github_token",
    "SlackDetector": "slack_token",
    "JwtTokenDetector": "jwt",
    "PrivateKeyDetector": "private_key",
}
_ASSIGNED = re.compile(
    r"(?i)\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|auth)"
    r"[\w-]*\s*[:=]\s*[\"']?([^\s\"']{8,})"
)
ENTROPY_LIMIT = 3.0
"""Bits per character above which a value after `token=` is taken for a secret (a word is ~2.5,
a random base64 or hex token 3.5–5)."""
_AWS = ("AKIA", "ASIA", "ABIA", "ACCA")
MAX_SPLITS = 3
"""Spaces a credential read from a screen may have been split by and still be caught."""


@dataclass(frozen=True, slots=True)
class Pattern:
    kind: str
    label: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Rules:
    """What to look for besides credentials: patterns and the team's own domains."""

    patterns: tuple[Pattern, ...]
    own_domains: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def label(self, kind: str) -> str:
        if kind == "host":
            return "a host name of our own"
        for pattern in self.patterns:
            if pattern.kind == kind:
                return pattern.label
        return LABELS.get(kind, kind.replace("_", " "))


@dataclass(frozen=True, slots=True)
class TextFinding:
    """Something sensitive at text[start:end]; `key` names it without holding it."""

    kind: str
    label: str
    start: int
    end: int
    key: str


def load_rules(pattern_files: Iterable[Path], domain_files: Iterable[Path] = ()) -> Rules:
    """Rules from files of patterns and of domains; a bad line is a problem, not an error."""
    patterns: list[Pattern] = []
    problems: list[str] = []
    for path in pattern_files:
        for number, line in _lines(path):
            parts = line.split("\t")
            if len(parts) != 3 or not parts[0].strip():
                problems.append(f"{path.name} line {number}: not KIND<TAB>LABEL<TAB>REGEX")
                continue
            try:
                regex = re.compile(parts[2])
            except re.error as error:
                problems.append(f"{path.name} line {number}: {error}")
                continue
            patterns.append(Pattern(parts[0].strip(), parts[1].strip(), regex))
    domains = tuple(
        line.lower().lstrip(".") for path in domain_files for _, line in _lines(path) if line
    )
    return Rules(tuple(patterns), domains, tuple(problems))


def _lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [
        (number, line.rstrip("\n"))
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


@cache
def _plugins() -> tuple[Any, ...]:
    from detect_secrets.plugins.aws import AWSKeyDetector
    from detect_secrets.plugins.github_token import GitHubTokenDetector
    from detect_secrets.plugins.jwt import JwtTokenDetector
    from detect_secrets.plugins.private_key import PrivateKeyDetector
    from detect_secrets.plugins.slack import SlackDetector

    return (
        AWSKeyDetector(),
        GitHubTokenDetector(),
        SlackDetector(),
        JwtTokenDetector(),
        PrivateKeyDetector(),
    )


def _entropy(value: str) -> float:
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString

    return float(Base64HighEntropyString().calculate_shannon_entropy(value))


def _token_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen text[start:end] to the whitespace-delimited token(s) holding it."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _key(salt: str, kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{salt}\0{kind}\0{value}".encode()).hexdigest()
    return f"{kind}:{digest[:16]}"


def luhn(digits: str) -> bool:
    numbers = [int(d) for d in digits if d.isdigit()]
    if not 13 <= len(numbers) <= 19:
        return False
    total = 0
    for index, number in enumerate(reversed(numbers)):
        if index % 2:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return total % 10 == 0


def find(text: str, rules: Rules, *, salt: str = "", recognised: bool = False) -> list[TextFinding]:
    """Everything sensitive in `text`, in order of position (overlaps: the first kind found)."""
    spans: list[tuple[int, int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        spans += [(offset + s, offset + e, kind) for s, e, kind in _in_line(line, recognised)]
        offset += len(line)
    variants = [(text, list(range(len(text) + 1)))]
    if recognised:  # Tesseract reads a name ending a line as "jane. doe@example. com"
        variants.append(_closed_dots(text))
    for variant, position in variants:
        found_here: list[tuple[int, int, str]] = []
        for pattern in rules.patterns:
            for match in pattern.regex.finditer(variant):
                if pattern.kind == "card" and not luhn(match.group()):
                    continue
                found_here.append((match.start(), match.end(), pattern.kind))
        found_here += _hosts(variant, rules.own_domains)
        spans += [(position[s], position[e - 1] + 1, kind) for s, e, kind in found_here]
    found: list[TextFinding] = []
    taken: list[tuple[int, int]] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        value = text[start:end]
        found.append(TextFinding(kind, rules.label(kind), start, end, _key(salt, kind, value)))
    return found


def _in_line(line: str, recognised: bool) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    identity = list(range(len(line) + 1))
    variants = [(line, identity)]
    if recognised:
        joined, positions = _joined(line)
        variants += [(line.upper(), identity), (joined, positions), (joined.upper(), positions)]
    for variant, position in variants:
        for plugin in _plugins():
            if not plugin.analyze_line(filename="text", line=variant, line_number=1):
                continue  # the plugin's own checks (a JWT must decode) say no
            kind = _PLUGIN_KINDS[type(plugin).__name__]
            for regex in plugin.denylist:  # the plugin's patterns give the whole match
                for match in regex.finditer(variant):
                    start, end = position[match.start()], position[match.end() - 1] + 1
                    if line.count(" ", start, end) <= MAX_SPLITS:
                        spans.append((*_token_around(line, start, end), kind))
    for match in _ASSIGNED.finditer(line):
        value = match.group(1)
        if _entropy(value) >= ENTROPY_LIMIT and any(c.isdigit() for c in value):
            spans.append((match.start(1), match.end(1), "secret"))
    if recognised:
        for token in re.finditer(r"\S{19,24}", line):
            if _one_off_aws(token.group()):
                spans.append((token.start(), token.end(), "aws_key"))
    return spans


def _joined(line: str) -> tuple[str, list[int]]:
    """`line` with single spaces between letters or digits removed (Tesseract splits a long
    token where its glyphs are spaced: `ghp_a1B2c3D4e5F 6g 7H8…`), and for each position of
    the result the position in `line` (one more, for the end)."""
    kept: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(line):
        between = 0 < index < len(line) - 1 and line[index - 1].isalnum()
        if char == " " and between and line[index + 1].isalnum():
            continue
        kept.append(char)
        positions.append(index)
    positions.append(len(line))
    return "".join(kept), positions


def _closed_dots(text: str) -> tuple[str, list[int]]:
    """`text` without the space Tesseract puts after a dot inside a name (`example. com`: a
    dot after a letter or digit, then one space, then a letter or digit), and for each
    position of the result the position in `text` (one more, for the end)."""
    kept: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if (
            char == " "
            and 2 <= index < len(text) - 1
            and text[index - 1] == "."
            and text[index - 2].isalnum()
            and text[index + 1].isalnum()
        ):
            continue
        kept.append(char)
        positions.append(index)
    positions.append(len(text))
    return "".join(kept), positions


def _one_off_aws(token: str) -> bool:
    """An AWS access key id (AKIA + 16) with at most one character misread, added or dropped."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", token).upper()
    misread = len(token) - len(cleaned) + abs(len(cleaned) - 20)
    if misread > 1 or not cleaned.isalnum():
        return False
    prefix_off = min(sum(a != b for a, b in zip(cleaned[:4], p, strict=True)) for p in _AWS)
    return misread + prefix_off <= 1


_HOST = re.compile(r"\b(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}\b")


def _hosts(text: str, domains: Sequence[str]) -> list[tuple[int, int, str]]:
    if not domains:
        return []
    spans = []
    for match in _HOST.finditer(text):
        name = match.group().lower()
        if any(name == d or name.endswith("." + d) for d in domains):
            before = text[match.start() - 1] if match.start() > 0 else ""
            if before != "@":  # an e-mail address is its own finding
                spans.append((match.start(), match.end(), "host"))
    return spans
