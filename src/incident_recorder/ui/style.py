"""Colours and fonts shared by the widgets: one badge colour per entry kind, calm neutrals."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase

from incident_recorder.domain import EntryKind

KIND_COLOURS: dict[EntryKind, str] = {
    EntryKind.OBSERVATION: "#64748b",
    EntryKind.DETECTION: "#d97706",
    EntryKind.IMPACT: "#dc2626",
    EntryKind.ACTION: "#2563eb",
    EntryKind.DECISION: "#7c3aed",
    EntryKind.COMMUNICATION: "#0d9488",
    EntryKind.CAUSE: "#be185d",
    EntryKind.RESOLUTION: "#16a34a",
    EntryKind.MITIGATION: "#0891b2",
}


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
