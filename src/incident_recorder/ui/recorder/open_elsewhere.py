"""Said once when a window opens: the incident is also open in another window or program.

Two Incident Recorder apps (each with its own instance socket, so the second is not forwarded to
the first) can open the same file; both record into it safely, but the user should know, and
know where the other one is: the notice names the process (storage/holders.py).
"""

from __future__ import annotations

from pathlib import Path

from incident_recorder.storage.holders import holders

OPEN_ELSEWHERE = "Also open elsewhere"


def open_elsewhere(path: Path) -> str | None:
    """The notice for `path` if another process has it open, else None."""
    others = holders(path)
    if not others:
        return None
    named = "; ".join(holder.describe() for holder in others)
    windows = any(holder.ours and holder.what.endswith("window") for holder in others)
    after = (
        " Entries from both are kept, each at its own time; the global capture keys go to the "
        "window that grabbed them first."
        if windows
        else " Entries it records appear here within a second."
    )
    return f"{path.name} is also open in {named}.{after}"
