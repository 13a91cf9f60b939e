"""Errors of the incident file, each with a message fit to show a person as it is.

SQLite's own exceptions never leave the storage layer: `translate` turns them into these.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class IncidentFileError(Exception):
    """Something is wrong with an incident file; str() is a clear one-line message."""


class FileMissingError(IncidentFileError):
    """The file does not exist."""


class FileExistsError_(IncidentFileError):
    """`create` was asked for a path that already exists."""


class NotAnIncidentFileError(IncidentFileError):
    """The file is not SQLite, or is SQLite written by another program."""


class NewerSchemaError(IncidentFileError):
    """The file was written by a newer Incident Recorder; it is left untouched."""


class CorruptFileError(IncidentFileError):
    """SQLite reports damage."""


class ReadOnlyFileError(IncidentFileError):
    """The file (or its folder) cannot be written."""


class DiskFullError(IncidentFileError):
    """The disk is full: the entry was not saved."""


class FileBusyError(IncidentFileError):
    """Another program holds a write lock for longer than we wait."""


class PixelsArrivingError(IncidentFileError):
    """A teammate's capture is here with its thumbnail, its full image not yet (storage/pixels.py):
    what needs the pixels waits for the team sync to bring them."""


class StoppedError(IncidentFileError):
    """A statement was stopped: it ran past its time limit, or was cancelled (limits.py)."""


def translate(error: sqlite3.Error, path: Path, action: str) -> IncidentFileError:
    """Turn a sqlite3 error met while doing `action` on `path` into a clear IncidentFileError."""
    message = str(error).lower()
    name = path.name
    if "interrupted" in message:
        return StoppedError(f"{action} on {name} was stopped (it took too long, or was cancelled)")
    if "too big" in message:
        return CorruptFileError(
            f"{name} holds a value too large to read ({error}); {action} failed"
        )
    if "disk is full" in message or "database or disk is full" in message:
        return DiskFullError(f"the disk holding {name} is full: {action} failed, nothing was saved")
    if "readonly" in message or "read-only" in message:
        return ReadOnlyFileError(f"{name} is read-only: {action} failed, nothing was saved")
    if "locked" in message or "busy" in message:
        return FileBusyError(f"{name} is locked by another program: {action} failed, try again")
    if "malformed" in message or "not a database" in message or "corrupt" in message:
        return CorruptFileError(f"{name} is damaged ({error}); {action} failed")
    if "unable to open" in message:
        return FileMissingError(f"cannot open {path}: the file or its folder is gone")
    if "disk i/o" in message:
        return IncidentFileError(f"disk error on {name} ({error}): {action} failed")
    return IncidentFileError(f"{action} failed on {name}: {error}")
