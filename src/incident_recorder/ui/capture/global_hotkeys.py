"""System-wide hotkeys on X11: python-xlib ``XGrabKey`` on the root window, read by Qt.

The actions marked ``global_key`` in the actions table are grabbed on the root window over a
connection of our own, with the CapsLock and NumLock (Mod2) variants so those locks don't break
them. X then delivers those keys to us whichever application has focus (and no longer to the
focused window, ours included: each action happens once, through the grab). Events are read
through a ``QSocketNotifier`` on the connection's socket, in the UI thread.

One set of grabs serves the whole process (X allows one grab per combination): every recorder
window subscribes, and a key goes to the window most recently active. The grabs are released and
the connection closed when the last window unsubscribes.

A combination another program already holds fails with ``BadAccess``: it is left to that
program and reported once (the in-window shortcut still works). X does not say who holds a grab,
so each process lists the combinations it grabbed in the state folder (``hotkeys/PID``): when
the holder is another Incident Recorder (a second app with its own instance socket), the message
names it, once for all its keys, instead of blaming "another program" for our own grabs. The
combinations come from the settings (``configure``); changing them releases our grabs and grabs
the new ones at once.

Anywhere else than the ``xcb`` platform with a reachable X display (offscreen, Wayland, Windows,
macOS) there are no global hotkeys, and nothing fails: the in-window shortcuts remain.

Opening the connection (python-xlib imported, the server's setup and keyboard map read) is
100–300 ms of pure Python: a window opens it on a worker with ``OpenConnection`` and hands it to
``subscribe``, so its UI thread stays free while it appears.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QSocketNotifier, Signal
from PySide6.QtGui import QGuiApplication
from shiboken6 import isValid

from incident_recorder import paths
from incident_recorder.ui.common.actions import ACTIONS

log = logging.getLogger(__name__)

DISABLE_ENV = "INCIDENT_RECORDER_NO_GLOBAL_KEYS"
"""Set to 1 to never grab keys system-wide."""

Handler = Callable[[str], None]
OPEN_HERE: Any = object()
"""``subscribe``'s default: open the X connection in the calling thread if it is needed."""


def taken_message(shortcut: str) -> str:
    return f"{shortcut} is already taken by another program; the in-window shortcut still works"


def _registry() -> Path:
    return paths.state_dir() / "hotkeys"


def _record_grabs(shortcuts: list[str]) -> None:
    """List this process's grabs where another instance of the app can find them."""
    mine = _registry() / str(os.getpid())
    try:
        if shortcuts:
            paths.ensure_dir(mine.parent)
            mine.write_text("\n".join(shortcuts), encoding="utf-8")
        else:
            mine.unlink(missing_ok=True)
    except OSError:
        log.info("the grabbed keys could not be listed in %s", mine.parent)


def _our_holders(taken: list[str]) -> dict[int, list[str]]:
    """Process id → the combinations of `taken` another running Incident Recorder grabbed."""
    from incident_recorder.storage.holders import describe

    found: dict[int, list[str]] = {}
    try:
        listed = list(_registry().iterdir())
    except OSError:
        return found
    for entry in listed:
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        pid = int(entry.name)
        if not describe(pid).ours:  # gone (its pid perhaps reused): not ours any more
            entry.unlink(missing_ok=True)
            continue
        with contextlib.suppress(OSError):
            theirs = set(entry.read_text(encoding="utf-8").split("\n"))
            keys = [key for key in taken if key in theirs]
            if keys:
                found[pid] = keys
    return found


def taken_messages(taken: list[str]) -> list[str]:
    """What to say about combinations we could not grab: another Incident Recorder's named
    once for all its keys, any other program's key by key."""
    ours = _our_holders(taken)
    held = {key for keys in ours.values() for key in keys}
    messages = [
        f"{', '.join(keys)} {'is' if len(keys) == 1 else 'are'} held by another Incident "
        f"Recorder (process {pid}): pressed in another application they go to that one; "
        "in this window they work while it has the focus"
        for pid, keys in ours.items()
    ]
    return messages + [taken_message(key) for key in taken if key not in held]


