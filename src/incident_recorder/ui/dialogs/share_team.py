"""Share with Team… (Incident menu): the team database to share the open incident over.

Asks for a libpq connection string and, optionally, its password (team_password.py: for this
connection only, or kept in the system keyring once sharing succeeded). `chosen(conninfo, keep)`
hands the window's team sync (ui/recorder/team_sync.py) the string, carrying the typed password
if any, and whether to keep that password in the keyring; the sharing itself runs there.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.ui.dialogs.team_password import TeamPassword


class ShareTeamDialog(QDialog):
    chosen = Signal(str, bool)
    """(connection string, keep its password in the keyring), once OK is pressed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Share with Team")
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText(
            "service=team  or  postgresql://host/db?sslmode=verify-full"
        )
        self.url_edit.setAccessibleName("Team database")
        self.message = QLabel(
            "A libpq connection string. Without a password here, it comes from the system "
            "keyring, ~/.pgpass or the service file."
        )
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Team &database", self.url_edit)
        self.password = TeamPassword(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.share)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)

    def share(self) -> None:
        from incident_recorder.sync.conninfo import BadConninfoError

        url = self.url_edit.text().strip()
        if not url:
            self.message.setText("The team database is needed.")
            return
        try:
            conninfo = self.password.conninfo(url)
        except BadConninfoError as error:
            self.message.setText(str(error))
            return
        self.chosen.emit(conninfo, self.password.keep)
        self.accept()
