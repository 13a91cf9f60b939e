"""The first-run hint card: the five keys that matter, read from the one table of actions.

The keys shown are the ones in use (the user's settings applied), so a changed key is never
misreported. The card is dismissible; the start window remembers that in the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from incident_recorder.domain import EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.ui.common.actions import ACTIONS, NOTE_KEYS


def _native(shortcut: str) -> str:
    return QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)


def _span(first: str, last: str) -> str:
    """``Alt+1`` … ``Alt+5`` as ``Alt+1…5`` when only the last key differs."""
    a, b = _native(first), _native(last)
    if not a or not b:
        return a or b or "(no key)"
    head, sep, _ = a.rpartition("+")
    if sep and b.startswith(head + sep):
        return f"{a}…{b[len(head) + 1 :]}"
    return f"{a} … {b}"


def key_in_effect(keys: Mapping[str, str], action_id: str) -> str:
    """The key of ``action_id`` in ``keys`` (the user's), else the actions table's default."""
    return keys.get(action_id, next(s.shortcut for s in ACTIONS if s.id == action_id))


def note_hint(keys: Mapping[str, str]) -> str:
    """The one-line key hint above the note field, with ``keys`` (action id → key) applied."""
    kinds = list(EntryKind)
    first, last = (key_in_effect(keys, f"kind_{k.value}") for k in (kinds[0], kinds[-1]))
    kind_span = _span(first, last)
    public = _native(key_in_effect(keys, "note_public")) or "(no key)"
    capture = _native(key_in_effect(keys, "capture_screen")) or "(no key)"
    return (
        "Enter save · Shift+Enter new line · Esc discard"
        f" · {kind_span} kind · {public} public · {capture} capture"
    )


def five_keys(keys: Mapping[str, str]) -> list[tuple[str, str]]:
    """(key, what it does) for the five keys a first-time user needs, with ``keys`` applied."""

    def key(action_id: str) -> str:
        return key_in_effect(keys, action_id)

    enter = next(k for k, _ in NOTE_KEYS if k == "Enter")
    kinds = list(EntryKind)
    milestones = list(Milestone)
    return [
        (f"Type, then {_native(enter)}", "Saves a note, stamped at its first keystroke"),
        (_native(key("capture_screen")) or "(no key)", "Captures the screen, from any app"),
        (
            _span(
                key(f"milestone_{milestones[0].value}"), key(f"milestone_{milestones[-1].value}")
            ),
            " · ".join(m.label for m in milestones),
        ),
        (
            _span(key(f"kind_{kinds[0].value}"), key(f"kind_{kinds[-1].value}")),
            "The kind of the note: " + ", ".join(k.label.lower() for k in kinds[:4]) + ", …",
        ),
        (_native(key("report")) or "(no key)", "Writes the report from the record"),
    ]


class HintCard(QFrame):
    """A calm card listing the five keys, with a "Got it" button that hides it for good."""

    dismissed = Signal()

    def __init__(self, keys: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hintCard")
        self.setAccessibleName("The five keys that matter")
        heading = QLabel("The five keys that matter")
        heading.setObjectName("sectionHeading")
        self.table = QLabel()
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.set_keys(keys)
        self.table.setAccessibleName("Keys")
        more = QLabel("Every key: F1 in the recorder window. Change them in Settings (Ctrl+,).")
        more.setObjectName("hint")
        self.dismiss_button = QPushButton("Got It")
        self.dismiss_button.setAccessibleName("Dismiss the key hints")
        self.dismiss_button.clicked.connect(self.dismissed.emit)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.dismiss_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(more)

    def set_keys(self, keys: Mapping[str, str]) -> None:
        """Show the five keys with ``keys`` (action id → key, the user's settings) applied."""
        rows = "".join(
            f"<tr><td style='padding:3px 18px 3px 0'><b>{escape(k)}</b></td>"
            f"<td style='padding:3px 0'>{escape(what)}</td></tr>"
            for k, what in five_keys(keys)
        )
        self.table.setText(f"<table>{rows}</table>")
