"""Files of an export: atomic writes with the mode open() would give, folders, one-line errors.

Every file is written to a temporary file in its folder and moved into place with os.replace,
so a crash or a full disk never leaves a half-written file behind under the final name. It
gets the mode a plain open() would give it (0o666 less the umask, e.g. 0o644), not mkstemp's
0o600, so colleagues on a shared host can read the postmortem. Each failure becomes one
ReportError with a one-line message.

An export never follows a link it did not make: the output folder the user chose may be one,
but a report file, images/ or images/originals/ that is a symbolic link is refused (`refuse_link`),
so nothing is written into, or removed from, whatever such a link points to.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from incident_recorder.atomic import atomic_write


class ReportError(Exception):
    """A report could not be written; str() is a one-line message for people."""


class ExportCancelled(ReportError):
    """The export was cancelled (cancelled() returned True); no report file was written."""


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


@functools.cache
def _umask_by_swapping() -> int:
    # Where the umask cannot be read, set it and put it back, once per process. While it is
    # swapped, files other threads create get 0o077 masked off: too private, never too open.
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def current_umask() -> int:
    """The process umask, read without changing it where the system allows (Linux ≥ 4.7)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8) & 0o777
    except (OSError, ValueError, IndexError):
        pass
    return _umask_by_swapping()


def file_mode() -> int:
    """The mode a file created by open() gets now: 0o666 less the umask (0o644 for 022)."""
    return 0o666 & ~current_umask()


def write_atomically(
    path: Path, data: bytes | Callable[[BinaryIO], None], mode: int | None = None
) -> None:
    """Write `data` to `path` through a temporary file and os.replace; ReportError on failure.

    `data` is the bytes, or a function writing them to the (seekable) file it is given, for a
    report too large to hold in memory at once. The file gets `mode` (default: `file_mode()`)
    before it appears under its name.
    """
    refuse_link(path)
    try:
        atomic_write(path, data, file_mode() if mode is None else mode)
    except OSError as error:
        raise ReportError(f"cannot write {path}: {_reason(error)}") from error


def refuse_link(path: Path) -> None:
    """ReportError if `path` is a symbolic link: an export writes and removes only its own
    files, never through a link it did not make (whatever the link points to stays as it is)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise ReportError(f"cannot use {path}: {_reason(error)}") from error
    if stat.S_ISLNK(mode):
        raise ReportError(
            f"{path} is a symbolic link: an export never writes through a link it did not make "
            "(remove the link or choose another folder)"
        )


def _make_dir(path: Path, *, may_be_link: bool = False) -> None:
    """Create the folder `path` (and its parents); ReportError if it cannot be, if a file has
    its name, or, unless `may_be_link` (the output folder the user chose), if it is a link."""
    if not may_be_link:
        refuse_link(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReportError(f"cannot create folder {path}: {_reason(error)}") from error
    if not path.is_dir():
        raise ReportError(f"cannot create folder {path}: a file of that name exists")