def default_combinations() -> dict[str, str]:
    """Action id → key of every action marked global, as the actions table declares it."""
    return {spec.id: spec.shortcut for spec in ACTIONS if spec.global_key}


# Qt's names for keys whose X keysym is spelled differently.
_QT_TO_X = {
    "PgDown": "Next",
    "PgUp": "Prior",
    "Del": "Delete",
    "Ins": "Insert",
    "Esc": "Escape",
    "Backspace": "BackSpace",
    "Space": "space",
    "Print": "Print",
    "CapsLock": "Caps_Lock",
    "NumLock": "Num_Lock",
    "ScrollLock": "Scroll_Lock",
    "Pause": "Pause",
    "Menu": "Menu",
}


def _keysym(name: str) -> int:
    from Xlib import XK

    keysym = int(XK.string_to_keysym(_QT_TO_X.get(name, name)))
    if not keysym and len(name) == 1:
        keysym = ord(name)  # Latin-1 keysyms are the code points ("," is "comma")
    return keysym


def _parse(shortcut: str) -> tuple[int, str]:
    """``"Ctrl+Alt+S"`` → (X modifier mask, key name ``"s"``)."""
    from Xlib import X

    masks = {
        "ctrl": X.ControlMask,
        "alt": X.Mod1Mask,
        "shift": X.ShiftMask,
        "meta": X.Mod4Mask,
        "super": X.Mod4Mask,
    }
    if shortcut.endswith("++"):  # "Ctrl++": the key is "+"
        mods, key = shortcut[:-2].split("+"), "+"
    else:
        *mods, key = shortcut.split("+")
    mask = 0
    for mod in mods:
        mask |= masks[mod.strip().lower()]
    return mask, key.strip().lower() if len(key.strip()) == 1 else key.strip()


def grab_problem(shortcut: str) -> str | None:
    """Why `shortcut` cannot be grabbed system-wide on X11, or None (also None off X11)."""
    if "," in shortcut.replace("+,", "+comma"):
        return f"{shortcut}: a global key must be one combination, not a sequence"
    try:
        _, key = _parse(shortcut)
        if not _keysym(key):
            return f"{shortcut}: X11 has no key named {key!r}"
    except ImportError:
        return None  # no Xlib: no global keys on this platform anyway
    except (KeyError, ValueError):
        return f"{shortcut}: not a key combination X11 can grab"
    return None


