"""File dialogs that never read the files they list: the only safe kind beside an open incident.

SQLite's locks are POSIX locks, which belong to the process: closing *any* descriptor of an open
incident file (or its -wal or -shm) in this process drops every lock the process holds on it.
Another program then takes itself for the last connection, checkpoints and deletes the WAL,
and this process goes on writing into a deleted file: notes reported saved are lost.

Qt's file dialog asks its icon provider for each file's icon and type, and the default provider
asks QMimeDatabase, which opens a file to sniff its content whenever the name alone does not
settle the type (`.incident`, `-wal`, `-shm` do not). A platform's native dialog running in this
process (GTK's) sniffs the same way. So every dialog here is Qt's own, with `NameOnlyIconProvider`,
which decides a file's icon and type from its name alone and never opens it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QStyle, QWidget

INCIDENT_SUFFIX = ".incident"


class NameOnlyIconProvider(QAbstractFileIconProvider):
    """Icons and type names from the file name alone (see the module docstring)."""

    def icon(self, which: QFileInfo | QAbstractFileIconProvider.IconType) -> QIcon:
        if isinstance(which, QFileInfo):
            if which.isRoot() or which.isDir():
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon)
            if which.fileName().endswith(INCIDENT_SUFFIX):
                return QGuiApplication.windowIcon()  # the app's icon (app.make_qapp)
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        return super().icon(which)  # an IconType: no file involved

    def type(self, info: QFileInfo) -> str:
        if info.isRoot() or info.isDir():
            return "Folder"
        name = info.fileName()
        if name.endswith(INCIDENT_SUFFIX):
            return "Incident file"
        suffix = Path(name).suffix.lstrip(".")
        return f"{suffix.upper()} file" if suffix else "File"


def _dialog(parent: QWidget | None, caption: str, folder: str, filters: str = "") -> QFileDialog:
    dialog = QFileDialog(parent, caption, folder, filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    provider = NameOnlyIconProvider()
    dialog.setIconProvider(provider)
    dialog._icon_provider = provider  # type: ignore[attr-defined]  # alive as long as the dialog
    return dialog


def open_file_name(parent: QWidget | None, caption: str, folder: str, filters: str) -> str:
    """The path of an existing file the user chose, or "" (like QFileDialog.getOpenFileName)."""
    dialog = _dialog(parent, caption, folder, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    return _chosen(dialog)


def save_file_name(parent: QWidget | None, caption: str, start: str, filters: str) -> str:
    """A path to create, or "" (like QFileDialog.getSaveFileName); `start` may name a file."""
    start_path = Path(start)
    folder = str(start_path.parent) if not start_path.is_dir() else start
    dialog = _dialog(parent, caption, folder, filters)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    if not start_path.is_dir():
        dialog.selectFile(start_path.name)
    return _chosen(dialog)


def existing_directory(parent: QWidget | None, caption: str, folder: str) -> str:
    """A folder the user chose, or "" (like QFileDialog.getExistingDirectory)."""
    dialog = _dialog(parent, caption, folder)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return _chosen(dialog)


def _chosen(dialog: QFileDialog) -> str:
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return ""
        files = dialog.selectedFiles()
        return files[0] if files else ""
    finally:
        dialog.deleteLater()
