"""What was read in a capture, as a report shows it: the recognised text with every finding and
every redacted word masked, and the findings (kind, box, handled) — never a secret's value.

Filled in by the session (session/findings.py `readings`) for an export; empty otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

MASK = "[redacted]"


@dataclass(frozen=True, slots=True)
class FindingMark:
    """One finding of an entry: its kind, what it looks like, its box in capture pixels
    (left, top, width, height; None in a note or caption), how it was handled (None: not yet;
    'redacted' or 'dismissed') and, in a note or caption, its span in the entry's text (start,
    end: characters; None in a capture's recognised text)."""

    kind: str
    label: str
    box: tuple[int, int, int, int] | None
    handled: str | None
    span: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """An entry's capture text (masked; None when not recognised) and findings."""

    text: str | None
    findings: tuple[FindingMark, ...] = ()

    def unhandled(self) -> list[FindingMark]:
        return [finding for finding in self.findings if finding.handled is None]

    def summary(self, words: int = 24) -> str:
        """The first `words` words of the text, for an image's alt text (plain characters)."""
        if not self.text:
            return ""
        kept = [w for w in self.text.split() if w != MASK][:words]
        plain = "".join(c if c.isalnum() or c in " .,:%-/" else " " for c in " ".join(kept))
        return " ".join(plain.split())
