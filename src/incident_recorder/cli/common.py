"""What every command shares: the program name, the commands, the one-line error."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


PROG = "incident-recorder"


INCIDENT_SUFFIX = ".incident"
"""What an incident file's name ends with: the window's dialogs list and open files by it."""


def with_incident_suffix(given: Path) -> Path:
    """`given`, ending in .incident: `new checkout` and `join … --out checkout` make
    checkout.incident (and say so)."""
    if given.suffix == INCIDENT_SUFFIX:
        return given
    return given.with_name(given.name + INCIDENT_SUFFIX)


COMMANDS: tuple[str, ...] = ("new", "open", "note", "capture", "export", "milestone", "review")


COMMANDS += ("serve", "import", "merge", "copy", "status-page")
COMMANDS += ("recognise", "search", "findings")


COMMANDS += ("team", "share", "join", "sync")


FOCUS_NOTE = "\0focus"
"""`--note` given without TEXT."""


NOT_RUNNING = (
    f"no Incident Recorder window is running; start it with `{PROG} FILE`, or record from a "
    f"shell with `{PROG} note FILE TEXT`"
)


class CliError(Exception):
    """An error to print as one line, exit status 1."""


def one_line(text: str) -> str:
    """`text` safe to print as one line: control and other unprintable characters (a carriage
    return in an argument would overwrite the message on a terminal) shown escaped."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape", "backslashreplace").decode()
        for char in text
    )
