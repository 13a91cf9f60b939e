"""Curating the timeline from the recorder window: edit, history, star / public / hide, add past
entries, filter, milestone markers.

`Curation` is handed what it works with (the session, the timeline model and view, the note bar,
the window's actions table, the window's status bar and error box through `WindowHost`). It
makes the filter bar and a stack of the whole and the filtered timeline, which the window lays
out, and hooks the views (double-click on a note, context menu); `handlers()` gives the window the
functions of the curation actions of the actions table. Every change is one revision written
through the session, then shown. Filtering runs off the UI thread (timeline_filter.FilterJob);
its result is shown in the second view of the stack, so closing the filter (Esc) only switches
back to the whole timeline, which was never reset (instant with 100,000 entries), following its
tail.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QPoint, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QStackedWidget, QWidget

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.times import Clock
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFileError, Record
from incident_recorder.ui.common.window_host import WindowHost
from incident_recorder.ui.recorder.note_bar import NoteBar
from incident_recorder.ui.timeline.filter_bar import FilterBar
from incident_recorder.ui.timeline.timeline_filter import (
    FilteredTimeline,
    FilterJob,
    FilterResult,
    TimelineFilter,
    search_places,
)
from incident_recorder.ui.timeline.timeline_model import TimelineModel
from incident_recorder.ui.timeline.timeline_view import TimelineView

if TYPE_CHECKING:  # the dialogs are imported when first opened (start-up stays short)
    from incident_recorder.ui.recorder.entry_editor import EntryEditor
    from incident_recorder.ui.recorder.entry_history import EntryHistory
    from incident_recorder.ui.recorder.past_entry import PastEntryDialog

TYPING_DEBOUNCE_MS = 150
_D = TypeVar("_D", bound=QDialog)


class Curation(QObject):
    """The curation of one window's timeline (`window`: the dialogs' parent).

    Emits `capture_activated(entry, query)` when a capture is asked for from the filtered view
    or the context menu (the window opens it, as for the whole timeline's double-click), with
    the filter's text while the filtered timeline is shown (the viewer highlights its words).
    """

    capture_activated = Signal(object, str)

    def __init__(
        self,
        session: IncidentSession,
        model: TimelineModel,
        timeline_view: TimelineView,
        note_bar: NoteBar,
        actions: Mapping[str, QAction],
        *,
        clock: Clock,
        local_zone: tzinfo | None,
        host: WindowHost,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._session = session
        self._note_bar = note_bar
        self._actions = actions  # the window's actions table, filled once its actions are made
        self._host = host
        self._window = window
        self._clock = clock
        self._local_zone = local_zone
        self.model = model
        self.timeline_view = timeline_view
        self.filtered = FilteredTimeline(model, self)
        self.filter_view = TimelineView()
        self.filter_view.setAccessibleName("Filtered timeline")
        self.filter_view.setModel(self.filtered)
        self.bar = FilterBar()
        """The filter bar, laid out by the window above `stack`."""
        self.stack = QStackedWidget()
        """The whole timeline, or the filtered one over it; laid out by the window."""
        self.stack.addWidget(timeline_view)
        self.stack.addWidget(self.filter_view)
        self.bar.changed.connect(self._filter_changed)
        self.bar.closed.connect(self._bar_closed)
        self.bar.hidden.toggled.connect(self._show_hidden_toggled)
        self._wanted = TimelineFilter()
        self._generation = 0
        self._pending: list[tuple[Record | None, Record | None]] | None = None
        self._jobs: list[FilterJob] = []
        self._result = FilterResult([])
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.timeout.connect(self.run_filter)
        self.model.record_changed.connect(self._record_changed)
        for counted in (self.filtered, self.model):  # "12 of 4,301": both numbers can move
            counted.rowsInserted.connect(self._show_count)
            counted.rowsRemoved.connect(self._show_count)
        self.last_hidden: int | None = None
        self.dialogs: list[QDialog] = []
        for view in (self.timeline_view, self.filter_view):
            view.entry_activated.connect(self.edit_entry)
            view.context_menu.connect(self._context_menu)
        self.filter_view.capture_activated.connect(
            lambda entry: self.capture_activated.emit(entry, self.search_text())
        )
        note_bar.edit.page.connect(self._page_filtered)
        self._markers = QTimer(self)
        self._markers.setSingleShot(True)
        self._markers.timeout.connect(self.refresh_markers)
        self.model.rowsInserted.connect(self._markers.start)
        self.model.modelReset.connect(self._markers.start)
        # The window also calls refresh_markers after another program's commit (the live poll)
        # and after its own milestone or details changes: a milestone cleared or moved adds no
        # row, but moves a marker.
        self.refresh_markers()

    def handlers(self) -> dict[str, Callable[..., object]]:
        """Action id → its function, for the window's actions table."""
        return {
            "edit_entry": lambda: self.edit_entry(),
            "entry_history": lambda: self.show_history(),
            "toggle_star": lambda: self.toggle("starred"),
            "toggle_public": lambda: self.toggle("public"),
            "hide_entry": lambda: self.toggle("hidden"),
            "add_past_entry": self.add_past_entry,
            "note_public": self._note_bar.toggle_public,
            "filter_timeline": self.bar.open_bar,
            "show_hidden": self.bar.set_show_hidden,
            "jump_latest": lambda: self.view.follow_latest(),  # the view on screen
        }

    # -- the selected entry ------------------------------------------------------------------

    def selected(self) -> Entry | None:
        entry = self.view.selected_entry()
        if entry is None:
            self._host.statusBar().showMessage(
                "Select an entry in the timeline first (click it)", 5000
            )
        return entry

    def _shown(self, entry: Entry, message: str) -> None:
        """A revision is durable and shown (the session told the model): keep it selected, say
        so."""
        self.view.select_entry(entry.id, scroll=False)
        self._host.statusBar().showMessage(message, 6000)

    def _failed(self, what: str, error: Exception) -> None:
        self._host.show_error(what, str(error))

    def toggle(self, flag: str) -> Entry | None:
        """Star, public or hidden on the selected entry flipped: one revision."""
        entry = self.selected()
        if entry is None:
            return None
        value = not getattr(entry, flag)
        try:
            changes: dict[str, Any] = {flag: value}
            revised = self._session.revise(entry.id, **changes)
        except (ValueError, IncidentFileError) as error:
            self._failed("The entry was not changed", error)
            return None
        key = self._actions["entry_history"].shortcut().toString()
        messages = {
            ("starred", True): "Starred",
            ("starred", False): "Star removed",
            ("public", True): "Marked public",
            ("public", False): "Marked internal",
            ("hidden", True): f"Hidden — {key} to see history",
            ("hidden", False): "Shown again",
        }
        if flag == "hidden" and value:
            self.last_hidden = entry.id
        self._shown(revised, messages[(flag, value)] + f" (revision {revised.revision})")
        return revised

    # -- dialogs -----------------------------------------------------------------------------

    def _open(self, dialog: _D) -> _D:
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        dialog.open()
        return dialog

    def edit_entry(self, entry: Entry | None = None) -> EntryEditor | None:
        entry = entry or self.selected()
        if entry is None:
            return None
        from incident_recorder.ui.recorder.entry_editor import EntryEditor

        editor = EntryEditor(
            self._session,
            entry,
            now=self._clock(),
            local_zone=self._local_zone,
            utc=self.model.utc,
            parent=self._window,
        )
        editor.saved.connect(
            lambda e: self._shown(e, f"Entry saved (revision {e.revision}; earlier ones kept)")
        )
        return self._open(editor)

    def show_history(self) -> EntryHistory | None:
        entry = self.view.selected_entry()
        entry_id = entry.id if entry is not None else self.last_hidden
        if entry_id is None:
            self.selected()  # says what to do
            return None
        from incident_recorder.ui.recorder.entry_history import EntryHistory

        try:
            dialog = EntryHistory(
                self._session,
                entry_id,
                local_zone=self._local_zone,
                utc=self.model.utc,
                parent=self._window,
            )
        except IncidentFileError as error:
            self._failed("The history cannot be read", error)
            return None
        dialog.unhidden.connect(lambda e: self._shown(e, "Shown again"))
        return self._open(dialog)

    def add_past_entry(self) -> PastEntryDialog:
        from incident_recorder.ui.recorder.past_entry import PastEntryDialog

        keys = {k: self._actions[f"kind_{k.value}"].shortcut() for k in EntryKind}
        dialog = PastEntryDialog(
            self._session,
            now=self._clock(),
            local_zone=self._local_zone,
            utc=self.model.utc,
            kind_keys=keys,  # the window's, with the user's settings applied
            parent=self._window,
        )
        dialog.saved.connect(self._past_saved)
        return self._open(dialog)

    def _past_saved(self, entry: Entry) -> None:
        self.view.select_entry(entry.id)
        when = self.model.format_time(entry.occurred_at)
        self._host.statusBar().showMessage(f"Past entry added at {when}", 6000)

    def _context_menu(self, entry: Entry, where: QPoint) -> QMenu:
        menu = QMenu(self.view)
        if entry.capture is not None:
            menu.addAction(
                "&Open Capture", lambda: self.capture_activated.emit(entry, self.search_text())
            )
        actions = self._actions
        for action_id in ("edit_entry", "entry_history"):
            menu.addAction(actions[action_id])
        menu.addSeparator()
        for action_id in ("toggle_star", "toggle_public", "hide_entry"):
            menu.addAction(actions[action_id])
        menu.popup(where)
        return menu

    # -- milestone markers -------------------------------------------------------------------

    def refresh_markers(self) -> None:
        """Re-read which entries mark a milestone (cheap: one small query)."""
        with suppress(IncidentFileError):  # the live updates report an unreadable file
            self.model.set_milestones(self._session.file.milestone_entries())

    # -- filtering ---------------------------------------------------------------------------

    def _show_hidden_toggled(self, shown: bool) -> None:
        action = self._actions.get("show_hidden")
        if action is not None and action.isChecked() != shown:
            action.setChecked(shown)

    def _filter_changed(self, wanted: TimelineFilter) -> None:
        typing = wanted.text != self._wanted.text and not wanted.is_plain  # Esc: at once
        self._wanted = wanted
        self._debounce.start(TYPING_DEBOUNCE_MS if typing else 0)

    def run_filter(self) -> FilterJob | None:
        """Filter in the background; the plain timeline is shown at once."""
        wanted = self._wanted
        self._generation += 1
        if wanted.is_plain:
            self._pending = None
            self.filtered.deactivate()
            self.stack.setCurrentWidget(self.timeline_view)
            return None
        self._pending = []
        search = partial(search_places, self._session.file.path)  # notes, captions, capture text
        job = FilterJob(self._generation, self.filtered.snapshot(wanted), wanted, search)
        job.setAutoDelete(False)
        job.signals.done.connect(self._filter_done)
        self._jobs.append(job)
        QThreadPool.globalInstance().start(job)
        return job

    def _record_changed(self, old: Record | None, new: Record | None) -> None:
        if self._pending is not None:
            self._pending.append((old, new))

    def _filter_done(self, generation: int, result: FilterResult) -> None:
        self._jobs = [job for job in self._jobs if job.generation > generation]
        if generation != self._generation or self._pending is None:
            return  # a newer question is on its way
        pending, self._pending = self._pending, None
        self._result = result
        self.filtered.apply(self._wanted, result.rows)
        for old, new in pending:  # what changed while the worker ran
            self.filtered.record_changed(old, new)
        self.stack.setCurrentWidget(self.filter_view)
        self._show_count()

    def _page_filtered(self, steps: int) -> None:
        """PgUp / PgDn in the note field page the filtered view while it is on screen."""
        if self.filtering:
            self.filter_view.page(steps)

    def _show_count(self, *_: object) -> None:
        if self.filtering:
            searched = bool(self.filtered.filter.text.strip())
            places = (self._result.in_text, self._result.in_captures) if searched else None
            self.bar.show_count(self.filtered.rowCount(), self.filtered.total(), places)

    def search_text(self) -> str:
        """The text the shown timeline is filtered by ("" when the whole timeline is shown)."""
        return self.filtered.filter.text.strip() if self.filtering else ""

    def _bar_closed(self) -> None:
        self.timeline_view.follow_latest()
        self._note_bar.edit.setFocus()

    @property
    def busy(self) -> bool:
        """A filter is waiting for its debounce or running on the worker."""
        return self._debounce.isActive() or self._pending is not None

    @property
    def view(self) -> TimelineView:
        """The view on screen: the whole timeline, or the filtered one."""
        return self.filter_view if self.filtering else self.timeline_view

    @property
    def filtering(self) -> bool:
        return self.stack.currentWidget() is self.filter_view
