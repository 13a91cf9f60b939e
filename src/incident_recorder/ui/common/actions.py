"""Every user action of the recorder window and its key, in one table.

Menus, the keyboard cheat sheet and the collision test all read this table; no key is bound
anywhere else. Actions with ``global_key`` set are also grabbed system-wide on X11 (see
``ui.global_hotkeys``): they work while another application has focus.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from incident_recorder.domain import EntryKind
from incident_recorder.domain.milestones import Milestone


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    shortcut: str
    menu: str
    tip: str = ""
    checkable: bool = False
    global_key: bool = False
    """Also grabbed system-wide (X11), so it works while another application has focus."""
    window: str = "recorder"
    """The window that binds it: "recorder", or "report" for the report window's own actions
    (the report window also binds export and close from the recorder's)."""


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_incident", "&New Incident…", "Ctrl+N", "file"),
    ActionSpec("open_incident", "&Open Incident…", "Ctrl+O", "file"),
    ActionSpec(
        "join_team",
        "Jo&in Team Incident…",
        "Ctrl+Shift+O",
        "file",
        "Make a replica of an incident a teammate shared, and open it (docs/team.md)",
    ),
    ActionSpec(
        "export",
        "&Export…",
        "Ctrl+E",
        "file",
        "Review the record, then write the report as Markdown, HTML, PDF or JSON",
    ),
    ActionSpec(
        "export_json",
        "Export Record (&JSON)…",
        "Ctrl+Shift+E",
        "file",
        "Write the whole record as JSON into a folder, without the review",
    ),
    ActionSpec("settings", "&Settings…", "Ctrl+,", "file", "Keys of every action, global hotkeys"),
    ActionSpec("close_window", "&Close", "Ctrl+W", "file"),
    ActionSpec(
        "capture_screen",
        "&Capture Screen Under Pointer",
        "Ctrl+Alt+S",
        "entry",
        "Capture the monitor under the mouse pointer now; the note being typed stays as it is",
        global_key=True,
    ),
    ActionSpec(
        "capture_all",
        "Capture &All Monitors",
        "Ctrl+Alt+A",
        "entry",
        "Capture every monitor now, one entry per monitor",
        global_key=True,
    ),
    ActionSpec(
        "capture_region",
        "Capture &Region…",
        "Ctrl+Alt+R",
        "entry",
        "Select a region on a frozen copy of the screen under the pointer (drag; Enter: the "
        "last region again; Esc cancels) and capture it",
        global_key=True,
    ),
    ActionSpec(
        "capture_window",
        "Capture Active &Window",
        "Ctrl+Alt+W",
        "entry",
        "Capture the active window only, recording its title",
        global_key=True,
    ),
    ActionSpec(
        "interval_capture",
        "&Interval Capture…",
        "Ctrl+Shift+I",
        "entry",
        "Capture one monitor every N seconds while this window is open (identical frames "
        "skipped); off until started here",
    ),
    ActionSpec(
        "focus_note",
        "&Note Now",
        "Ctrl+Alt+N",
        "entry",
        "Bring the recorder forward with the note field focused, its time stamped now",
        global_key=True,
    ),
    *(
        ActionSpec(
            f"kind_{kind.value}",
            f"Kind: {kind.label}",
            f"Ctrl+{kind.key_number}",
            "entry",
            f"The note being typed is a {kind.value} entry",
        )
        for kind in EntryKind
    ),
    *(
        ActionSpec(
            f"milestone_{milestone.value}",
            f"{milestone.label}",
            f"Alt+{number}",
            "incident",
            f"{milestone.label} now (the note being typed, if any, becomes its entry at its "
            "first keystroke's time); pressed again, the milestone moves to the new time",
        )
        for number, milestone in enumerate(Milestone, start=1)
    ),
    ActionSpec(
        "incident_details",
        "Incident &Details…",
        "Ctrl+I",
        "incident",
        "Title, severity, status, services, roles, detection source and milestone times",
    ),
    ActionSpec(
        "receive_webhooks",
        "Receive &Webhooks",
        "Ctrl+Shift+K",
        "incident",
        "Take alerts and events (Alertmanager, Grafana, scripts) into the timeline over local "
        "HTTP while this is on; shows the URL and token",
        checkable=True,
    ),
    ActionSpec(
        "share_team",
        "&Share with Team…",
        "Ctrl+Shift+T",
        "incident",
        "Publish this incident to the team's PostgreSQL and record it together, live "
        "(docs/team.md)",
    ),
    ActionSpec(
        "write_status_page",
        "Write Status &Page…",
        "Ctrl+Shift+G",
        "incident",
        "Write the customer status page (index.html and an Atom feed of the public updates) "
        "into a folder, and keep it current while this window is open",
    ),
    ActionSpec(
        "note_public",
        "Note Is &Public (toggle)",
        "Ctrl+P",
        "entry",
        "Save the note being typed as a public entry (internal by default)",
    ),
    ActionSpec(
        "add_past_entry",
        "Add &Past Entry…",
        "Ctrl+Shift+N",
        "entry",
        "Record something that happened earlier, at its time (local time or UTC)",
    ),
    ActionSpec(
        "edit_entry",
        "&Edit Entry…",
        "F2",
        "entry",
        "Edit the selected entry: text, kind, occurred at, public, starred, hidden (a revision)",
    ),
    ActionSpec(
        "entry_history",
        "Show Entry &History…",
        "Ctrl+Shift+H",
        "entry",
        "Every revision of the selected (or just hidden) entry; the original is never lost",
    ),
    ActionSpec("toggle_star", "&Star / Unstar Entry", "Ctrl+Shift+S", "entry", "A key moment"),
    ActionSpec(
        "toggle_public",
        "Mark Entry Public / &Internal",
        "Ctrl+Shift+P",
        "entry",
        "Public entries may appear in the public report and status updates",
    ),
    ActionSpec(
        "hide_entry",
        "Hi&de / Unhide Entry",
        "Ctrl+Shift+Del",
        "entry",
        "Leave the selected entry out of the timeline and reports (kept in its history)",
    ),
    ActionSpec(
        "filter_timeline",
        "&Filter Timeline…",
        "Ctrl+F",
        "view",
        "Search and filter: text, kinds, starred, public (Esc closes)",
    ),
    ActionSpec(
        "show_hidden",
        "Show &Hidden Entries",
        "Ctrl+Alt+H",
        "view",
        "Show hidden entries, greyed, in the timeline",
        checkable=True,
    ),
    ActionSpec(
        "report",
        "&Report…",
        "Ctrl+R",
        "report",
        "Write the report: its sections, the action items, a live preview",
    ),
    ActionSpec(
        "add_action_item",
        "&Add Action Item",
        "Ctrl+Shift+A",
        "items",
        "A new row in the action items table",
        window="report",
    ),
    ActionSpec(
        "refresh_report",
        "&Refresh Drafts and Preview",
        "F5",
        "view",
        "Read the timeline again for the drafts and the preview",
        window="report",
    ),
    ActionSpec(
        "toggle_utc",  # the id of its UTC-only days: kept, so a key chosen for it still applies
        "Switch &Times: Local, UTC, T+",
        "Ctrl+Shift+U",
        "view",
        "Show times in local time, then UTC, then T+ (since impact started, else the first entry)",
    ),
    ActionSpec("jump_latest", "&Jump to Latest Entry", "Ctrl+End", "view"),
    ActionSpec("shortcuts", "&Keyboard Shortcuts", "F1", "help"),
)

