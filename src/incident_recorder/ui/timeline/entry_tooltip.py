"""What the timeline says of an entry besides its cells: the caption of a capture without text,
and the tooltip (when it occurred and was recorded, from where, its marks, and its whole text,
wrapped)."""

from __future__ import annotations

from datetime import tzinfo
from textwrap import fill

from incident_recorder.domain import Entry
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.text import visible

TOOLTIP_WIDTH = 100  # characters a tooltip line holds


def capture_caption(entry: Entry) -> str:
    """ "Screen capture 1920×1080 · monitor 2 · <window title>" ("" for a note)."""
    capture = entry.capture
    if capture is None:
        return ""
    where = f" · monitor {capture.monitor}" if capture.monitor else ""
    title = f" · {visible(capture.window_title)}" if capture.window_title else ""
    return f"Screen capture {capture.width}×{capture.height}{where}{title}"


def entry_tooltip(
    entry: Entry,
    local_zone: tzinfo | None,
    milestone: Milestone | None,
    *,
    redacted: bool,
    problem: str | None,
) -> str:
    """The tooltip of `entry`'s row: `milestone` it marks, whether its capture is `redacted`,
    and why its thumbnail is not shown (`problem`)."""
    local = entry.occurred_at.astimezone(local_zone)
    lines = [
        f"{entry.kind.label} · occurred {local:%Y-%m-%d %H:%M:%S.%f}"[:-3]
        + f" {local:%Z} ({entry.occurred_at:%H:%M:%S} UTC)",
        f"recorded {entry.recorded_at.astimezone(local_zone):%H:%M:%S} "
        f"· from {entry.source}" + (f" · revision {entry.revision}" if entry.revision > 1 else ""),
    ]
    flags = [f"marks: {milestone.label}"] if milestone else []
    flags += ["starred"] * entry.starred + ["public"] * entry.public
    flags += ["hidden (Ctrl+Shift+H: history)"] * entry.hidden
    if flags:
        lines.append(" · ".join(flags))
    if entry.capture is not None:
        lines.append(capture_caption(entry) + " · redacted" * redacted + " — double-click to open")
        if problem is not None:
            lines.append(problem)
    text = visible(entry.text if len(entry.text) <= 2000 else entry.text[:2000] + " …")
    if text:  # wrapped: a plain-text tooltip shows a long line as one, off the screen
        lines.append("")
        lines += [fill(line, TOOLTIP_WIDTH, replace_whitespace=False) for line in text.split("\n")]
    return "\n".join(lines)
