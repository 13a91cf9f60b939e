"""The images/ folder of an export: each capture as the report may show it, stale ones removed.

A capture is written as it is stored: PNG, or JPEG (named .jpg, told by its first bytes) for a
capture taken with the JPEG capture format. Captures with annotations — and every capture of a
public export — are written as their rendered copy (report/annotate.py), always a PNG: the
pixels decoded once and written lossless, so redaction boxes are exact solid black (a second
JPEG encoding would blur their edges and lose detail again); such a copy is named .png
whatever the stored format. The original never leaves the incident file unless the caller asks
for originals, which then go to images/originals/. A capture that cannot be read or does not
match its recorded SHA-256 is a ReportError.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from incident_recorder.domain import Entry
from incident_recorder.domain.annotation import Shape, has_redaction
from incident_recorder.domain.image_bytes import image_suffix
from incident_recorder.report import facts
from incident_recorder.report.annotate import RenderError
from incident_recorder.report.annotate import render as render_annotations
from incident_recorder.report.files import (
    ExportCancelled,
    ReportError,
    _make_dir,
    _reason,
    file_mode,
    refuse_link,
    write_atomically,
)


def _load(entry: Entry, load_png: Callable[[int], bytes]) -> bytes:
    assert entry.capture is not None
    try:
        png = load_png(entry.capture.id)
    except Exception as error:  # the loader belongs to another layer: any failure is reported
        message = " ".join(str(error).split()) or type(error).__name__
        raise ReportError(f"cannot read the capture of entry {entry.id}: {message}") from error
    if hashlib.sha256(png).hexdigest() != entry.capture.sha256.lower():
        raise ReportError(
            f"the capture of entry {entry.id} does not match its recorded SHA-256 "
            "(damaged incident file?)"
        )
    return png


LoadShapes = Callable[[int], Sequence[Shape]]
"""load_shapes(capture_id) → the capture's current annotations ([] if none)."""


def _shapes(entry: Entry, load_shapes: LoadShapes | None) -> list[Shape]:
    assert entry.capture is not None
    if load_shapes is None:
        return []
    try:
        return list(load_shapes(entry.capture.id))
    except Exception as error:  # the loader belongs to another layer: any failure is reported
        message = " ".join(str(error).split()) or type(error).__name__
        raise ReportError(f"cannot read the annotations of entry {entry.id}: {message}") from error


def _rendered(entry: Entry, png: bytes, shapes: Sequence[Shape]) -> bytes:
    try:
        return render_annotations(png, shapes)
    except RenderError as error:
        raise ReportError(f"cannot render the capture of entry {entry.id}: {error}") from error


def write_images(
    out_dir: Path,
    entries: Sequence[Entry],
    load_png: Callable[[int], bytes],
    progress: Callable[[int, int], None] | None = None,
    mode: int | None = None,
    *,
    load_shapes: LoadShapes | None = None,
    include_originals: bool = False,
    cancelled: Callable[[], bool] | None = None,
    always_render: bool = False,
    numbers: Mapping[int, int] | None = None,
) -> dict[int, facts.ExportedCapture]:
    """Write the capture of every entry that has one; returns entry id → what was written.

    A capture with annotations is written as its rendered copy (shapes drawn, redaction boxes
    solid black); its original is written under images/originals/ only if include_originals.
    Each file gets `mode` (default: `file_mode()`, read once for all of them). cancelled()
    is asked before each image: True raises ExportCancelled. always_render (public exports):
    every capture is re-encoded from its pixels, annotated or not, so no chunk of the stored
    file (text, EXIF) leaves with it. numbers (entry id → its number in the export,
    `facts.numbers`) names the files; without it, the entry id does.
    """
    mode = file_mode() if mode is None else mode
    with_capture = [entry for entry in entries if entry.capture is not None]
    total = len(with_capture)
    if progress is not None:
        progress(0, total)
    written: dict[int, facts.ExportedCapture] = {}
    if with_capture:
        _make_dir(out_dir / facts.IMAGES_DIR)
    for done, entry in enumerate(with_capture, start=1):
        assert entry.capture is not None
        check_cancelled(cancelled)
        png = _load(entry, load_png)
        shapes = _shapes(entry, load_shapes)
        redacted = has_redaction(shapes)
        original_sha = entry.capture.sha256.lower()
        rendered = bool(shapes) or always_render
        data = _rendered(entry, png, shapes) if rendered else png
        digest = hashlib.sha256(data).hexdigest()
        number = None if numbers is None else numbers.get(entry.id)
        name = facts.image_name(entry, digest if rendered else None, image_suffix(data), number)
        assert name is not None
        write_atomically(out_dir / name, data, mode)
        original_file = None
        if shapes and include_originals:
            original_name = facts.image_name(entry, suffix=image_suffix(png), number=number)
            assert original_name is not None
            original_file = f"{facts.ORIGINALS_DIR}/{original_name.rsplit('/', 1)[-1]}"
            _make_dir(out_dir / facts.ORIGINALS_DIR)
            write_atomically(out_dir / original_file, png, mode)
        written[entry.id] = facts.ExportedCapture(
            file=name,
            sha256=digest,
            annotations=len(shapes),
            redacted=redacted,
            original_file=original_file,
            # Not for a redacted capture without its original (a hash confirms a guess of what
            # the box hides), nor in a public export, which never refers to an original.
            original_sha256=None
            if (redacted or always_render) and original_file is None
            else original_sha,
        )
        if progress is not None:
            progress(done, total)
    return written


