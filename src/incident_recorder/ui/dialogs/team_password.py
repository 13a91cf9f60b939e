"""The password row of the team dialogs (Share with Team, Join Team Incident): an optional
password, never echoed, and "Remember in the system keyring".

The password is merged into the connection string for that one connection (`conninfo`), so what
is kept in the incident file is the string without it (sync/conninfo.kept) and what is shown or
logged has it masked. With the box ticked, the dialog keeps it in the system keyring once the
connection has succeeded (sync/passwords.remember). Whether a keyring is there is asked on a
thread of its own (loading keyring and asking D-Bus takes a quarter of a second): until it
answers, and when there is none, the box is disabled, its tooltip saying why.
"""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit

LOOKING = "Looking for the system keyring…"
KEPT_HOW = (
    "Keep the password in the system keyring under user@host:port/dbname, for share, join "
    "and sync to use when the connection string has none (never in settings or the incident)"
)


class TeamPassword(QObject):
    """The password field and the Remember box, added to a dialog's form."""

    _answered = Signal(object)

    def __init__(self, form: QFormLayout) -> None:
        super().__init__(form)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setAccessibleName("Password")
        self.edit.setPlaceholderText("optional: else the keyring, ~/.pgpass or the service file")
        self.remember = QCheckBox("&Remember in the system keyring")
        self.remember.setEnabled(False)
        self.remember.setToolTip(LOOKING)
        self.keyring_problem: str | None = LOOKING
        form.addRow("&Password", self.edit)
        form.addRow("", self.remember)
        self._answered.connect(self._show_keyring)
        threading.Thread(target=self._ask_keyring, name="keyring check", daemon=True).start()

    def _ask_keyring(self) -> None:
        try:
            from incident_recorder.sync.passwords import unavailable

            problem = unavailable()
        except Exception as error:  # the dialog works without a keyring
            problem = f"no system keyring: {error}"
        with contextlib.suppress(RuntimeError):  # the dialog is gone
            self._answered.emit(problem)

    def _show_keyring(self, problem: str | None) -> None:
        self.keyring_problem = problem
        self.remember.setEnabled(problem is None)
        if problem is None:
            self.remember.setToolTip(KEPT_HOW)
        else:
            self.remember.setChecked(False)
            self.remember.setToolTip(f"Not available: {problem}")

    def conninfo(self, url: str) -> str:
        """`url` with the typed password, for this connection only."""
        password = self.edit.text()
        if not password:
            return url
        from incident_recorder.sync.conninfo import with_password

        return with_password(url, password)

    @property
    def keep(self) -> bool:
        """Whether to keep the password in the keyring once connected."""
        return self.remember.isEnabled() and self.remember.isChecked()
