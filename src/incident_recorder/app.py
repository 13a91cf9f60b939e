"""Wiring of the desktop app: the QApplication, the start window and recorder windows.

Nothing happens at import time; `run_gui` builds the parts and hands each what it needs.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incident_recorder import __version__, paths
from incident_recorder.domain.times import Clock, system_clock, to_iso
from incident_recorder.recent import RecentList
from incident_recorder.ui.dialogs.settings_store import SettingsStore, default_store

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from incident_recorder.app_requests import Pending
    from incident_recorder.storage import IncidentFile
    from incident_recorder.ui.recorder.recorder_window import RecorderWindow
    from incident_recorder.ui.start.start_window import StartWindow

APP_ICON = "incident-recorder.svg"
DESKTOP_ID = "io.github.incident_recorder.IncidentRecorder"
"""The app id: the name of the .desktop file, the themed icon and the AppStream component
(resources/linux/), which Wayland compositors match windows to."""
WAYLAND_NOTICE = (
    "Global keys are not available on Wayland: bind `incident-recorder --capture` and "
    "`incident-recorder --note` in your desktop's keyboard settings"
)


def wayland_session(environ: Mapping[str, str] = os.environ) -> bool:
    """True in a Wayland session (where no program may grab keys system-wide)."""
    return bool(environ.get("WAYLAND_DISPLAY")) or (
        environ.get("XDG_SESSION_TYPE", "").lower() == "wayland"
    )


def display_problem(
    environ: Mapping[str, str] = os.environ, platform: str = sys.platform
) -> str | None:
    """Why no window can be shown here, or None. Checked before Qt, which would abort."""
    if not platform.startswith("linux"):
        return None
    qpa = environ.get("QT_QPA_PLATFORM", "")
    if qpa and not qpa.startswith("xcb"):
        return None
    display = environ.get("DISPLAY")
    if not qpa and environ.get("WAYLAND_DISPLAY"):
        return None
    if not display:
        return (
            "no display: the recorder window needs a graphical session (DISPLAY is not set). "
            "Without one, record with `incident-recorder note FILE TEXT` and export with "
            "`incident-recorder export`"
        )
    if _x_display_unreachable(display):
        return (
            f"cannot connect to the X display {display!r}: is that session still running? "
            "(check DISPLAY; `incident-recorder note` and `export` work without a display)"
        )
    return None


def _x_display_unreachable(name: str) -> bool:
    """True if no X server answers at `name` (Qt would abort with a misleading message)."""
    import ctypes

    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return False  # no libxcb at all: Qt's own message names the missing library
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(name.encode(), None)
    try:
        return bool(xcb.xcb_connection_has_error(connection))
    finally:
        xcb.xcb_disconnect(connection)


class Application:
    """Owns the windows of one running app."""

    def __init__(
        self,
        qapp: QApplication,
        clock: Clock,
        recent: RecentList,
        settings_store: SettingsStore | None = None,
    ) -> None:
        self.qapp = qapp
        self.clock = clock
        self.recent = recent
        self.settings_store = settings_store or default_store()
        self.windows: list[RecorderWindow] = []
        """Open recorder windows, the most recently active last."""
        self.wayland_told = False
        self._start: StartWindow | None = None
        self._preparing: dict[Path, tuple[object, object]] = {}
        """Large files being checked on a worker before they open (job and progress kept)."""
        self._prepared: set[Path] = set()
        self._opened_listeners: dict[Path, list[Callable[[object | None, str | None], None]]] = {}
        qapp.focusWindowChanged.connect(self._focus_moved)

    @property
    def start(self) -> StartWindow:
        """The start window, built when first needed (not when a file is opened directly)."""
        if self._start is None:
            from incident_recorder.ui.dialogs.settings_dialog import shortcuts_of
            from incident_recorder.ui.start.start_window import StartWindow

            settings = self.settings_store.load()
            start = StartWindow(
                [], keys=shortcuts_of(settings), show_hint=not settings.hint_dismissed
            )
            start.new_requested.connect(lambda: self.ask_new(start))
            start.browse_requested.connect(lambda: self.ask_open(start))
            start.open_requested.connect(self.open_path)
            start.remove_requested.connect(self.recent.remove)
            start.hint_dismissed.connect(self._hint_dismissed)
            self._start = start
        return self._start

    def _hint_dismissed(self) -> None:
        settings = replace(self.settings_store.load(), hint_dismissed=True)
        with contextlib.suppress(OSError):  # a convenience: shown again next time at worst
            self.settings_store.save(settings)

    def data_folder(self) -> Path:
        """Where new incident files go: the folder chosen in Settings, else the default."""
        chosen = self.settings_store.load().data_folder
        return Path(chosen).expanduser() if chosen else paths.data_dir()

    def show_start(self, error: str | None = None) -> None:
        self.start.set_recent(self.recent.load())
        if error:
            self.start.show_error(error)
        self.start.show()
        self.start.raise_()
        self.start.activateWindow()

    def open_path(self, path: Path, *, in_background: bool = True) -> RecorderWindow | None:
        """The recorder window of `path` (an open one is brought to the front). A large file is
        first checked and migrated on a worker (`in_background`): then None is returned and
        the window follows; None too if the file cannot be opened (the window says why). A file
        that cannot be written opens read-only: a view-and-export window (read_only.py)."""
        from incident_recorder.storage import IncidentFileError
        from incident_recorder.ui.start.opening import open_incident, raise_window

        for window in self.windows:  # one window per incident: two would fight over the draft
            if window.file.path.resolve() == Path(path).resolve():
                self._to_front(window)
                raise_window(window)
                return window
        if in_background and self._prepare(Path(path)):
            return None
        try:
            handle, read_only = open_incident(path, self.clock)
        except IncidentFileError as error:
            print(f"incident-recorder: error: {error}", file=sys.stderr)
            self._open_failed(path, str(error))
            return None
        return self._show_recorder(handle, read_only)

    def when_opened(
        self, path: Path, listener: Callable[[object | None, str | None], None]
    ) -> None:
        """Call `listener(window, None)` once the file being checked opens, or
        `listener(None, reason)` if it cannot be."""
        self._opened_listeners.setdefault(path.resolve(), []).append(listener)

    def _tell_opened(self, path: Path, window: object | None, reason: str | None) -> None:
        for listener in self._opened_listeners.pop(path.resolve(), []):
            listener(window, reason)

    def is_preparing(self, path: Path) -> bool:
        """Whether `path` is being checked on a worker: its window follows, or the reason."""
        return path.resolve() in self._preparing

    def _open_failed(self, path: Path, reason: str, verb: str = "open") -> None:
        """Say why `path` could not be opened: on the banner of the recorder window the user
        worked in last (brought forward: a forwarded open comes from a shell that has the
        focus), else on the start window. The reason names the file already when it starts
        with it."""
        from incident_recorder.ui.start.opening import raise_window

        message = reason if str(path) in reason else f"Could not {verb} {path}: {reason}"
        if self.windows:
            window = self.windows[-1]
            window.show_error(f"Could not {verb} the incident", message)
            raise_window(window)
        else:
            self.show_start(message)

    def _prepare(self, path: Path) -> bool:
        """Start checking `path` on a worker (True), unless it is prepared, or small while no
        window records (a file that hangs or fails must never freeze or touch another window)."""
        from incident_recorder.ui.start import open_job
        from incident_recorder.ui.start.opening import writable

        key = path.resolve()
        if key in self._prepared:
            self._prepared.discard(key)  # prepared just now: open it here
            return False
        if key in self._preparing:
            return True  # already on its way
        if not open_job.needs_preparing(path) and not self.windows:
            return False  # small, and no window is recording: opening here freezes nothing
        if not path.is_file() or not writable(path):
            return False  # nothing to read: the clear message at once
        from PySide6.QtCore import QThreadPool

        parent = self.windows[-1] if self.windows else self._start
        progress = open_job.PrepareProgress(path, parent)
        job = open_job.PrepareJob(path, self.clock)
        self._preparing[key] = (job, progress)

        def done(_: object) -> None:
            self._preparing.pop(key, None)
            progress.close()
            progress.deleteLater()
            self._prepared.add(key)
            window = self.open_path(path)
            self._tell_opened(path, window, None if window else "it could not be opened")

        def failed(_: object, reason: str) -> None:
            self._preparing.pop(key, None)
            progress.close()
            progress.deleteLater()
            print(f"incident-recorder: error: {reason}", file=sys.stderr)
            self._open_failed(path, reason)
            self._tell_opened(path, None, reason)

        job.signals.prepared.connect(done)
        job.signals.failed.connect(failed)
        QThreadPool.globalInstance().start(job)
        progress.setValue(0)
        return True

    def create(self, path: Path, title: str, severity: str | None = None) -> RecorderWindow | None:
        """The recorder window of a new incident file; None if it could not be made (the
        window the user works in says why)."""
        from incident_recorder.ui.start.opening import create_incident

        made = create_incident(path, title, severity, self.clock)
        if isinstance(made, str):
            self._open_failed(path, made, "create")
            return None
        return self._show_recorder(made)

    def _show_recorder(
        self, handle: IncidentFile, read_only: str | None = None
    ) -> RecorderWindow | None:
        from incident_recorder.drafts import DraftStore
        from incident_recorder.storage import IncidentFileError
        from incident_recorder.ui.recorder.recorder_window import RecorderWindow

        drafts = DraftStore(paths.config_dir() / "drafts", handle.path)
        try:
            window = RecorderWindow(
                handle,
                clock=self.clock,
                drafts=None if read_only else drafts,  # nothing is typed into a read-only one
                settings_store=self.settings_store,
                read_only=read_only,
            )
        except IncidentFileError as error:
            handle.close()
            self._open_failed(handle.path, str(error))
            return None
        window.new_incident_requested.connect(lambda: self.ask_new(window))
        window.open_incident_requested.connect(lambda: self.ask_open(window))
        window.join_team_requested.connect(lambda: self.start.join_team(window))
        window.closed.connect(self._closed)
        self.windows.append(window)
        self.recent.add(handle.path, window.incident.title, to_iso(self.clock()))
        window.show()
        window.raise_()
        window.activateWindow()
        if self._start is not None:
            self._start.hide()
        self._tell_wayland(window)
        return window

    def _tell_wayland(self, window: RecorderWindow) -> None:
        """Once per run: on Wayland, name the commands to bind instead of global keys.

        Also under XWayland (Qt on xcb): the grabs there see only keys typed into X windows.
        """
        if self.wayland_told or not wayland_session():
            return
        self.wayland_told = True
        window.statusBar().showMessage(WAYLAND_NOTICE, 60_000)

    def _to_front(self, window: RecorderWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)
            self.windows.append(window)

    def _focus_moved(self, qwindow: object) -> None:
        for window in self.windows:
            if qwindow is not None and window.windowHandle() is qwindow:
                self._to_front(window)
                return

    def handle_request(self, request: dict[str, Any]) -> dict[str, Any] | Pending:
        """A request forwarded by a later launch or a script (see ui/start/single_instance.py)."""
        from incident_recorder.app_requests import answer

        return answer(self, request)

    def _closed(self, window: object) -> None:
        if window in self.windows:
            self.windows.remove(window)

    def ask_new(self, parent: QWidget) -> RecorderWindow | None:
        from incident_recorder.ui.dialogs.new_incident_dialog import NewIncidentDialog
        from incident_recorder.ui.start.opening import create_incident

        dialog = NewIncidentDialog(
            self.data_folder(),
            datetime.now().astimezone(),
            parent,
            severities=self.settings_store.load().severities,
        )
        while dialog.exec() == NewIncidentDialog.DialogCode.Accepted:
            made = create_incident(dialog.path(), dialog.title(), dialog.severity(), self.clock)
            if not isinstance(made, str):
                return self._show_recorder(made)
            dialog.show_error(made)  # asked again with what was typed, and why it failed
        return None

    def open_folder(self) -> Path:
        """Where the Open dialog starts: the folder of the incident opened last, else the data
        folder, else the home folder (a folder that does not exist would start it elsewhere)."""
        recent = [Path(r.path).parent for r in self.recent.load()]
        for folder in (*recent[:1], self.data_folder(), Path.home()):
            if folder.is_dir():
                return folder
        return Path.cwd()

    def ask_open(self, parent: QWidget) -> RecorderWindow | None:
        from incident_recorder.ui.dialogs.file_dialogs import open_file_name

        chosen = open_file_name(
            parent,
            "Open incident",
            str(self.open_folder()),
            "Incident files (*.incident);;All files (*)",
        )
        return self.open_path(Path(chosen)) if chosen else None


def make_qapp(argv: list[str] | None = None) -> QApplication:
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from incident_recorder.ui.common.theme import apply_theme

    # The capture and export workers hold the GIL in short bursts; a 1 ms switch interval
    # (instead of 5 ms) keeps the UI thread from waiting on them.
    sys.setswitchinterval(0.001)
    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(argv or [sys.argv[0]])
    QGuiApplication.setApplicationName("Incident Recorder")
    QGuiApplication.setApplicationDisplayName("Incident Recorder")
    QGuiApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(DESKTOP_ID)
    QGuiApplication.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / APP_ICON)))
    apply_theme(qapp, default_store().load().theme)
    return qapp


def build(path: Path | None, clock: Clock = system_clock) -> Application:
    """The running app with its first window shown (the recorder for `path`, else the start)."""
    qapp = make_qapp()
    app = Application(qapp, clock, RecentList(paths.config_dir() / "recent.json"))
    if path is None:
        app.show_start()
    else:  # at start-up no window can freeze: the command line has already checked the file
        app.open_path(path, in_background=False)
    return app


def _start_log() -> None:
    from incident_recorder import logs
    from incident_recorder.ui.common import qt_log

    logs.start("incident-recorder")
    qt_log.install()


def _collect_after_first_paint(app: Application, start_up: contextlib.ExitStack) -> None:
    """Once the first window has painted: what start-up built moves out of the cyclic
    collector's way for good (``gc.freeze``: later full collections skip it, the recorder
    window does the same once a large incident is loaded) and the collector runs again."""

    from PySide6.QtCore import QTimer

    from incident_recorder.ui.common import startup_measures
    from incident_recorder.ui.common.first_paint import FALLBACK_MS, after_first_paint

    resumed: list[bool] = []

    def resume() -> None:
        if not resumed:
            resumed.append(True)
            startup_measures.freeze()
            start_up.close()

    shown = app.windows[-1] if app.windows else app.start
    after_first_paint(shown, resume)
    # and in any case soon (that window may be closed before it is ever painted)
    QTimer.singleShot(2 * FALLBACK_MS, app.qapp, resume)


def run_gui(path: Path | None, start_up: contextlib.ExitStack | None = None) -> int:
    """Start the GUI; returns the exit status.

    If another instance started first (a launch racing this one), the request goes to it.
    ``start_up``: the caller's pause of the cyclic collector, closed here once the first window
    has painted (by default the pause starts here).
    """
    import signal

    from incident_recorder.gc_pause import paused
    from incident_recorder.ui.common import startup_measures

    # Start-up makes ~10^5 objects that live as long as the app (modules, classes, Qt's enums,
    # the first entries) and next to no garbage, yet they set off ~80 collections of the cyclic
    # collector, ~30 ms before the first paint. It is off until the first window has painted.
    if start_up is None:
        start_up = contextlib.ExitStack()
        if startup_measures.enabled():
            start_up.enter_context(paused())
    startup_measures.import_core_first()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from incident_recorder.app_requests import open_request
    from incident_recorder.ui.start.single_instance import InstanceServer, forward

    make_qapp()
    # The log file once the first window has painted: `logging.handlers` costs ~15 ms of a
    # cold start, and until then an error is a message on stderr, as it always was.
    start_up.callback(_start_log)
    server = InstanceServer()
    if not server.listen():
        reply = forward(open_request(path), server.name, timeout_ms=15_000) or {}
        if reply.get("ok"):
            print(reply.get("message", ""))
            return 0
        print(f"incident-recorder: error: {reply.get('error', 'no answer')}", file=sys.stderr)
        return 1
    if server.error:
        print(f"incident-recorder: warning: {server.error} (no forwarding)", file=sys.stderr)
    # SIGTERM (a logout, `kill`) and Ctrl+C close the windows properly: drafts kept, files
    # closed and their WAL folded in. Installed before the first window is built, so a signal
    # arriving while it appears is not fatal; Python handles signals only between bytecodes,
    # so a short timer lets it look while Qt waits for events.
    quit_requested: list[bool] = []

    def close_and_quit(*_: object) -> None:
        quit_requested.append(True)
        qapp = QApplication.instance()
        if isinstance(qapp, QApplication):
            qapp.closeAllWindows()
            qapp.quit()

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, close_and_quit)
    app = build(path)
    server.handler = app.handle_request
    _collect_after_first_paint(app, start_up)
    if quit_requested:  # asked to stop while the window was being built (quit() was too early)
        app.qapp.closeAllWindows()
        server.close()
        return 0
    wake = QTimer()
    wake.start(250)
    wake.timeout.connect(lambda: None)
    try:
        return int(app.qapp.exec())
    finally:
        server.close()
