"""The active window (its title and where it is on the screen), through python-xlib. No Qt.

The window manager's ``_NET_ACTIVE_WINDOW`` is used when it provides one; without a window
manager (Xvfb, a bare X session) the window holding the input focus is used, walked up to the
nearest ancestor with a name (the application's top-level window, not a frame or a child).
Everything answers ``None`` when it cannot be known (no X display, Wayland, Windows, macOS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from incident_recorder.capture.pointer import XReader


@dataclass(frozen=True, slots=True)
class ActiveWindow:
    """A window's title (``None`` if it has none) and its rectangle in root coordinates."""

    window_id: int
    title: str | None
    left: int
    top: int
    width: int
    height: int


def _title(connection: Any, window: Any) -> str | None:
    net_name = connection.get_atom("_NET_WM_NAME")
    utf8 = connection.get_atom("UTF8_STRING")
    prop = window.get_full_property(net_name, utf8)
    if prop is not None and prop.value:
        value = prop.value
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    from Xlib import X, Xatom

    prop = window.get_full_property(Xatom.WM_NAME, X.AnyPropertyType)
    if prop is not None and prop.value:
        value = prop.value
        return decode_text(value) if isinstance(value, bytes) else str(value)
    return None


_UTF8_SEGMENT = re.compile(rb"\x1b%G(.*?)(?:\x1b%@|$)", re.DOTALL)


def decode_text(value: bytes) -> str:
    """WM_NAME as STRING (Latin-1) or COMPOUND_TEXT (Latin-1 with UTF-8 segments between
    ESC % G and ESC % @, as xterm writes a title that is not Latin-1)."""
    parts, last = [], 0
    for match in _UTF8_SEGMENT.finditer(value):
        parts.append(value[last : match.start()].decode("latin-1"))
        parts.append(match.group(1).decode("utf-8", "replace"))
        last = match.end()
    parts.append(value[last:].decode("latin-1"))
    return "".join(parts)


def _net_active(connection: Any, root: Any) -> Any | None:
    prop = root.get_full_property(connection.get_atom("_NET_ACTIVE_WINDOW"), 0)  # AnyPropertyType
    if prop is None or not len(prop.value) or not prop.value[0]:
        return None
    return connection.create_resource_object("window", int(prop.value[0]))


def _focused(connection: Any, root: Any) -> Any | None:
    focus = connection.get_input_focus().focus
    if isinstance(focus, int) or focus is None or focus.id in (0, 1, root.id):
        return None  # None, PointerRoot, or the root window itself
    # The focus may sit on a child of the application's window: climb to a named ancestor.
    window, top_level = focus, focus
    while True:
        if _title(connection, window) is not None:
            return window
        parent = window.query_tree().parent
        if parent is None or parent.id in (0, root.id):
            return top_level
        window = top_level = parent


def read_active_window(connection: Any) -> ActiveWindow | None:
    """The active window over an open Xlib connection, or ``None`` (raises on a lost link)."""
    root = connection.screen().root
    window = _net_active(connection, root) or _focused(connection, root)
    if window is None:
        return None
    geometry = window.get_geometry()
    origin = window.translate_coords(root, 0, 0)  # where the window's (0, 0) is on the root
    return ActiveWindow(
        window_id=int(window.id),
        title=_title(connection, window),
        left=-int(origin.x),
        top=-int(origin.y),
        width=int(geometry.width),
        height=int(geometry.height),
    )


class ActiveWindowReader(XReader):
    """Reads the active window over one Xlib connection, opened lazily (one thread only)."""

    def active(self) -> ActiveWindow | None:
        """The active window, or ``None`` if there is none or it cannot be known."""
        return self._ask(read_active_window)


def active_window_title(display_name: str | None = None) -> str | None:
    """The title of the active window on ``display_name`` (default ``$DISPLAY``), or ``None``."""
    reader = ActiveWindowReader(display_name)
    try:
        found = reader.active()
    finally:
        reader.close()
    return found.title if found is not None else None
