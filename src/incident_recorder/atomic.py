"""A file is written whole or not at all: the one way the app replaces a file it writes.

`replacing(path)` hands out a temporary file in the same folder; when the block ends without an
error it is synced, given its mode and renamed over `path` (a rename within a folder is atomic),
so a reader, a crash or a full disk never sees half a file; if the block fails, `path` is as it
was and the temporary file is gone. `atomic_write` is that for bytes. Reports and their PDF, the
status page, the recent-incidents list and note drafts all write through it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def replacing(path: Path, mode: int) -> Iterator[Path]:
    """A temporary path beside `path` to write; on success it replaces `path` (OSError if it
    cannot). `mode` is what the file gets before it appears under its name."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def atomic_write(path: Path, data: bytes | Callable[[BinaryIO], None], mode: int) -> None:
    """Write `data` (bytes, or a function writing them to the file it is given) to `path`
    through `replacing`; OSError if it cannot be."""
    with replacing(path, mode) as temporary, open(temporary, "wb") as handle:
        if callable(data):
            data(handle)
        else:
            handle.write(data)
