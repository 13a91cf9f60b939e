"""The kinds of timeline entry, in the order of their Ctrl+1 … Ctrl+9 keys."""

from __future__ import annotations

from enum import StrEnum


class EntryKind(StrEnum):
    """What an entry records. The order is the order of the kind keys (Ctrl+1 … Ctrl+9)."""

    OBSERVATION = "observation"
    DETECTION = "detection"
    IMPACT = "impact"
    ACTION = "action"
    DECISION = "decision"
    COMMUNICATION = "communication"
    CAUSE = "cause"
    RESOLUTION = "resolution"
    MITIGATION = "mitigation"  # added after the first eight, so their keys did not move

    @property
    def label(self) -> str:
        """The name shown to people ("Observation")."""
        return self.value.capitalize()

    @property
    def key_number(self) -> int:
        """1-based position: the N of Ctrl+N."""
        return list(EntryKind).index(self) + 1

    @classmethod
    def parse(cls, text: str) -> EntryKind:
        """The kind named by `text` (case-insensitive, unique prefixes allowed), or ValueError."""
        wanted = text.strip().lower()
        if not wanted:
            raise ValueError("empty kind")
        for kind in cls:
            if kind.value == wanted:
                return kind
        matches = [kind for kind in cls if kind.value.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            options = " or ".join(kind.value for kind in matches)
            raise ValueError(f"ambiguous kind {text!r}: {options}?")
        names = ", ".join(kind.value for kind in cls)
        raise ValueError(f"unknown kind {text!r} (one of: {names})")


DEFAULT_KIND = EntryKind.OBSERVATION


KIND_COLOURS: dict[EntryKind, str] = {
    EntryKind.OBSERVATION: "#64748b",
    EntryKind.DETECTION: "#d97706",
    EntryKind.IMPACT: "#dc2626",
    EntryKind.ACTION: "#2563eb",
    EntryKind.DECISION: "#7c3aed",
    EntryKind.COMMUNICATION: "#0d9488",
    EntryKind.CAUSE: "#be185d",
    EntryKind.RESOLUTION: "#16a34a",
    EntryKind.MITIGATION: "#0891b2",
}
"""The one colour each kind is shown in everywhere: the app's badges, the reports, the timeline
picture (white text reads on each)."""
