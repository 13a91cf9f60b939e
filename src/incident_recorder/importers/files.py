"""Reading the files of an import as data from a stranger: regular files only, bounded, inside.

An export (a Slack channel folder or zip, our own JSON export with its captures, a CSV) comes
from somewhere else and may be crafted. Every importer reads its files through here, so:

- only regular files are read: a symbolic link, a device (/dev/zero), a FIFO or a socket is
  refused before a byte is read (opened with O_NOFOLLOW and O_NONBLOCK, then checked by fstat);
- a file inside an export is reached one folder at a time, never through a link (a linked
  folder is refused like a linked file), and a name with `..`, an absolute name or a drive
  letter is refused: nothing outside the export's folder is read;
- sizes are capped: MAX_FILE_BYTES for any one file and MAX_TOTAL_BYTES for one import, counted
  as bytes are actually read (a file that grows, or a zip entry that inflates beyond what its
  header declares, stops being read at the cap);
- a zip (a Slack export as downloaded) is read entry by entry without extracting anything:
  link and device entries, unsafe names and entries whose declared size is over a cap are
  refused from the central directory, and the inflated bytes are counted as they come.

Each refusal is an `ImportFailed` with one line naming the file: nothing is imported.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from incident_recorder.importers.common import ImportFailed

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest file read (a channel's day file, users.json, incident.json, a capture, a CSV)."""
MAX_TOTAL_BYTES = 512 * 1024 * 1024
"""Most bytes one import reads, all its files together (a zip's entries as inflated)."""
MAX_ZIP_ENTRIES = 100_000
"""Most entries a zip may list (a year of days in a few hundred channels)."""
_CHUNK = 1024 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MiB"


def kind_of(mode: int) -> str:
    """'a symbolic link', 'a device', … for a mode that is not a regular file's."""
    return next((name for test, name in _KINDS if test(mode)), "an unknown kind of file")


class Budget:
    """The bytes one import may still read (MAX_TOTAL_BYTES unless told otherwise)."""

    def __init__(self, total: int = MAX_TOTAL_BYTES, per_file: int = MAX_FILE_BYTES) -> None:
        self.total = total
        self.per_file = per_file
        self.used = 0

    def check_declared(self, name: str, size: int) -> None:
        """ImportFailed if a file of `size` bytes cannot be read within the caps."""
        if size > self.per_file:
            raise ImportFailed([f"{name}: too large ({_mib(size)}; at most "
                                f"{_mib(self.per_file)} per file)"])  # fmt: skip
        if self.used + size > self.total:
            raise ImportFailed([f"{name}: the import is too large (more than "
                                f"{_mib(self.total)} in all)"])  # fmt: skip

    def read(self, name: str, stream: BinaryIO) -> bytes:
        """All of `stream`, counted; ImportFailed as soon as a cap is passed (never more than
        a chunk past it is held)."""
        parts: list[bytes] = []
        size = 0
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            self.check_declared(name, size)
            parts.append(chunk)
        self.used += size
        return b"".join(parts)


def unsafe_name(name: str) -> str | None:
    """Why a file name from an export cannot be read inside its folder, or None."""
    if not name or "\x00" in name or "\\" in name:
        return "is not a plain relative name"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "is an absolute name"
    if ".." in PurePosixPath(name).parts:
        return "points outside the export's folder (..)"
    return None


def _open_flags() -> int:
    return os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _regular(fd: int, name: str) -> None:
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ImportFailed([f"{name}: {kind_of(mode)}, not a regular file: not read"])


def _opened(path: Path, name: str, *, follow: bool) -> int:
    flags = _open_flags() & ~_NOFOLLOW if follow else _open_flags()
    if not follow and not _NOFOLLOW and os.path.islink(path):  # pragma: no cover - Windows
        raise ImportFailed([f"{name}: a symbolic link, not a regular file: not read"])
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if not follow and os.path.islink(path):
            raise ImportFailed([f"{name}: a symbolic link, not a regular file: not read"]) from None
        raise ImportFailed([f"{name}: cannot be read ({error.strerror or error})"]) from None
    _regular(fd, name)
    return fd


def read_named(path: Path, budget: Budget, *, follow: bool = False) -> bytes:
    """The file the user named, if it is a regular file within the caps (a link to one only
    with `follow`: a file picked in a window, where a link looks like what it points to).
    Its problems read "the file: …": the caller names the file it was given."""
    fd = _opened(path, "the file", follow=follow)
    with os.fdopen(fd, "rb") as stream:
        budget.check_declared("the file", os.fstat(fd).st_size)
        return budget.read("the file", stream)


