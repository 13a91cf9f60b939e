"""Writing a report to disk: the images/ folder, then report.md, incident.json or another
format's file, atomically.

Formats: "markdown" (report.md) and "json" (incident.json) are built in. Others plug in
through `renderers` without a change here: a FormatRenderer receives the finished Markdown
report, the images written (name relative to the report → path on disk), the output folder
and the title, writes its file (with `write_atomically`) and returns its path. report/html.py
registers "html"; "pdf" is a Qt renderer the CLI/GUI pass in (report/ never imports Qt).

Captures with annotations are written as their rendered copy (report/annotate.py): redaction
boxes are solid black and the original never leaves the incident file unless the caller asks
for originals, which then go to images/originals/.

Every file is written to a temporary file in its folder and moved into place with os.replace,
so a crash or a full disk never leaves a half-written report or image behind under the final
name. It gets the mode a plain open() would give it (0o666 less the umask, e.g. 0o644), not
mkstemp's 0o600, so colleagues on a shared host can read the postmortem. Each failure (no
space, no permission, a path under a regular file, a capture that cannot be read or does not
match its recorded SHA-256) becomes one ReportError with a one-line message.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Protocol

from incident_recorder.domain import Entry
from incident_recorder.domain.annotation import Shape, has_redaction
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.times import truncate_ms
from incident_recorder.report import facts, jsondoc
from incident_recorder.report.annotate import RenderError
from incident_recorder.report.annotate import render as render_annotations
from incident_recorder.report.document import render_report
from incident_recorder.report.public import public_record
from incident_recorder.report.templates import (
    DEFAULT_TEMPLATE,
    PUBLIC_TEMPLATE,
    ReportTemplate,
    load_template,
)

FORMATS = ("markdown", "json")
"""The formats write_report knows by itself (more come through `renderers`)."""

REPORT_NAMES = {"markdown": "report.md", "json": "incident.json"}
"""The file each built-in format writes into the output folder."""


class ReportError(Exception):
    """A report could not be written; str() is a one-line message for people."""


class ExportCancelled(ReportError):
    """The export was cancelled (cancelled() returned True); no report file was written."""


class FormatRenderer(Protocol):
    """Writes one more format from the finished Markdown report.

    markdown: the report text (images linked as 'images/…'); images: every file written under
    images/ for this export, name relative to out_dir → its path; out_dir: the output folder;
    title: the incident title. Returns the path written (e.g. out_dir / 'report.html').
    Raises ReportError (one line) on failure; should write through `write_atomically`.
    """

    def __call__(
        self, markdown: str, images: Mapping[str, Path], out_dir: Path, title: str
    ) -> Path: ...


PictureMaker = Callable[[IncidentRecord, tzinfo], Mapping[str, bytes]]
"""picture(record, tz) → {file name: bytes} of the timeline picture ('timeline.svg', …),
written under images/; the first is embedded in the report's Timeline section."""


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


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` to `path` through a temporary file and os.replace; ReportError on failure.

    The file gets `mode` (default: `file_mode()`) before it appears under its name.
    """
    tmp: str | None = None
    mode = file_mode() if mode is None else mode
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            else:  # pragma: no cover - Windows before Python 3.13
                os.chmod(tmp, mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as error:
        raise ReportError(f"cannot write {path}: {_reason(error)}") from error
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


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
) -> dict[int, facts.ExportedCapture]:
    """Write the capture of every entry that has one; returns entry id → what was written.

    A capture with annotations is written as its rendered copy (shapes drawn, redaction boxes
    solid black); its original is written under images/originals/ only if include_originals.
    Each file gets `mode` (default: `file_mode()`, read once for all of them). cancelled()
    is asked before each image: True raises ExportCancelled. always_render (public exports):
    every capture is re-encoded from its pixels, annotated or not, so no chunk of the stored
    file (text, EXIF) leaves with it.
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
        _check(cancelled)
        png = _load(entry, load_png)
        shapes = _shapes(entry, load_shapes)
        redacted = has_redaction(shapes)
        original_sha = entry.capture.sha256.lower()
        rendered = bool(shapes) or always_render
        data = _rendered(entry, png, shapes) if rendered else png
        digest = hashlib.sha256(data).hexdigest()
        name = facts.image_name(entry, digest if rendered else None)
        assert name is not None
        write_atomically(out_dir / name, data, mode)
        original_file = None
        if shapes and include_originals:
            original_name = facts.image_name(entry)
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
            original_sha256=None if redacted and original_file is None else original_sha,
        )
        if progress is not None:
            progress(done, total)
    return written


OUR_IMAGE = re.compile(r"entry-[0-9]{4,}-(?:[0-9a-f]{12}|capture[0-9]+)\.png|timeline\.(?:svg|png)")
"""The names write_images and the timeline picture get; cleanup touches nothing else."""


def _check(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise ExportCancelled("export cancelled: no report was written")


def remove_stale_images(
    out_dir: Path,
    captures: Mapping[int, facts.ExportedCapture],
    include_originals: bool,
    also_keep: Sequence[str] = (),
) -> list[Path]:
    """Remove our images an earlier export left in out_dir that this export did not write.

    In images/ and images/originals/, only files named as we name them (entry-NNNN-<hex>.png)
    and not written by this export go; images/originals/ goes as a whole (if nothing else is
    in it) when this export did not include originals. Other files are never touched. The
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
        try:
            names = sorted(os.listdir(folder))
        except FileNotFoundError:
            continue
        except OSError as error:
            raise ReportError(f"cannot list folder {folder}: {_reason(error)}") from error
        for name in names:
            path = folder / name
            if not OUR_IMAGE.fullmatch(name) or path in keep or not path.is_file():
                continue
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as error:
                raise ReportError(
                    f"cannot remove {path} left by an earlier export: {_reason(error)}"
                ) from error
            removed.append(path)
    if not include_originals:
        with contextlib.suppress(OSError):  # not empty: the user keeps other files there
            (out_dir / facts.ORIGINALS_DIR).rmdir()
    return removed


def _make_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReportError(f"cannot create folder {path}: {_reason(error)}") from error
    if not path.is_dir():
        raise ReportError(f"cannot create folder {path}: a file of that name exists")


def _template(template: ReportTemplate | None, public: bool) -> ReportTemplate:
    if template is not None:
        return template
    try:
        return load_template(PUBLIC_TEMPLATE if public else DEFAULT_TEMPLATE)
    except ValueError as error:
        raise ReportError(str(error)) from error


def _pictures(
    out_dir: Path, record: IncidentRecord, zone: tzinfo, picture: PictureMaker | None, mode: int
) -> list[str]:
    if picture is None:
        return []
    try:
        made = dict(picture(record, zone))
    except ReportError:
        raise
    except Exception as error:  # the picture maker is another module: any failure is reported
        message = " ".join(str(error).split()) or type(error).__name__
        raise ReportError(f"cannot draw the timeline picture: {message}") from error
    names = []
    for name, data in made.items():
        if not re.fullmatch(r"timeline\.(?:svg|png)", name):
            raise ReportError(f"unexpected timeline picture name {name!r}")
        _make_dir(out_dir / facts.IMAGES_DIR)
        write_atomically(out_dir / facts.IMAGES_DIR / name, data, mode)
        names.append(f"{facts.IMAGES_DIR}/{name}")
    return names


def write_report(
    out_dir: Path,
    fmt: str,
    record: IncidentRecord,
    load_png: Callable[[int], bytes],
    *,
    template: ReportTemplate | None = None,
    public: bool = False,
    tz: tzinfo | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    load_shapes: LoadShapes | None = None,
    include_originals: bool = False,
    renderers: Mapping[str, FormatRenderer] | None = None,
    picture: PictureMaker | None = None,
) -> Path:
    """Write the report in format `fmt` into `out_dir`; its path.

    "markdown" → report.md, "json" → incident.json, or any format in `renderers` (which get
    the Markdown report and write their own file). Creates out_dir if needed and writes every
    capture of the exported entries to out_dir/images/ (load_png(capture_id) gives the PNG
    bytes; the Markdown leaves hidden entries out, the internal JSON keeps them). Captures
    with annotations (load_shapes(capture_id)) are exported as their rendered copy,
    redactions destroyed; originals only with include_originals (under images/originals/).

    public (or a template with public = true) exports only what `public_record` keeps, with
    the "public" template unless another is given; originals are refused. template defaults
    to "default". tz is the zone of local times (default: the machine's). progress(done,
    total) is called before the first image and after each; cancelled() is asked before each
    image and before the report is written: True raises ExportCancelled and writes no report.
    picture(record, tz) may give the timeline picture, written to images/ and embedded.

    Afterwards, our images (entry-*.png, timeline.*) in images/ and images/originals/ that
    this export did not write are removed, and images/originals/ with them when originals were
    not asked for. ReportError (one line) on an unknown format or any failure.
    """
    extra = dict(renderers or {})
    known = (*FORMATS, *(name for name in extra if name not in FORMATS))
    if fmt not in known:
        raise ReportError(f"unknown report format {fmt!r} (one of: {', '.join(known)})")
    chosen = _template(template, public)
    public = public or chosen.public
    if public and include_originals:
        raise ReportError("a public report never includes unredacted originals")
    if public:
        record = public_record(record)
    out_dir = Path(out_dir)
    zone = tz if tz is not None else facts.local_zone()
    internal_json = fmt == "json" and not public
    exported = list(record.entries) if internal_json else record.visible_entries()
    _make_dir(out_dir)
    mode = file_mode()  # read once per export, for the images and the report alike
    captures = write_images(
        out_dir,
        exported,
        load_png,
        progress,
        mode,
        load_shapes=load_shapes,
        include_originals=include_originals,
        cancelled=cancelled,
        always_render=public,
    )
    image_files = {entry_id: capture.file for entry_id, capture in captures.items()}
    _check(cancelled)
    pictures = _pictures(out_dir, record, zone, picture, mode) if fmt != "json" else []
    now = truncate_ms(datetime.now(UTC))
    _check(cancelled)
    if fmt == "json":
        document = jsondoc.record_json(record, image_files, now, captures=captures)
        target = out_dir / REPORT_NAMES[fmt]
        write_atomically(target, jsondoc.dumps(document).encode("utf-8", errors="replace"), mode)
    else:
        text = render_report(
            record,
            template=chosen,
            image_files=image_files,
            tz=zone,
            exported_at=now,
            captures=captures,
            timeline_picture=pictures[0] if pictures else None,
        )
        if fmt == "markdown":
            target = out_dir / REPORT_NAMES[fmt]
            write_atomically(target, text.encode("utf-8", errors="replace"), mode)
        else:
            images = {name: out_dir / name for name in [*image_files.values(), *pictures]}
            target = extra[fmt](text, images, out_dir, record.title)
    remove_stale_images(out_dir, captures, include_originals, also_keep=pictures)
    return target
