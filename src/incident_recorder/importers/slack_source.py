"""Where a Slack channel's files come from: a channel folder, or a zip as Slack hands it out.

A folder holds the channel's day files (`2026-11-27.json`) and maybe `users.json`; the export's
root above it may hold `users.json` too. A zip holds the day files at its root or in one channel
folder (with `users.json` beside them or at the zip's root); a zip of a whole workspace names
its channels and asks for one. Everything is read through importers/files.py: regular files
only, never through a link, never outside the export, within the size caps.
"""

from __future__ import annotations

import abc
import re
import stat
from pathlib import Path, PurePosixPath

from incident_recorder.importers.common import ImportFailed
from incident_recorder.importers.files import (
    Budget,
    ZipExport,
    entries_of,
    exists_inside,
    read_inside,
)

DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
USERS = "users.json"


class SlackSource(abc.ABC):
    """A channel's day files (names, oldest first) and how to read each, and users.json: a
    folder or a zip (the two subclasses below)."""

    def __init__(self, channel: str, days: list[str]) -> None:
        self.channel = channel
        self.days = days

    @abc.abstractmethod
    def read(self, name: str) -> bytes:
        """The bytes of the day file `name`, read as data (importers/files.py)."""

    @abc.abstractmethod
    def users(self) -> tuple[str, bytes] | None:
        """(name, bytes) of users.json, or None when the export has none."""

    def close(self) -> None:  # noqa: B027 - a folder holds nothing open; a zip overrides it
        """Let go of what was opened (a zip)."""


class _Folder(SlackSource):
    def __init__(self, folder: Path, budget: Budget) -> None:
        try:
            listed = dict(entries_of(folder))
        except OSError as error:
            raise ImportFailed([f"{folder}: cannot be read ({error.strerror or error})"]) from None
        days = sorted(name for name in listed if DAY_FILE.match(name))
        if not days:
            channels = sorted(
                name
                for name, mode in listed.items()
                if stat.S_ISDIR(mode) and _has_days(folder / name)
            )
            hint = f": this looks like a whole export, import one channel ({', '.join(channels)})"
            raise ImportFailed(
                [f"{folder.name}: no day files (2026-11-27.json, …) in the folder"
                 + (hint if channels else "")]
            )  # fmt: skip
        super().__init__(folder.name, days)
        self._folder = folder
        self._budget = budget

    def read(self, name: str) -> bytes:
        return read_inside(self._folder, name, self._budget)

    def users(self) -> tuple[str, bytes] | None:
        for folder in (self._folder, self._folder.parent):
            if exists_inside(folder, USERS):
                return USERS, read_inside(folder, USERS, self._budget)
        return None


def _has_days(folder: Path) -> bool:
    try:
        return any(DAY_FILE.match(name) for name, _ in entries_of(folder))
    except OSError:
        return False


class _Zip(SlackSource):
    def __init__(self, path: Path, budget: Budget) -> None:
        self._zip = ZipExport(path, budget)
        try:
            by_folder: dict[str, list[str]] = {}
            for name in self._zip.members:
                where = PurePosixPath(name)
                if DAY_FILE.match(where.name):
                    by_folder.setdefault(str(where.parent), []).append(name)
            if len(by_folder) != 1:
                channels = ", ".join(sorted(folder for folder in by_folder if folder != "."))
                why = (
                    f"holds several channels ({channels}): unzip it and import one channel's folder"
                    if by_folder
                    else "holds no day files (2026-11-27.json, …)"
                )
                raise ImportFailed([f"the zip {why}"])
            ((folder, days),) = by_folder.items()
        except ImportFailed:
            self._zip.close()
            raise
        self._folder = folder
        channel = path.stem if folder == "." else PurePosixPath(folder).name
        super().__init__(channel, sorted(days))

    def read(self, name: str) -> bytes:
        return self._zip.read(name)

    def users(self) -> tuple[str, bytes] | None:
        for name in (str(PurePosixPath(self._folder) / USERS), USERS):
            name = name.removeprefix("./")
            if name in self._zip.members:
                return name, self._zip.read(name)
        return None

    def close(self) -> None:
        self._zip.close()


def open_source(path: Path, budget: Budget) -> SlackSource:
    """The channel export at `path` (a folder or a .zip); ImportFailed naming what is wrong."""
    if path.is_dir():  # the folder the user named; nothing below it is reached through a link
        return _Folder(path, budget)
    return _Zip(path, budget)
