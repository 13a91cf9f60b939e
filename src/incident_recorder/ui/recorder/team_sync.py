"""A shared incident's window: teammates' entries live, the sync state in the header, Share.

While the open incident is linked to a team database (docs/team.md), `TeamSync` runs the
team sync (sync/replicator.py) on a thread of its own, with its own connection to the file and
its own session — never on the UI thread, never inside a note's commit. What it pulls is
announced to the window's session (`added_elsewhere`), so a teammate's entry takes the same path
to the timeline as a local one; a pulled batch is sorted on the worker and announced a block of
entries per short event-loop turn (block_feed.py), and the worker pulls the next batch only once
the window has shown this one — the two then take turns at the interpreter instead of
contending for it — so the window keeps answering through a catch-up. After every change of
state it tells the header what to show ("live · 2 teammates", "offline since 14:03, 12 entries
waiting", "error: …") and the timeline which entries to label: a teammate's with the author's
name, this recorder's own not yet in the database with "⇡ not sent". The worker's other
changes (revisions, milestones, details, report texts, action items, annotations) are handed to
the window's session as they come (`announce_elsewhere`): the header, the timeline, an open
report window and capture viewers follow them live (team_curation.py). Incident ▸ Share with
Team… links an unshared incident (dialogs/share_team.py); a password typed there is used by this
worker for as long as the window is open, and kept in the system keyring once the incident is
shared if the dialog's box was ticked.
"""

from __future__ import annotations

import logging
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from incident_recorder import gc_pause
from incident_recorder.domain import Entry
from incident_recorder.session import Change, EntriesAdded, IncidentSession
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui.common import startup_measures
from incident_recorder.ui.common.first_paint import after_first_paint
from incident_recorder.ui.recorder.block_feed import BlockFeed
from incident_recorder.ui.recorder.header import IncidentHeader
from incident_recorder.ui.recorder.live_updates import LiveUpdates
from incident_recorder.ui.recorder.team_curation import TeamCuration
from incident_recorder.ui.timeline.timeline_model import TimelineModel
from incident_recorder.ui.timeline.timeline_view import TimelineView

if TYPE_CHECKING:
    from incident_recorder.sync.replicator import Replicator
    from incident_recorder.ui.capture.capture_controller import CaptureController
    from incident_recorder.ui.report.report_controller import ReportController

logger = logging.getLogger(__name__)

NOT_SENT = "⇡ not sent"
LIVE_TIP = (
    "Synced with the team database.\nTeammates: the other recorders whose entries this "
    "incident holds (one who has joined but written nothing yet is not counted).\n"
    "Team sync: docs/team.md"
)
NOT_SHARED = "The incident is not shared"
"""The banner's title when sharing failed (cleared once a later attempt succeeds)."""
CATCH_UP_ROWS = 200
"""A pulled batch this large is a catch-up: the cyclic collector pauses until it is over (its
full collections walk every entry and held the UI thread 20–50 ms each)."""
CATCH_UP_SETTLE_MS = 1000
"""A catch-up is over when no batch has come for this long."""
SHOW_WAIT = 50
"""Tenths of a second the worker waits for the window to show a pulled batch."""
STATE_STYLE = {
    "live": "color: #15803d; font-weight: 600; margin-left: 14px;",
    "offline": "color: #b45309; font-weight: 600; margin-left: 14px;",
    "error": "color: #b91c1c; font-weight: 600; margin-left: 14px;",
}


class _Window(Protocol):
    """What TeamSync uses of a recorder window (a RecorderWindow, which imports this module)."""

    session: IncidentSession
    model: TimelineModel
    live: LiveUpdates
    header: IncidentHeader
    view: TimelineView
    report_controller: ReportController
    capture_controller: CaptureController

    def show_error(self, title: str, message: str) -> None: ...

    def clear_error(self, title: str) -> None: ...


