"""The note bar: type a note, its time fixed at the first keystroke; Enter saves it.

Shift+Enter adds a line, Esc discards the draft (Ctrl+Z in the empty field brings it back),
Ctrl+1 … Ctrl+9 (window actions) set the kind shown on the badge, Ctrl+P makes the note public
(a PUBLIC badge shows it; internal is the default, and both reset after saving). The bar only emits
`submitted`; whoever saves the note calls `committed()` once it is durable, or leaves the
draft in place if saving failed. A very large note (a pasted log) is confirmed first on an
inline bar (Enter again or Save saves it, Esc or Keep editing goes back to the field); the draft
stays in the field until it is saved. A window key the field would take for itself (Ctrl+End,
the end of the note) goes to the window's action instead (the newest entry).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from incident_recorder.domain import EntryKind
from incident_recorder.domain.kinds import DEFAULT_KIND
from incident_recorder.domain.text import is_large_note
from incident_recorder.domain.times import Clock
from incident_recorder.ui.common.style import adapt, badge_stylesheet, fixed_font
from incident_recorder.ui.recorder.hint_card import note_hint
from incident_recorder.ui.recorder.large_note import LargeNoteBar

MAX_VISIBLE_LINES = 5
_CHORD = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


@dataclass(frozen=True)
class Draft:
    text: str
    kind: EntryKind
    occurred_at: datetime | None


class NoteEdit(QPlainTextEdit):
    """The text field. Emits `submit` on Enter, `discard` on Esc, `restore` on Ctrl+Z when empty."""

    submit = Signal()
    discard = Signal()
    restore = Signal()
    page = Signal(int)
    pasted = Signal()
    paste_image: Callable[[], bool] | None = None
    """Called on Ctrl+V: True when it recorded the clipboard's image (text is pasted if not)."""
    break_before_typing = False
    """Set when a submitted note was not saved: the next character typed at the end of the
    field goes on a new line (NoteBar.not_saved)."""
    window_keys: frozenset[str] = frozenset()
    """Keys of the window's actions (portable text, as QKeySequence.toString gives it): they
    reach the window even where a text field has a use for them (Ctrl+End: the newest entry,
    not the end of the note)."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination()).toString()
            chord = event.modifiers() & _CHORD  # a typed character always stays the note's
            if chord and pressed in self.window_keys:
                event.ignore()  # not the field's: the window's action takes it
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if mods & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            elif not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
                self.submit.emit()
            return
        if key == Qt.Key.Key_Escape and not mods:
            self.discard.emit()
            return
        if event.matches(QKeySequence.StandardKey.Undo) and not self.toPlainText():
            self.restore.emit()
            return
        pastes = event.matches(QKeySequence.StandardKey.Paste)
        if pastes and self.paste_image is not None and self.paste_image():
            return
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.page.emit(-1 if key == Qt.Key.Key_PageUp else 1)
            return
        if self.break_before_typing and (pastes or event.text().isprintable() and event.text()):
            self.break_before_typing = False
            cursor = self.textCursor()
            if cursor.atEnd() and not cursor.hasSelection():
                cursor.insertText("\n")
                self.setTextCursor(cursor)
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 (Qt's name)
        super().insertFromMimeData(source)  # Ctrl+V, Shift+Insert, the menu, a drop
        self.pasted.emit()


class NoteBar(QWidget):
    """Time stamp, kind badge and note field. `submitted(text, kind, occurred_at)` on Enter."""

    submitted = Signal(str, object, object)
    draft_changed = Signal()
    discarded = Signal()

    def __init__(
        self, clock: Clock, local_zone: tzinfo | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._clock = clock
        self._local_zone = local_zone
        self._utc = False
        self._occurred_at: datetime | None = None
        self._kind = DEFAULT_KIND
        self._kind_chosen = False
        self._public = False
        self._discarded: Draft | None = None
        self._restoring = False

        self.stamp = QLabel()
        self.stamp.setFont(fixed_font(1))
        self.stamp.setAccessibleName("Time of the note being typed")
        self.stamp.setToolTip("The note's time: taken at its first keystroke")
        self.kind_badge = QToolButton()
        self.kind_badge.setAccessibleName("Kind of the note")
        self.kind_badge.setCursor(Qt.CursorShape.PointingHandCursor)
        self.kind_badge.clicked.connect(self._next_kind)
        self.public_badge = QToolButton()
        self.public_badge.setText("PUBLIC")
        self.public_badge.setAccessibleName("The note will be public")
        self.public_badge.setToolTip("This note will be saved public (Ctrl+P or click: internal)")
        self._style_public_badge()
        self.public_badge.clicked.connect(self.toggle_public)
        self.public_badge.hide()
        self.edit = NoteEdit()
        self.edit.setAccessibleName("Note")
        self.edit.setPlaceholderText(
            "Type what you see — the time is taken at your first keystroke. Enter saves."
        )
        self.edit.setTabChangesFocus(True)
        self.edit.submit.connect(self._submit)
        self.edit.discard.connect(self.discard)
        self.edit.restore.connect(self.restore)
        self.edit.pasted.connect(self._pasted)
        self.large_bar = LargeNoteBar()
        self.large_bar.save_button.clicked.connect(self._save_large)
        self.large_bar.keep_button.clicked.connect(self.keep_editing)
        self.edit.textChanged.connect(self._text_changed)
        self.hint = QLabel(note_hint({}))  # the table's keys until show_keys() gives the user's
        self.hint.setObjectName("hint")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.stamp)
        top.addWidget(self.kind_badge)
        top.addWidget(self.public_badge)
        top.addStretch(1)
        top.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 10)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.large_bar)
        layout.addWidget(self.edit)
        self._fit_height()
        self._show_stamp()
        self._show_kind()

    # -- state -------------------------------------------------------------------------------

    @property
    def kind(self) -> EntryKind:
        return self._kind

    @property
    def kind_chosen(self) -> bool:
        """True when the user set this note's kind (Ctrl+1 … Ctrl+9, the badge)."""
        return self._kind_chosen

    @property
    def occurred_at(self) -> datetime | None:
        return self._occurred_at

    @property
    def public(self) -> bool:
        """Whether the note being typed is saved public (Ctrl+P)."""
        return self._public

    def set_public(self, public: bool) -> None:
        self._public = public
        self.public_badge.setVisible(public)

    def toggle_public(self) -> None:
        self.set_public(not self._public)
        self.edit.setFocus()

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_kind(self, kind: EntryKind) -> None:
        self._kind = kind
        self._kind_chosen = True
        self._show_kind()
        self.draft_changed.emit()

    def show_keys(self, keys: Mapping[str, str]) -> None:
        """The hint line lists ``keys`` (action id → key in effect, the user's settings), and
        the field lets them through to the window (see NoteEdit.window_keys)."""
        self.hint.setText(note_hint(keys))
        self.edit.window_keys = frozenset(QKeySequence(k).toString() for k in keys.values() if k)

    def set_utc(self, utc: bool) -> None:
        self._utc = utc
        self._show_stamp()

    def draft(self) -> Draft:
        return Draft(self.text(), self._kind, self._occurred_at)

    def load_draft(self, draft: Draft) -> None:
        """Put a draft (discarded, or kept across a restart) back in the field."""
        self._restoring = True
        try:
            self.edit.setPlainText(draft.text)
        finally:
            self._restoring = False
        self._occurred_at = draft.occurred_at if draft.text else None
        self._kind = draft.kind
        self._kind_chosen = draft.kind != DEFAULT_KIND
        self.edit.moveCursor(QTextCursor.MoveOperation.End)
        self._show_stamp()
        self._show_kind()
        self.draft_changed.emit()

    def stamp_if_empty(self, occurred_at: datetime) -> None:
        """Stamp the next note with ``occurred_at`` (a key press) unless a draft is under way."""
        if self.text():
            return
        self._occurred_at = occurred_at
        self._show_stamp()

    # -- actions -----------------------------------------------------------------------------

    def committed(self) -> None:
        """The submitted note is durable: clear the field for the next one."""
        self.edit.break_before_typing = False
        self._restoring = True
        try:
            self.edit.clear()
        finally:
            self._restoring = False
        self._occurred_at = None
        self._kind = DEFAULT_KIND
        self._kind_chosen = False
        self.large_bar.hide()
        self.set_public(False)
        self._show_stamp()
        self._show_kind()
        self.draft_changed.emit()

    @property
    def asking(self) -> bool:
        """True while the large-note question is shown (nothing is saved until it is answered)."""
        return self.large_bar.isVisible()

    def not_saved(self) -> None:
        """The submitted note was not saved: it stays in the field as it is, and what is typed
        next at its end starts on a line of its own. Whoever pressed Enter believes the note is
        saved and types the next one: it must not run into the failed one ("…typed fastthird")."""
        text = self.edit.toPlainText()
        self.edit.break_before_typing = bool(text.strip()) and not text.endswith("\n")

    def keep_editing(self) -> None:
        """Answer 'Keep editing': the question goes, the draft stays in the field."""
        self.large_bar.hide()
        self.edit.setFocus()

    def discard(self) -> None:
        if self.asking:  # Esc answers the question first; a second Esc discards
            self.keep_editing()
            return
        if not self.text():
            return
        self._discarded = self.draft()
        self.committed()
        self.discarded.emit()

    def restore(self) -> None:
        if self._discarded is not None and not self.text():
            draft, self._discarded = self._discarded, None
            self.load_draft(draft)

    def _submit(self) -> None:
        text = self.text()
        if not text.strip():
            return
        if is_large_note(text) and not self.asking:
            self.large_bar.ask(text)  # asked once: Enter again (or Save) saves it
            return
        self._emit(text)

    def _save_large(self) -> None:
        if self.text().strip():
            self._emit(self.text())
        self.edit.setFocus()

    def _emit(self, text: str) -> None:
        occurred = self._occurred_at or self._clock()
        self.submitted.emit(text, self._kind, occurred)

    def _pasted(self) -> None:
        text = self.text()
        if is_large_note(text) and not self.asking:
            self.large_bar.ask(text)

    def _text_changed(self) -> None:
        if not self._restoring:
            if self.text() and self._occurred_at is None:
                self._occurred_at = self._clock()  # the first keystroke of this note
            elif not self.text():
                self._occurred_at = None
        if self.asking:
            text = self.text()
            if is_large_note(text):
                self.large_bar.ask(text)  # the figures follow the edits
            else:
                self.large_bar.hide()
        self._show_stamp()
        self._fit_height()
        self.draft_changed.emit()

    def _next_kind(self) -> None:
        kinds = list(EntryKind)
        self.set_kind(kinds[(kinds.index(self._kind) + 1) % len(kinds)])
        self.edit.setFocus()

    # -- display -----------------------------------------------------------------------------

    def _show_stamp(self) -> None:
        if self._occurred_at is None:
            self.stamp.setText("○ --:--:--")
            self.stamp.setStyleSheet("color: palette(placeholder-text);")
            return
        zone = UTC if self._utc else self._local_zone
        shown = self._occurred_at.astimezone(zone)
        suffix = " UTC" if self._utc else ""
        self.stamp.setText(f"● {shown:%H:%M:%S}{suffix}")
        self.stamp.setStyleSheet(f"color: {adapt('#dc2626')}; font-weight: 600;")

    def _style_public_badge(self) -> None:
        teal = adapt("#0f766e")
        self.public_badge.setStyleSheet(
            f"color: {teal}; border: 1px solid {teal}; border-radius: 4px; padding: 1px 6px;"
            " font-weight: 600; font-size: 8pt;"
        )

    def restyle(self) -> None:
        """Colours again for a new light/dark palette."""
        self._style_public_badge()
        self._show_stamp()

    def _show_kind(self) -> None:
        self.kind_badge.setText(self._kind.label)
        self.kind_badge.setStyleSheet(badge_stylesheet(self._kind))
        self.kind_badge.setToolTip("Kind of this note: Ctrl+1 … Ctrl+9, or click to change")

    def _fit_height(self) -> None:
        metrics = QFontMetrics(self.edit.font())
        lines = min(MAX_VISIBLE_LINES, max(2, self.edit.document().blockCount()))
        margins = self.edit.contentsMargins()
        frame = 2 * self.edit.frameWidth() + margins.top() + margins.bottom()
        self.edit.setFixedHeight(lines * metrics.lineSpacing() + frame + 10)
