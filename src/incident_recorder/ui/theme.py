"""The application's look: Fusion style, the system palette, a few calm accents."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

STYLESHEET = """
#incidentHeader { border-bottom: 1px solid palette(mid); background: palette(base); }
#incidentTitle { font-size: 17pt; font-weight: 600; }
#startTitle { font-size: 20pt; font-weight: 600; }
#incidentDetails, #hint { color: palette(placeholder-text); }
#errorBanner {
    background: #fee2e2; color: #7f1d1d; border: 1px solid #fca5a5;
    border-radius: 6px; padding: 8px 10px;
}
QPlainTextEdit { border: 1px solid palette(mid); border-radius: 6px; padding: 4px 6px; }
QPlainTextEdit:focus { border: 2px solid palette(highlight); }
QTableView { border: none; }
QHeaderView::section { padding: 4px 6px; border: none; border-bottom: 1px solid palette(mid);
    background: palette(window); font-weight: 600; }
QListWidget::item { padding: 6px 4px; }
#reportColumn { background: palette(window); }
#sectionHeading { font-size: 12pt; font-weight: 600; padding-top: 4px; }
#draftPanel { background: palette(alternate-base); border: 1px dashed palette(mid);
    border-radius: 6px; }
#draftText { color: palette(placeholder-text); }
#reportPreview { border: none; border-left: 1px solid palette(mid); background: palette(base); }
#saveState { color: palette(placeholder-text); padding-right: 8px; }
#reviewFindings { border: 1px solid palette(mid); border-radius: 6px; }
#reviewFindings::item { padding: 4px 2px; }
#findingDetail { background: palette(alternate-base); border: 1px solid palette(mid);
    border-radius: 6px; padding: 8px 10px; }
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setStyleSheet(STYLESHEET)