class _Hub(QObject):
    """The grabs, the connection and the subscribers (most recently active last)."""

    def __init__(self, connection: Any) -> None:
        super().__init__()
        from Xlib import X

        self._conn = connection
        self._root = connection.screen().root
        self._ignored = X.LockMask | X.Mod2Mask
        self._variants = (0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask)
        self._keys: dict[tuple[int, int], str] = {}
        self._grabbed: list[tuple[int, int]] = []
        self.taken: list[str] = []
        self.last_time = 0
        """Server time of the last grabbed key press (X refuses focus changes older than it)."""
        self.subscribers: list[tuple[QObject, Handler]] = []
        connection.set_error_handler(lambda error, request=None: log.debug("X error: %s", error))
        self._notifier: QSocketNotifier | None = None

    def grab(self, combinations: Mapping[str, str]) -> None:
        """Grab ``combinations`` (action id → key), releasing any grabs held before."""
        from Xlib import X, error

        self.ungrab()
        grabbed: list[str] = []
        for action_id, shortcut in combinations.items():
            if not shortcut:
                continue
            try:
                mask, name = _parse(shortcut)
            except KeyError:
                log.info("cannot grab %s system-wide", shortcut)
                continue
            keycode = self._conn.keysym_to_keycode(_keysym(name))
            if not keycode:
                log.info("no key for %s on this keyboard", shortcut)
                continue
            catch = error.CatchError(error.BadAccess)
            for extra in self._variants:
                self._root.grab_key(
                    keycode, mask | extra, False, X.GrabModeAsync, X.GrabModeAsync, onerror=catch
                )
            self._conn.sync()
            if catch.get_error() is not None:
                for extra in self._variants:  # only our own grabs are released by this
                    self._root.ungrab_key(keycode, mask | extra)
                self.taken.append(shortcut)
                continue
            self._grabbed += [(keycode, mask | extra) for extra in self._variants]
            self._keys[(keycode, mask)] = action_id
            grabbed.append(shortcut)
        self._conn.sync()
        _record_grabs(grabbed)
        if self._notifier is None:
            self._notifier = QSocketNotifier(self._conn.fileno(), QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self._read)

    def ungrab(self) -> None:
        for keycode, mods in self._grabbed:
            self._root.ungrab_key(keycode, mods)
        self._conn.sync()
        if self._grabbed:
            _record_grabs([])
        self._grabbed = []
        self._keys = {}
        self.taken = []

    def _read(self) -> None:
        from Xlib import X

        fired: list[str] = []
        try:
            while self._conn.pending_events():
                event = self._conn.next_event()
                if event.type == X.KeyPress:
                    action_id = self._keys.get((event.detail, event.state & ~self._ignored))
                    if action_id is not None:
                        fired.append(action_id)
                        self.last_time = int(event.time)
        except Exception:  # the X server went away: no more global keys, nothing else breaks
            log.info("global hotkeys: connection lost", exc_info=True)
            self.close(ungrab=False)
            return
        for action_id in fired:
            self.prune()
            if self.subscribers:
                self.subscribers[-1][1](action_id)

    def prune(self) -> None:
        """Forget subscribers whose window was deleted without unsubscribing."""
        self.subscribers = [(o, h) for o, h in self.subscribers if isValid(o)]

    def activate(self, window_id: int) -> None:
        """Give ``window_id`` the focus on behalf of the last key press.

        Qt's own request carries the time of the last event Qt saw, older than the other
        application's focus change, so X (or the window manager) ignores it.
        """
        from Xlib import X
        from Xlib.protocol import event

        conn, root = self._conn, self._root
        net_active = conn.get_atom("_NET_ACTIVE_WINDOW")
        supported = root.get_full_property(conn.get_atom("_NET_SUPPORTED"), X.AnyPropertyType)
        if supported is not None and net_active in supported.value:
            window = conn.create_resource_object("window", window_id)
            message = event.ClientMessage(
                window=window, client_type=net_active, data=(32, [2, self.last_time, 0, 0, 0])
            )
            mask = X.SubstructureRedirectMask | X.SubstructureNotifyMask
            root.send_event(message, event_mask=mask)
        else:
            conn.set_input_focus(window_id, X.RevertToParent, self.last_time or X.CurrentTime)
        conn.flush()

    def close(self, *, ungrab: bool = True) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if ungrab:
            with contextlib.suppress(Exception):
                for keycode, mods in self._grabbed:
                    self._root.ungrab_key(keycode, mods)
                self._conn.sync()
        self._grabbed = []
        with contextlib.suppress(Exception):
            self._conn.close()
        global _hub
        if _hub is self:
            _hub = None


_hub: _Hub | None = None
_combinations: dict[str, str] | None = None
"""What to grab (action id → key); None: the actions table's keys."""


def combinations() -> dict[str, str]:
    """The combinations grabbed, or to be grabbed, system-wide (action id → key)."""
    return dict(_combinations) if _combinations is not None else default_combinations()


def configure(wanted: Mapping[str, str]) -> list[str]:
    """Grab ``wanted`` (action id → key; empty: none) instead of what was grabbed before.

    Takes effect at once where grabs are held, else at the first ``subscribe``. Returns the
    messages to show for combinations another program holds (none when nothing changed).
    """
    global _combinations
    new = {action_id: key for action_id, key in wanted.items() if key}
    if new == combinations():
        return []
    _combinations = new
    if _hub is None:
        return []
    try:
        _hub.grab(new)
    except Exception:
        log.info("global hotkeys could not be grabbed again", exc_info=True)
        return []
    return taken_messages(_hub.taken)


