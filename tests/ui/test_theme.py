"""Light and dark: the palette follows the desktop or a forced choice; accents stay readable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from incident_recorder.ui.common import theme
from incident_recorder.ui.common.style import DARK_VARIANTS, adapt, is_dark
from incident_recorder.ui.timeline.timeline_delegate import STAR_COLOUR

TEXT_ACCENTS = (
    "#0f766e",  # PUBLIC
    "#b91c1c",  # errors, ongoing impact, overdue
    "#dc2626",  # the note's time stamp
    "#b45309",  # investigating, missing owner
    "#7c3aed",  # identified
    "#1d4ed8",  # monitoring
    "#15803d",  # resolved
    "#1f2937",  # report preview headings
    "#374151",
    "#4b5563",
)


def contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture
def restore_theme(qapp):
    yield
    theme.apply_scheme(qapp, "light")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_accent_reads_on_both_palettes(qapp, restore_theme, scheme: str) -> None:
    assert theme.apply_scheme(qapp, scheme) == scheme
    palette = qapp.palette()
    assert is_dark(palette) == (scheme == "dark")
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window):
        background = palette.color(role)
        for accent in TEXT_ACCENTS:
            shown = QColor(adapt(accent))
            assert contrast(shown, background) >= 4.0, (scheme, accent, shown.name(), role)
        star = QColor(adapt(STAR_COLOUR.name()))  # a symbol: 3:1 is enough for a non-text mark
        assert contrast(star, background) >= 3.0
        assert contrast(palette.color(QPalette.ColorRole.Text), background) >= 7
        placeholder = palette.color(QPalette.ColorRole.PlaceholderText)
        assert contrast(placeholder, background) >= 3.0


def test_the_stylesheet_follows_the_palette(qapp, restore_theme) -> None:
    theme.apply_scheme(qapp, "dark")
    assert DARK_VARIANTS["#fee2e2"] in qapp.styleSheet()  # the error banner, dark
    theme.apply_scheme(qapp, "light")
    assert "#fee2e2" in qapp.styleSheet()


def test_the_environment_forces_a_scheme(qapp, restore_theme, monkeypatch) -> None:
    monkeypatch.setenv(theme.ENV, "dark")
    assert theme.apply_scheme(qapp, "light") == "dark"
    monkeypatch.setenv(theme.ENV, "light")
    assert theme.apply_scheme(qapp, "dark") == "light"


def test_system_follows_the_desktop_switching(qapp, restore_theme) -> None:
    theme.apply_theme(qapp, "system")
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert is_dark(qapp.palette())
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not is_dark(qapp.palette())
    theme.apply_scheme(qapp, "light")  # forced: the desktop's switch is not followed
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not is_dark(qapp.palette())


def test_open_windows_recolour_on_a_switch(qapp, restore_theme, make_window, qtbot) -> None:
    window = make_window()
    window.note_bar.toggle_public()
    theme.apply_scheme(qapp, "dark")
    assert DARK_VARIANTS["#0f766e"] in window.note_bar.public_badge.styleSheet()
    theme.apply_scheme(qapp, "light")
    assert "#0f766e" in window.note_bar.public_badge.styleSheet()