def _inside(folder: Path, name: str) -> int:
    """An fd of the regular file `name` (relative, '/'-separated) below `folder`, reached one
    folder at a time without following a link; ImportFailed naming it otherwise."""
    why = unsafe_name(name)
    if why is not None:
        raise ImportFailed([f"{name}: {why}: not read"])
    parts = PurePosixPath(name).parts
    if os.open not in os.supports_dir_fd:  # pragma: no cover - Windows: check each step
        for depth in range(1, len(parts) + 1):
            step = folder.joinpath(*parts[:depth])
            if step.is_symlink():
                raise ImportFailed([f"{name}: {step.name} is a symbolic link: not read"])
        return _opened(folder.joinpath(*parts), name, follow=True)
    try:
        here = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as error:
        raise ImportFailed([f"{folder}: cannot be read ({error.strerror or error})"]) from None
    try:
        for part in parts[:-1]:
            try:
                below = os.open(part, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=here)
            except OSError as error:
                mode = _lstat_mode(part, here)
                what = kind_of(mode) if mode is not None else error.strerror or str(error)
                raise ImportFailed([f"{name}: {part} is {what}: not read"]) from None
            os.close(here)
            here = below
        try:
            fd = os.open(parts[-1], _open_flags(), dir_fd=here)
        except OSError as error:
            mode = _lstat_mode(parts[-1], here)
            what = kind_of(mode) if mode is not None else error.strerror or str(error)
            raise ImportFailed([f"{name}: {what}, not a regular file: not read"]) from None
        _regular(fd, name)
        return fd
    finally:
        os.close(here)


def _lstat_mode(name: str, dir_fd: int) -> int | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except OSError:
        return None


def exists_inside(folder: Path, name: str) -> bool:
    """Whether `folder` has an entry `name` of any type (a dangling link too)."""
    return os.path.lexists(folder / name)


def read_inside(folder: Path, name: str, budget: Budget) -> bytes:
    """The regular file `name` inside `folder` (see `_inside`), within the caps."""
    fd = _inside(folder, name)
    with os.fdopen(fd, "rb") as stream:
        budget.check_declared(name, os.fstat(fd).st_size)
        return budget.read(name, stream)


def entries_of(folder: Path) -> Iterator[tuple[str, int]]:
    """(name, mode) of each entry of `folder`, links not followed."""
    with os.scandir(folder) as found:
        for entry in found:
            yield entry.name, entry.stat(follow_symlinks=False).st_mode


class ZipExport:
    """A zip read in place: its regular entries by name, each read within the caps."""

    def __init__(self, path: Path, budget: Budget) -> None:
        self._budget = budget
        fd = _opened(path, "the zip", follow=False)
        self._file = os.fdopen(fd, "rb")
        try:
            self._zip = zipfile.ZipFile(self._file)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            self._file.close()
            raise ImportFailed([f"not a zip file ({error})"]) from None
        try:
            self.members = self._check(self._zip.infolist())
        except ImportFailed:
            self.close()
            raise

    def _check(self, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        if len(infos) > MAX_ZIP_ENTRIES:
            raise ImportFailed([f"the zip lists {len(infos):,} entries (at most "
                                f"{MAX_ZIP_ENTRIES:,})"])  # fmt: skip
        members: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            where = info.filename
            why = unsafe_name(info.filename.rstrip("/"))
            if why is not None:
                raise ImportFailed([f"{where}: {why}: nothing read"])
            mode = info.external_attr >> 16  # Unix mode, as zip -y and unzip read it
            if info.is_dir() or stat.S_ISDIR(mode):
                continue
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
                raise ImportFailed([f"{where}: {kind_of(mode)}, not a regular file: nothing read"])
            self._budget.check_declared(where, info.file_size)
            declared += info.file_size
            if info.filename in members:
                raise ImportFailed([f"{where}: listed twice: nothing read"])
            members[info.filename] = info
        if declared > self._budget.total:
            raise ImportFailed([f"the import is too large (more than "
                                f"{_mib(self._budget.total)} in all)"])  # fmt: skip
        return members

    def read(self, name: str) -> bytes:
        """One entry's bytes, inflated no further than the caps allow."""
        where = name
        try:
            with self._zip.open(self.members[name]) as stream:
                return self._budget.read(where, stream)  # type: ignore[arg-type]
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise ImportFailed([f"{where}: damaged ({error})"]) from None
        except RuntimeError as error:  # encrypted
            raise ImportFailed([f"{where}: cannot be read ({error})"]) from None

    def close(self) -> None:
        self._zip.close()
        self._file.close()


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
    "MAX_ZIP_ENTRIES",
    "Budget",
    "ZipExport",
    "entries_of",
    "exists_inside",
    "kind_of",
    "read_inside",
    "read_named",
    "unsafe_name",
]