def available() -> bool:
    """True where global hotkeys can be grabbed: the xcb platform with an X display."""
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return False
    if QGuiApplication.platformName() != "xcb" or not os.environ.get("DISPLAY"):
        return False
    try:
        import Xlib  # noqa: F401
    except ImportError:
        return False
    return True


def needs_connection() -> bool:
    """True when the next ``subscribe`` would open the X connection (see ``OpenConnection``)."""
    return _hub is None and available()


def open_connection() -> Any | None:
    """The X connection the grabs use, or None where none opens. No Qt: any thread may call it."""
    from incident_recorder.capture.pointer import _open_display

    return _open_display(None)


def discard(connection: Any) -> None:
    """Close a connection ``open_connection`` gave that is not needed after all."""
    if connection is not None and connection is not OPEN_HERE:
        with contextlib.suppress(Exception):
            connection.close()


class _Opened(QObject):
    opened = Signal(object)
    """The connection (or None), for ``subscribe``; delivered in the thread that made this."""


class OpenConnection(QRunnable):
    """``open_connection`` on a worker thread; ``signals.opened`` carries the result."""

    def __init__(self) -> None:
        super().__init__()
        self.signals = _Opened()

    def run(self) -> None:
        try:
            connection = open_connection()
        except Exception:  # no global keys then; the in-window shortcuts remain
            log.info("the X connection for global keys could not be opened", exc_info=True)
            connection = None
        self.signals.opened.emit(connection)


def _open_hub(connection: Any = OPEN_HERE) -> _Hub | None:
    if connection is OPEN_HERE:
        connection = open_connection()
    if connection is None:
        return None
    hub = _Hub(connection)
    try:
        hub.grab(combinations())
    except Exception:
        log.info("global hotkeys could not be grabbed", exc_info=True)
        hub.close()
        return None
    return hub


def subscribe(owner: QObject, handler: Handler, connection: Any = OPEN_HERE) -> list[str]:
    """Send global keys to ``handler`` (while ``owner`` is the most recent subscriber).

    ``connection``: one from ``open_connection`` (None: it could not be opened), used if the
    grabs are not held yet and closed otherwise; by default it is opened here when needed.
    Returns the messages to show, once per process: combinations another program holds.
    """
    global _hub
    if _hub is None:
        if not available():
            discard(connection)
            return []
        _hub = _open_hub(connection)
        if _hub is None:
            return []
        messages = taken_messages(_hub.taken)
    else:
        discard(connection)  # another window's grabs serve this one too
        messages = []
    unsubscribe(owner, close=False)
    _hub.subscribers.append((owner, handler))
    return messages


def bring_forward(owner: QObject) -> None:
    """``owner`` became active: global keys go to it from now on."""
    if _hub is None:
        return
    for index, (subscriber, handler) in enumerate(_hub.subscribers):
        if subscriber is owner:
            del _hub.subscribers[index]
            _hub.subscribers.append((subscriber, handler))
            return


def unsubscribe(owner: QObject, *, close: bool = True) -> None:
    """Stop sending keys to ``owner``; the last one out releases the grabs and the connection."""
    if _hub is None:
        return
    _hub.subscribers = [(o, h) for o, h in _hub.subscribers if o is not owner]
    _hub.prune()
    if close and not _hub.subscribers:
        _hub.close()


def activate(window_id: int) -> None:
    """Bring ``window_id`` forward after a global key (nothing without global hotkeys)."""
    if _hub is None:
        return
    try:
        _hub.activate(window_id)
    except Exception:  # best effort: Qt's own activateWindow() was asked as well
        log.debug("activation through Xlib failed", exc_info=True)


def grabbed_actions() -> list[str]:
    """The action ids grabbed system-wide now (empty without global hotkeys)."""
    return sorted(set(_hub._keys.values())) if _hub is not None else []
