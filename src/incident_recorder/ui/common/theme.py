"""The application's look: Fusion style, light or dark, a few calm accents.

The scheme follows the desktop by default (``QStyleHints.colorScheme()``, Qt 6.5+, and its
``colorSchemeChanged`` signal while the app runs). The setting ``theme`` (system / light / dark)
or the environment variable ``INCIDENT_RECORDER_THEME`` (used by the screenshot script and
tests; it wins over the setting) forces one. Forced schemes and a dark desktop get the palettes
below, so the app looks the same on every desktop; a light desktop keeps its own palette.
The stylesheet uses palette roles, and the accents that cannot be palette roles come from
``style.adapt``.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from incident_recorder.ui.common.style import adapt, is_dark

ENV = "INCIDENT_RECORDER_THEME"

_ROLES = QPalette.ColorRole
LIGHT = {
    _ROLES.Window: "#f6f7f9",
    _ROLES.WindowText: "#1f2328",
    _ROLES.Base: "#ffffff",
    _ROLES.AlternateBase: "#f3f4f6",
    _ROLES.ToolTipBase: "#ffffff",
    _ROLES.ToolTipText: "#1f2328",
    _ROLES.PlaceholderText: "#6b7280",
    _ROLES.Text: "#1f2328",
    _ROLES.Button: "#f3f4f6",
    _ROLES.ButtonText: "#1f2328",
    _ROLES.BrightText: "#b91c1c",
    _ROLES.Light: "#ffffff",
    _ROLES.Midlight: "#e5e7eb",
    _ROLES.Mid: "#d1d5db",
    _ROLES.Dark: "#9ca3af",
    _ROLES.Shadow: "#6b7280",
    _ROLES.Highlight: "#2563eb",
    _ROLES.HighlightedText: "#ffffff",
    _ROLES.Link: "#1d4ed8",
    _ROLES.LinkVisited: "#6d28d9",
}
DARK = {
    _ROLES.Window: "#1e1f22",
    _ROLES.WindowText: "#e4e4e7",
    _ROLES.Base: "#17181a",
    _ROLES.AlternateBase: "#232427",
    _ROLES.ToolTipBase: "#2b2d31",
    _ROLES.ToolTipText: "#e4e4e7",
    _ROLES.PlaceholderText: "#8b8d94",
    _ROLES.Text: "#e4e4e7",
    _ROLES.Button: "#2b2d31",
    _ROLES.ButtonText: "#e4e4e7",
    _ROLES.BrightText: "#f87171",
    _ROLES.Light: "#3a3c41",
    _ROLES.Midlight: "#323438",
    _ROLES.Mid: "#3f4147",
    _ROLES.Dark: "#111214",
    _ROLES.Shadow: "#000000",
    _ROLES.Highlight: "#3b82f6",
    _ROLES.HighlightedText: "#ffffff",
    _ROLES.Link: "#60a5fa",
    _ROLES.LinkVisited: "#a78bfa",
}
_DISABLED = {"light": "#9ca3af", "dark": "#6b6d74"}


def stylesheet() -> str:
    """The application stylesheet for the current palette."""
    return f"""
#incidentHeader {{ border-bottom: 1px solid palette(mid); background: palette(base); }}
#incidentTitle {{ font-size: 17pt; font-weight: 600; }}
#startTitle {{ font-size: 20pt; font-weight: 600; }}
#incidentDetails, #hint {{ color: palette(placeholder-text); }}
#errorBanner {{
    background: {adapt("#fee2e2")}; color: {adapt("#7f1d1d")};
    border: 1px solid {adapt("#fca5a5")}; border-radius: 6px; padding: 8px 10px;
}}
#noticeBanner {{
    background: {adapt("#fef3c7")}; color: {adapt("#7c2d12")};
    border: 1px solid {adapt("#fcd34d")}; border-radius: 6px; padding: 6px 10px;
}}
#settingsMessage[error="true"] {{ color: {adapt("#b91c1c")}; }}
#hintCard {{ background: palette(base); border: 1px solid palette(mid); border-radius: 8px; }}
QPlainTextEdit {{ border: 1px solid palette(mid); border-radius: 6px; padding: 4px 6px; }}
QPlainTextEdit:focus {{ border: 2px solid palette(highlight); }}
QTableView {{ border: none; }}
QHeaderView::section {{ padding: 4px 6px; border: none; border-bottom: 1px solid palette(mid);
    background: palette(window); font-weight: 600; }}
