"""Where everything goes in the timeline picture: a list of plain shapes both renderers draw.

One lane per entry kind present, a horizontal time axis with ticks in local time (and a note
tying them to UTC), the milestones as labelled vertical markers, impact as a red band from
*impact started* to *mitigated* (else *resolved*, else the end), entries as dots coloured by
kind (starred ones larger, with labels below the axis), and a legend. Labels are placed in rows
so that none overlaps another; a starred label that finds no room is left out and counted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.kinds import KIND_COLOURS
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.times import in_zone
from incident_recorder.report import facts
from incident_recorder.report import timeline_axis as axis


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None
    cls: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 1.0
    dashed: bool = False
    cls: str = ""


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    y: float
    r: float
    fill: str
    stroke: str = "#ffffff"
    cls: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float
    text: str
    size: float = 12.0
    fill: str = "#334155"
    anchor: str = "start"  # start | middle | end, at the baseline
    bold: bool = False
    cls: str = ""


Shape = Rect | Line | Dot | Text


@dataclass(slots=True)
class Layout:
    width: int
    height: int
    title: str
    shapes: list[Shape] = field(default_factory=list)


_LEFT, _RIGHT, _ROW, _LANE = 118.0, 28.0, 17.0, 26.0
_INK, _MUTED, _GRID = "#1f2937", "#64748b", "#e2e8f0"
_IMPACT_BAND = "#fde8e8"
_MAX_STARRED_ROWS = 6


def text_width(text: str, size: float) -> float:
    """A generous estimate of a label's width (DejaVu Sans averages below 0.6 em)."""
    return len(text) * size * 0.6