class TeamSync(QObject):
    """The team sync of one recorder window (see the module docstring)."""

    state_changed = Signal(str, str)
    """(status, text): live / offline / error, and what the header shows."""
    _state = Signal(object)
    _arrived = Signal(object)
    _changed = Signal(object)
    _labels = Signal(object)
    _failed = Signal(str)
    _warned = Signal(str, str)
    _shared_as = Signal(str)
    _ended = Signal()

    def __init__(self, window: _Window) -> None:
        """Parts of `window` it uses: its session, model, header's sync label, error banner."""
        super().__init__()  # the window keeps it (window.team)
        self._session = window.session
        self._path: Path = window.session.file.path
        self._model = window.model
        self._viewport = window.view.viewport()
        self._live = window.live  # told what the feed shows, so it does not read it again
        self._label = window.header.sync_state
        self._show_error = window.show_error
        self._window = cast(QWidget, window)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.status = ""
        self._closed = False
        self._last_url = ""
        self.feed = BlockFeed(self._session.added_elsewhere, self, shown_in=self._viewport)
        self._shown = threading.Event()  # the window has shown what the worker handed it
        self._shown.set()
        self.feed.drained.connect(self._drained)
        self._collector_paused: ExitStack | None = None
        self._settled = QTimer(self)  # a catch-up is over once no batch came for this long
        self._settled.setSingleShot(True)
        self._settled.setInterval(CATCH_UP_SETTLE_MS)
        self._settled.timeout.connect(self._caught_up)
        self._state.connect(self._show_state)
        self._arrived.connect(self._announce)
        self._changed.connect(self._announce_change)
        self.curation = TeamCuration(
            window.session, window.model, window.report_controller, window.capture_controller, self
        )
        self._labels.connect(window.model.set_team_labels)
        self._failed.connect(lambda message: self._show_error(NOT_SHARED, message))
        self._clear_error = window.clear_error
        self._warned.connect(self._show_error)
        self._shared_as.connect(self._say_shared)
        self._ended.connect(self._worker_ended)
        # started once the window has painted: nothing of it delays the first paint
        after_first_paint(window.view.viewport(), self.start)

    @property
    def shared(self) -> bool:
        try:
            state = self._session.file.team_state()
        except IncidentFileError:
            return False
        return "incident" in state and "conninfo" in state

    def start(self, share_with: str | None = None, keep_password: bool = False) -> None:
        """Start syncing (if the incident is shared, or to share it over `share_with`, then
        keep the password it carries in the system keyring if `keep_password`)."""
        if self._thread is not None and not self._thread.is_alive():
            self._thread = None  # it ended (a failed share, say): it may start again
        if self._closed or self._thread is not None or not (share_with or self.shared):
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(share_with, self._session.author, keep_password),
            name="team sync", daemon=True,
        )  # fmt: skip
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker (the window closes): it leaves within a tenth of a second, or when
        a connection attempt in progress gives up."""
        self._closed = True
        self.feed.stop()
        self._settled.stop()
        if self._collector_paused is not None:
            self._collector_paused.close()
            self._collector_paused = None
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def share(self) -> None:
        """Incident ▸ Share with Team…: ask for the team database, then share and sync."""
        if self.shared:
            self._say_shared(self._session.file.incident().uuid, again=True)
            return
        from incident_recorder.ui.dialogs.share_team import ShareTeamDialog

        dialog = ShareTeamDialog(self._window)
        dialog.url_edit.setText(self._last_url)  # a failed attempt is not typed again
        dialog.chosen.connect(self._share_chosen)
        dialog.open()

    def _share_chosen(self, url: str, keep: bool) -> None:
        from incident_recorder.sync.conninfo import kept

        self._last_url = kept(url)  # without the password typed
        self.start(share_with=url, keep_password=keep)

    # -- the worker thread -------------------------------------------------------------------

    def _run(self, share_with: str | None, author: str | None, keep_password: bool) -> None:
        try:
            from incident_recorder.sync import links, passwords
            from incident_recorder.sync.replicator import Replicator, SyncState, connect

            with IncidentFile.open(self._path) as file:
                session = IncidentSession(file, author=author)
                session.listen(self._heard)
                if share_with is not None:
                    with connect(share_with) as conn:
                        links.share(session, conn, share_with)
                    passwords.keep_for_this_run(share_with)  # memory only: reconnects use it
                    self._shared_as.emit(file.incident().uuid)
                    if keep_password:
                        try:
                            passwords.remember(share_with)
                        except passwords.NoKeyringError as error:
                            self._warned.emit("The password was not kept", str(error))
                replicator = Replicator(session, share_with)

                def on_state(state: SyncState) -> None:
                    self._state.emit(state)
                    self._labels.emit(_labels(file, replicator))

                replicator.run(self._stop.is_set, on_state)
        except Exception as error:  # the window stays; the header and a message say why
            from incident_recorder.sync.conninfo import error_text
            from incident_recorder.sync.replicator import SyncState

            reason = error_text(error, share_with or "")  # one line, never a password
            logger.warning("team sync stopped: %s", reason)
            if share_with is not None:  # not shared: a message says why, the header nothing
                self._failed.emit(reason)
            else:
                self._state.emit(SyncState("error", reason=reason))
        finally:
            self._ended.emit()

    def _heard(self, change: Change) -> None:
        if isinstance(change, EntriesAdded):  # sorted here, off the UI thread
            self._shown.clear()
            self._arrived.emit(sorted(change.entries, key=lambda e: (e.occurred_at, e.id)))
            waited = 0
            while not self._shown.wait(0.1) and not self._stop.is_set() and waited < SHOW_WAIT:
                waited += 1  # the next batch once these are shown (or the window is stuck)
        else:  # read here, on the worker; the window's session announces it
            self._changed.emit(change)

    # -- back on the UI thread ---------------------------------------------------------------

    def _worker_ended(self) -> None:
        """The worker has left (a failed share, say, or the window closing)."""
        if self._thread is not None:
            self._thread.join(timeout=1)  # it emitted this as its last act
            if not self._thread.is_alive():
                self._thread = None
        if not self._closed and not self.shared:  # a share that failed: nothing to show
            self.status = ""
            self._label.hide()

    def _say_shared(self, incident_id: str, again: bool = False) -> None:
        """The id teammates join with: in the status bar once shared, in a box when asked."""
        if not again:
            self._clear_error(NOT_SHARED)  # an earlier attempt's failure is over
            status = cast(QMainWindow, self._window).statusBar()
            status.showMessage(
                f"Shared with the team: teammates join it with the incident id {incident_id} "
                "(Incident ▸ Share with Team… shows it again)",
                60_000,
            )
            return
        from incident_recorder.sync.conninfo import shown

        database = shown(self._session.file.team_state().get("conninfo", ""))
        box = QMessageBox(
            QMessageBox.Icon.Information, "Shared with the team",
            "This incident is shared. Teammates join it (File ▸ Join Team Incident…, or "
            "`incident-recorder join`) with the team database and its incident id:\n\n"
            f"{database}\n{incident_id}\n\n(The database as this recorder reaches it: a "
            "teammate may need their own user name or host in it.)",
            QMessageBox.StandardButton.Ok, self._window,
        )  # fmt: skip
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        copy = box.addButton("Copy Id", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(incident_id))
        self.id_box = box
        box.open()

    def _announce(self, entries: list[Entry]) -> None:
        if self._closed:
            return
        if len(entries) >= CATCH_UP_ROWS and self._collector_paused is None:
            self._collector_paused = ExitStack()
            self._collector_paused.enter_context(gc_pause.paused())
        self._settled.stop()
        self._live.shown_elsewhere((entry.id, entry.revision) for entry in entries)
        self.feed.put(entries)

    def _drained(self) -> None:
        """The feed has handed on every entry and the timeline has painted them (block_feed.py):
        the worker may pull the next batch. (Had it started before that paint, its work would
        have contended with the paint for the interpreter and a core.)"""
        self._shown.set()
        if self._collector_paused is not None:
            self._settled.start()

    def _caught_up(self) -> None:
        """A catch-up is over: what it brought lives as long as the window, so it is frozen out
        of the cyclic collector's way (ui/common/startup_measures.py), which is on again."""
        paused, self._collector_paused = self._collector_paused, None
        if paused is not None:
            startup_measures.freeze()
            paused.close()

    def _announce_change(self, change: Change) -> None:
        if not self._closed:
            self._session.announce_elsewhere(change)

    def _show_state(self, state: object) -> None:
        from incident_recorder.sync.replicator import SyncState

        assert isinstance(state, SyncState)
        if state.status != self.status or not self._label.isVisible():
            # a new style sheet re-polishes the label (~20 ms): only when the state changes
            self._label.setStyleSheet(STATE_STYLE.get(state.status, ""))
        self.status = state.status
        if self._label.text() != state.text():
            self._label.setText(state.text())
        self._label.setToolTip(f"{state.text()}\n\n{state.reason}" if state.reason else LIVE_TIP)
        self._label.show()
        self.state_changed.emit(state.status, state.text())


def _labels(file: IncidentFile, replicator: Replicator) -> dict[int, str]:
    """entry id → a teammate's name (or "teammate"), or NOT_SENT for this recorder's own entries
    not in the team database yet."""
    labels = {
        entry_id: author or "teammate"
        for entry_id, (origin, author) in file.entry_origins().items()
        if origin != replicator.recorder
    }
    labels.update(dict.fromkeys(file.unpushed_entries(after=replicator.pushed_mark), NOT_SENT))
    return labels