QListWidget::item, #recentList::item {{ padding: 6px 4px; }}
#recentList {{ border: 1px solid palette(mid); border-radius: 6px; }}
#reportColumn {{ background: palette(window); }}
#sectionHeading {{ font-size: 12pt; font-weight: 600; padding-top: 4px; }}
#draftPanel {{ background: palette(alternate-base); border: 1px dashed palette(mid);
    border-radius: 6px; }}
#draftText {{ color: palette(placeholder-text); }}
#reportPreview {{ border: none; border-left: 1px solid palette(mid); background: palette(base); }}
#saveState {{ color: palette(placeholder-text); padding-right: 8px; }}
#reviewFindings {{ border: 1px solid palette(mid); border-radius: 6px; }}
#reviewFindings::item {{ padding: 4px 2px; }}
#findingDetail {{ background: palette(alternate-base); border: 1px solid palette(mid);
    border-radius: 6px; padding: 8px 10px; }}
"""


STYLESHEET = stylesheet()
"""The light stylesheet (kept for callers that only need the text)."""


def make_palette(scheme: str) -> QPalette:
    """The app's own palette for ``scheme`` ("light" or "dark")."""
    colours = DARK if scheme == "dark" else LIGHT
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    disabled = QColor(_DISABLED["dark" if scheme == "dark" else "light"])
    for role in (_ROLES.Text, _ROLES.WindowText, _ROLES.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def wanted_scheme(setting: str, desktop: Qt.ColorScheme) -> str:
    """Forced "light" or "dark", else "system-dark" / "system" (the desktop's choice)."""
    forced = os.environ.get(ENV, "").strip().lower() or setting
    if forced in ("light", "dark"):
        return forced
    return "system-dark" if desktop == Qt.ColorScheme.Dark else "system"


def apply_scheme(
    app: QApplication, setting: str = "system", desktop: Qt.ColorScheme | None = None
) -> str:
    """Apply the palette and stylesheet for ``setting`` (``desktop``: the desktop's scheme, read
    from the style hints when not given); returns "light" or "dark"."""
    if desktop is None:
        desktop = app.styleHints().colorScheme()
    scheme = wanted_scheme(setting, desktop)
    if scheme == "system":
        app.setPalette(app.style().standardPalette())
    else:
        app.setPalette(make_palette("dark" if scheme in ("dark", "system-dark") else "light"))
    app.setStyleSheet(stylesheet())
    app.setProperty("incidentRecorderTheme", setting)
    for top in app.topLevelWidgets():
        for widget in widgets_with_restyle(top):
            widget.restyle()  # type: ignore[attr-defined]
    return "dark" if is_dark(app.palette()) else "light"


def _scheme_changed(app: QApplication, desktop: Qt.ColorScheme) -> None:
    """The desktop switched light/dark: follow it unless a scheme is forced."""
    setting = app.property("incidentRecorderTheme") or "system"
    if setting == "system":
        apply_scheme(app, "system", desktop)


def apply_theme(app: QApplication, setting: str = "system") -> str:
    """Fusion style and the scheme for ``setting``; follows the desktop's changes from now on."""
    app.setStyle("Fusion")
    scheme = apply_scheme(app, setting)
    if not app.property("incidentRecorderFollows"):
        app.setProperty("incidentRecorderFollows", True)
        app.styleHints().colorSchemeChanged.connect(lambda scheme: _scheme_changed(app, scheme))
    return scheme


def widgets_with_restyle(root: QWidget) -> list[QWidget]:
    """``root`` and its children that re-apply their own colours on a scheme change."""
    found = [root] if callable(getattr(root, "restyle", None)) else []
    return found + [w for w in root.findChildren(QWidget) if callable(getattr(w, "restyle", None))]