OUR_IMAGE = re.compile(
    r"entry-[0-9]{4,}-(?:[0-9a-f]{12}|capture[0-9]+)\.(?:png|jpg)|timeline\.(?:svg|png)"
)
"""The names write_images and the timeline picture get; cleanup touches nothing else."""


def check_cancelled(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise ExportCancelled("export cancelled: no report was written")


def remove_stale_images(
    out_dir: Path,
    captures: Mapping[int, facts.ExportedCapture],
    include_originals: bool,
    also_keep: Sequence[str] = (),
) -> list[Path]:
    """Remove our images an earlier export left in out_dir that this export did not write.

    In images/ and images/originals/, only files named as we name them (entry-NNNN-<hex>.png,
    or .jpg) and not written by this export go; images/originals/ goes as a whole (if nothing
    else is in it) when this export did not include originals. Other files are never touched. The
    paths removed; ReportError if one cannot be removed (a stale copy may be unredacted).
    """
    keep = {out_dir / capture.file for capture in captures.values()}
    keep |= {out_dir / name for name in also_keep}
    keep |= {
        out_dir / capture.original_file
        for capture in captures.values()
        if include_originals and capture.original_file is not None
    }
    removed: list[Path] = []
    for folder in (out_dir / facts.IMAGES_DIR, out_dir / facts.ORIGINALS_DIR):
        removed += _remove_ours(folder, keep)
    if not include_originals and not (out_dir / facts.ORIGINALS_DIR).is_symlink():
        with contextlib.suppress(OSError):  # not empty: the user keeps other files there
            (out_dir / facts.ORIGINALS_DIR).rmdir()
    return removed


_NOFOLLOW_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


def _remove_ours(folder: Path, keep: set[Path]) -> list[Path]:
    """Remove the regular files named as ours in `folder` that are not in `keep`. The folder is
    opened without following a link (a linked images/ is a ReportError: what it points to is
    never touched) and each name is checked and removed relative to it."""
    by_fd = os.open in os.supports_dir_fd and os.unlink in os.supports_dir_fd
    fd: int | None = None
    try:
        fd = os.open(folder, _NOFOLLOW_DIR) if by_fd else None
        if fd is None:  # pragma: no cover - Windows: checked by name instead
            refuse_link(folder)
        names = sorted(os.listdir(folder if fd is None else fd))
    except OSError as error:
        if fd is not None:
            os.close(fd)
        if isinstance(error, FileNotFoundError):
            return []
        refuse_link(folder)
        raise ReportError(f"cannot list folder {folder}: {_reason(error)}") from error
    removed: list[Path] = []
    try:
        for name in names:
            path = folder / name
            if not OUR_IMAGE.fullmatch(name) or path in keep:
                continue
            try:
                where = name if fd is not None else path
                if not stat.S_ISREG(os.stat(where, dir_fd=fd, follow_symlinks=False).st_mode):
                    continue
                os.unlink(where, dir_fd=fd)
            except FileNotFoundError:
                continue
            except OSError as error:
                raise ReportError(
                    f"cannot remove {path} left by an earlier export: {_reason(error)}"
                ) from error
            removed.append(path)
    finally:
        if fd is not None:
            os.close(fd)
    return removed
