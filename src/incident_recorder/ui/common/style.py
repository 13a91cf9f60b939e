"""Colours and fonts shared by the widgets: one badge colour per entry kind, calm neutrals.

The accents are written as their light-theme colours; :func:`adapt` gives the variant that stays
readable on a dark palette (text colours a step lighter, tinted backgrounds a step darker).
Filled badges with white text (kinds, severities) read on both and are not adapted.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette

from incident_recorder.domain import EntryKind
from incident_recorder.domain.kinds import KIND_COLOURS


def kind_colour(kind: EntryKind) -> QColor:
    return QColor(KIND_COLOURS[kind])


def fixed_font(point_delta: float = 0) -> QFont:
    """The system monospace font, for times that must line up."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if point_delta:
        font.setPointSizeF(max(6.0, font.pointSizeF() + point_delta))
    return font


def badge_stylesheet(kind: EntryKind) -> str:
    return (
        f"background: {KIND_COLOURS[kind]}; color: white; border-radius: 9px;"
        " padding: 2px 10px; font-weight: 600;"
    )


DARK_VARIANTS: dict[str, str] = {
    "#0f766e": "#2dd4bf",  # teal text: PUBLIC
    "#b91c1c": "#f87171",  # red text: errors, ongoing, overdue
    "#dc2626": "#f87171",
    "#c62828": "#f87171",
    "#b45309": "#fbbf24",  # amber text: investigating, warnings
    "#d97706": "#fbbf24",  # the star
    "#7c3aed": "#a78bfa",  # identified
    "#1d4ed8": "#60a5fa",  # monitoring
    "#15803d": "#4ade80",  # resolved, added text
    "#64748b": "#94a3b8",  # grey text
    "#94a3b8": "#64748b",  # grey border
    "#334155": "#475569",  # milestone pill fill (white text)
    "#1f2937": "#e5e7eb",  # report preview headings
    "#374151": "#d1d5db",
    "#4b5563": "#9ca3af",
    "#f3f4f6": "#2b2d31",  # report preview table header
    "#e5e7eb": "#3f4147",  # report preview rules
    "#fef3c7": "#4a3b12",  # changed field in the entry history, notice banner
    "#7c2d12": "#fde68a",  # notice banner text
    "#fcd34d": "#92400e",  # notice banner border
    "#fee2e2": "#3b1618",  # error banner
    "#7f1d1d": "#fecaca",
    "#fca5a5": "#7f1d1d",
}


def is_dark(palette: QPalette | None = None) -> bool:
    """True when ``palette`` (the application's by default) is a dark one."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def adapt(colour: str) -> str:
    """``colour`` (a light-theme accent) as it should be drawn on the current palette."""
    return DARK_VARIANTS.get(colour.lower(), colour) if is_dark() else colour
