"""Join Team Incident… (the start window): make a local replica of a shared incident.

Asks for the team database (a libpq connection string; the password comes from the system
keyring or libpq's own places, docs/team.md, or is typed here: team_password.py), the incident
id a teammate's `share` printed, and where to keep the replica; joining (connecting, creating
the file, pulling the record, then keeping a typed password in the keyring if asked) runs on a
thread of its own, and `joined(path)` is emitted when the file is ready to open.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from incident_recorder import paths
from incident_recorder.ui.dialogs.team_password import TeamPassword

logger = logging.getLogger(__name__)


class JoinTeamDialog(QDialog):
    joined = Signal(object)
    """The replica's path, once it holds the incident's record."""
    _done = Signal(object, str)

    def __init__(self, author: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Join Team Incident")
        self._author = author
        self.not_kept: QMessageBox | None = None
        """Shown after joining when the keyring refused the password (joined all the same)."""
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText(
            "service=team  or  postgresql://host/db?sslmode=verify-full"
        )
        self.url_edit.setAccessibleName("Team database")
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText("the incident id the teammate who shared it gives you")
        self.id_edit.setAccessibleName("Incident id")
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("Replica file")
        self.id_edit.textChanged.connect(self._show_default_target)
        self._show_default_target()
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Team &database", self.url_edit)
        self.password = TeamPassword(form)
        form.addRow("&Incident id", self.id_edit)
        form.addRow("&Save replica as", self.path_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.join)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._done.connect(self._finished)
        self.setMinimumWidth(600)

    def _say(self, text: str) -> None:
        """A line under the fields; the dialog grows to show it whole (the fields keep their
        height)."""
        self.message.setText(text)
        self.adjustSize()

    def _default_target(self) -> Path:
        return paths.data_dir() / f"{self.id_edit.text().strip()[:8] or 'team'}.incident"

    def _show_default_target(self) -> None:
        """The field's placeholder is the file an empty field saves to (it follows the id)."""
        self.path_edit.setPlaceholderText(str(self._default_target()))

    def target(self) -> Path:
        text = self.path_edit.text().strip()
        path = Path(text).expanduser() if text else self._default_target()
        return path if path.suffix else path.with_suffix(".incident")

    def join(self) -> None:
        url, incident = self.url_edit.text().strip(), self.id_edit.text().strip()
        if not url or not incident:
            self._say("Both the team database and the incident id are needed.")
            return
        from incident_recorder.sync.conninfo import BadConninfoError

        try:
            url = self.password.conninfo(url)
        except BadConninfoError as error:
            self._say(str(error))
            return
        out = self.target()
        self.buttons.setEnabled(False)
        self._say(f"Joining into {out}…")
        keep = self.password.keep
        threading.Thread(target=self._join, args=(url, incident, out, keep), daemon=True).start()

    def _join(self, url: str, incident: str, out: Path, keep: bool) -> None:
        try:
            from incident_recorder.sync import passwords
            from incident_recorder.sync.conninfo import BadConninfoError, error_text, shown
            from incident_recorder.sync.links import join
            from incident_recorder.sync.replicator import connect

            out.parent.mkdir(parents=True, exist_ok=True)
            try:
                with connect(url) as conn:
                    join(conn, url, incident, out, self._author)
            except BadConninfoError as error:
                self._done.emit(None, f"Not joined: {error}")
                return
            except Exception as error:
                self._done.emit(None, f"Not joined ({shown(url)}): {error_text(error, url)}")
                return
        except Exception as error:
            self._done.emit(None, f"Not joined: {error_text(error, url)}")
            return
        passwords.keep_for_this_run(url)  # memory only: the replica's window reconnects with it
        self._done.emit(out, _keep_password(url) if keep else "")

    def _finished(self, path: Path | None, problem: str) -> None:
        """Joined (`path`), with `problem` the keyring's refusal if any; or not, and why."""
        self.buttons.setEnabled(True)
        if path is None:
            self._say(problem)
            return
        self.joined.emit(path)
        self.accept()
        if problem:  # joined all the same: said once the replica's window is on its way
            self.not_kept = QMessageBox(
                QMessageBox.Icon.Warning, "The password was not kept", problem,
                parent=self.parentWidget(),
            )  # fmt: skip
            self.not_kept.open()


def _keep_password(conninfo: str) -> str:
    """Keep the password `conninfo` carries in the system keyring (after it let us in); why
    not, if the keyring refused (the replica is there either way). Logged without the
    password."""
    from incident_recorder.sync import passwords

    try:
        passwords.remember(conninfo)
    except passwords.NoKeyringError as error:
        logger.warning("the team database password was not kept: %s", error)
        return f"The replica was made, but the system keyring did not keep the password: {error}"
    return ""