NOTE_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "Save the note (its time is the first keystroke)"),
    ("Shift+Enter", "New line in the note"),
    ("Esc", "Discard the draft"),
    ("Ctrl+Z", "Bring a discarded draft back"),
    ("Ctrl+V", "Paste: an image on the clipboard becomes a capture entry, text goes into the note"),
)
"""Keys handled by the note field itself (listed in the cheat sheet, not bound as actions)."""

VIEWER_KEYS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("fit", ("F",), "Fit to window / zoom"),
    ("zoom_in", ("Ctrl+=", "Ctrl++"), "Zoom in (also Ctrl+wheel)"),
    ("zoom_out", ("Ctrl+-",), "Zoom out"),
    ("actual_size", ("Ctrl+0",), "Actual size"),
    ("copy", ("Ctrl+C",), "Copy the image"),
    ("undo_shape", ("Ctrl+Z",), "Undo the last shape"),
    ("delete_shape", ("Delete", "Backspace"), "Delete the selected shape"),
    ("save_annotations", ("Ctrl+S",), "Save annotations"),
    ("copy_text", ("Ctrl+Shift+C",), "Copy the capture's recognised text"),
    (
        "accept_redactions",
        ("Ctrl+Shift+R",),
        "Accept the proposed redactions (what looks sensitive)",
    ),
)
"""Keys of the capture viewer (its own window: they may repeat a key of the recorder window)."""


def action(action_id: str) -> ActionSpec:
    for spec in ACTIONS:
        if spec.id == action_id:
            return spec
    raise KeyError(action_id)


def make_actions(
    owner: QWidget,
    window: str,
    menus: Mapping[str, QMenu],
    handlers: Mapping[str, Callable[..., object]],
) -> dict[str, QAction]:
    """The actions of `window` in the table, each in its menu with its default key, its tip and
    its handler (`handlers`: action id → function; a checkable action's gets its state)."""
    made: dict[str, QAction] = {}
    for spec in ACTIONS:
        if spec.window != window:
            continue
        act = QAction(spec.text, owner)
        act.setShortcut(QKeySequence(spec.shortcut))
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.setToolTip(spec.tip or spec.text.replace("&", ""))
        act.setStatusTip(spec.tip)
        act.setCheckable(spec.checkable)
        handler = handlers[spec.id]
        (act.toggled if spec.checkable else act.triggered).connect(handler)
        menus[spec.menu].addAction(act)
        made[spec.id] = act
    return made