def shorten(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "\u2026"


class _Rows:
    """Label rows: each label goes in the first row where it overlaps nothing."""

    def __init__(self, count: int) -> None:
        self.rows: list[list[tuple[float, float]]] = [[] for _ in range(count)]

    def place(self, start: float, end: float, gap: float = 8.0) -> int | None:
        for index, taken in enumerate(self.rows):
            if all(end + gap <= a or start >= b + gap for a, b in taken):
                taken.append((start, end))
                return index
        return None

    def used(self) -> int:
        return sum(1 for row in self.rows if row)


def layout(
    title: str,
    entries: Sequence[Entry],
    milestones: Milestones,
    tz: tzinfo,
    width: int,
    *,
    names: Mapping[Milestone, str] | None = None,
) -> Layout:
    """The shapes of the picture of `entries` (already filtered) and `milestones`; `names`
    names the milestones (default: their own labels)."""
    width = max(int(width), 480)
    out = Layout(width=width, height=0, title=title)
    shapes = out.shapes
    plot_left, plot_right = _LEFT, width - _RIGHT
    span = axis.span(entries, milestones)
    kinds = [kind for kind in EntryKind if any(entry.kind is kind for entry in entries)]

    def x_of(moment: datetime) -> float:
        assert span is not None
        fraction = (moment - span[0]) / (span[1] - span[0])
        return plot_left + fraction * (plot_right - plot_left)

    # Milestone labels, in rows above the lanes.
    reached = milestones.reached()
    top_rows = _Rows(len(Milestone))
    placed: list[tuple[Milestone, float, int, str, str]] = []
    for milestone, moment in reached:
        x = x_of(moment)
        name = names.get(milestone, milestone.label) if names else milestone.label
        label = f"{name} {in_zone(moment, tz):%H:%M:%S}"
        w = text_width(label, 11.5)
        anchor = "start" if x + 4 + w <= width - 4 else "end"
        a, b = (x + 4, x + 4 + w) if anchor == "start" else (x - 4 - w, x - 4)
        row = top_rows.place(a, b)
        placed.append((milestone, x, row or 0, label, anchor))
    top = 10.0 + max(top_rows.used(), 0) * _ROW + (6.0 if reached else 0.0)
    lanes = max(len(kinds), 1)
    plot_top, plot_bottom = top, top + lanes * _LANE

    for index in range(lanes):
        fill = "#f8fafc" if index % 2 == 0 else "#ffffff"
        shapes.append(
            Rect(plot_left, plot_top + index * _LANE, plot_right - plot_left, _LANE, fill)
        )
    impact = milestones[Milestone.IMPACT_STARTED]
    if span is not None and impact is not None:
        until = milestones[Milestone.MITIGATED] or milestones[Milestone.RESOLVED] or span[1]
        a, b = x_of(impact), max(x_of(until), x_of(impact))
        shapes.append(Rect(a, plot_top, b - a, plot_bottom - plot_top, _IMPACT_BAND, cls="impact"))
    shapes.append(Rect(plot_left, plot_top, plot_right - plot_left, lanes * _LANE, "none", _GRID))
    for index, kind in enumerate(kinds):
        y = plot_top + index * _LANE + _LANE / 2 + 4
        shapes.append(Text(plot_left - 10, y, kind.label, 12, _INK, "end", cls="lane"))

    # Axis and ticks (local time), then the note tying them to UTC.
    axis_y = plot_bottom
    y = axis_y + 16
    note = ""
    if span is None:
        shapes.append(
            Text(
                (plot_left + plot_right) / 2,
                plot_top + _LANE / 2 + 5,
                "No entries recorded",
                13,
                _MUTED,
                "middle",
                cls="empty",
            )
        )
        y = axis_y + 8
    else:
        ticks = axis.ticks(span[0], span[1], tz, plot_right - plot_left)
        step = ticks[1] - ticks[0] if len(ticks) > 1 else timedelta(hours=1)
        by_date = axis.by_date(step)  # the tick labels are dates already
        multi_day = not by_date and in_zone(span[0], tz).date() != in_zone(span[1], tz).date()
        previous_day = None
        for tick in ticks:
            x = x_of(tick)
            shapes.append(Line(x, plot_top, x, axis_y, _GRID, 1, cls="grid"))
            shapes.append(Line(x, axis_y, x, axis_y + 5, _MUTED, 1, cls="tick"))
            shapes.append(Text(x, axis_y + 17, axis.label(tick, tz, step), 11, _MUTED, "middle"))
            day = in_zone(tick, tz).date()
            if multi_day and day != previous_day:
                shapes.append(
                    Text(x, axis_y + 31, day.strftime("%a %d %b"), 10.5, _MUTED, "middle")
                )
            previous_day = day
        y = axis_y + (36 if multi_day else 22)
        reference = ticks[0] if ticks else span[0]
        if facts.is_utc(tz, reference):
            note = "Times in UTC"
        else:
            zone = facts.describe_zone(tz, reference)
            local = f"{in_zone(reference, tz):%H:%M}"
            utc = facts.utc_time(reference, with_date=False)[:5]
            note = f"Local time, {zone}: {local} local = {utc} UTC"

    # Milestone markers over the lanes, with their labels above.
    for milestone, x, row, label, anchor in placed:
        colour = KIND_COLOURS[milestone.entry_kind]
        cls = f"milestone milestone-{milestone.value}"
        label_y = 10 + row * _ROW + 11
        shapes.append(Line(x, label_y - 9, x, plot_bottom, colour, 1.6, True, cls))
        tx = x + 4 if anchor == "start" else x - 4
        shapes.append(Text(tx, label_y, label, 11.5, colour, anchor, True, cls))

    # Starred labels in rows below the axis, then the dots (starred last, on top).
    lane_of = {kind: index for index, kind in enumerate(kinds)}
    starred = [entry for entry in entries if entry.starred]
    rows = _Rows(_MAX_STARRED_ROWS)
    labels: list[tuple[float, float, int, str, str]] = []
    for entry in starred:
        x = x_of(entry.occurred_at)
        time = f"{in_zone(entry.occurred_at, tz):%H:%M}"
        label = f"\u2605 {time} {shorten(entry.text, 46) or entry.kind.label}"
        w = text_width(label, 11)
        anchor = "start" if x + w <= width - 4 else "end"
        a, b = (x - 4, x - 4 + w) if anchor == "start" else (x + 4 - w, x + 4)
        row = rows.place(a, b)
        if row is not None:
            labels.append(
                (x, plot_top + lane_of[entry.kind] * _LANE + _LANE / 2, row, label, anchor)
            )
    label_top = y + 10
    for x, dot_y, row, label, anchor in labels:
        ly = label_top + row * _ROW + 11
        shapes.append(Line(x, dot_y, x, ly - 10, "#94a3b8", 0.8, True, "guide"))
        shapes.append(
            Text(
                x - 4 if anchor == "start" else x + 4,
                ly,
                label,
                11,
                _INK,
                anchor,
                cls="starred-label",
            )
        )
    y = label_top + rows.used() * _ROW + (4 if labels else -6)
    if note:
        y += 16
        shapes.append(Text(plot_left, y, note, 10.5, _MUTED, "start", cls="zone"))
    if len(labels) < len(starred):
        y += 14
        missing = len(starred) - len(labels)
        shapes.append(
            Text(
                plot_left,
                y,
                f"{missing} more starred entries not labelled (no room)",
                10.5,
                _MUTED,
                cls="omitted",
            )
        )

    for entry in sorted(entries, key=lambda e: e.starred):
        x = x_of(entry.occurred_at)
        cy = plot_top + lane_of[entry.kind] * _LANE + _LANE / 2
        time = f"{in_zone(entry.occurred_at, tz):%H:%M:%S}"
        tip = f"{time} {entry.kind.label}: {shorten(entry.text, 160)}"
        radius, stroke = (6.5, _INK) if entry.starred else (4.0, "#ffffff")
        cls = f"entry kind-{entry.kind.value}" + (" starred" if entry.starred else "")
        shapes.append(Dot(x, cy, radius, KIND_COLOURS[entry.kind], stroke, cls, tip))

    starred = any(entry.starred for entry in entries)
    out.height = int(math.ceil(_legend(shapes, kinds, y + 22, width, starred=starred)))
    return out


def _legend(
    shapes: list[Shape], kinds: Sequence[EntryKind], y: float, width: int, *, starred: bool
) -> float:
    """Symbols: entries (coloured by kind, one lane each), starred entries (only when one is
    drawn: a public picture has none, and a customer has no use for the team's marks), impact,
    milestones."""
    x = _LEFT
    labels = ("entry (colour: kind)", "starred entry", "impact", "milestone")
    for label in (name for name in labels if starred or not name.startswith("starred")):
        w = 22 + text_width(label, 11)
        if x + w > width - _RIGHT:
            x, y = _LEFT, y + 18
        if label.startswith("entry"):
            for offset, kind in enumerate(kinds[:3] or [EntryKind.OBSERVATION]):
                shapes.append(
                    Dot(x + 6 + offset * 10, y - 4, 4.0, KIND_COLOURS[kind], cls="legend")
                )
            x += 10 * (len(kinds[:3] or [0]) - 1)
        elif label.startswith("starred"):
            shapes.append(Dot(x + 6, y - 4, 6.5, "#94a3b8", _INK, "legend"))
        elif label == "impact":
            shapes.append(Rect(x, y - 10, 13, 12, _IMPACT_BAND, "#f5b5b5", "legend"))
        else:
            shapes.append(Line(x + 6, y - 11, x + 6, y + 2, _INK, 1.6, True, "legend"))
        shapes.append(Text(x + 17, y, label, 11, _MUTED, cls="legend"))
        x += w + 14
    return y + 12
