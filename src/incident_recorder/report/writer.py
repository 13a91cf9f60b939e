"""Writing a report to disk: the images/ folder, then report.md, incident.json or another
format's file, atomically.

Formats: "markdown" (report.md) and "json" (incident.json) are built in. Others plug in
through `renderers` without a change here: a FormatRenderer receives the finished report as a
document (report/model.py: blocks of typed text, tables, kinds, images), the images written
(name relative to the report → path on disk), the output folder and the title, writes its file
(with `write_atomically`) and returns its path. report/html_export.py gives "html";
"pdf" is render/pdf.py, which the CLI/GUI pass in (report/ never imports Qt).

The images go first (report/images.py: annotated captures as their rendered copy, redactions
burned in, originals only on request), then the report, each file atomically with the mode
open() would give it (report/files.py). Each failure is one ReportError with a one-line message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Protocol

from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.text import visible
from incident_recorder.domain.times import truncate_ms
from incident_recorder.report import facts, jsondoc
from incident_recorder.report.document import build_report
from incident_recorder.report.files import (
    ExportCancelled,
    ReportError,
    _make_dir,
    _umask_by_swapping,
    current_umask,
    file_mode,
    refuse_link,
    write_atomically,
)
from incident_recorder.report.images import (
    OUR_IMAGE,
    LoadShapes,
    check_cancelled,
    remove_stale_images,
    write_images,
)
from incident_recorder.report.model import Document, to_markdown
from incident_recorder.report.public import public_record
from incident_recorder.report.templates import (
    DEFAULT_TEMPLATE,
    PUBLIC_TEMPLATE,
    ReportTemplate,
    load_template,
)

__all__ = [
    "FORMATS",
    "OUR_IMAGE",
    "REPORT_NAMES",
    "ReportExists",
    "ExportCancelled",
    "FormatRenderer",
    "LoadShapes",
    "PictureMaker",
    "ReportError",
    "_umask_by_swapping",
    "current_umask",
    "file_mode",
    "check_folder",
    "remove_stale_images",
    "report_name",
    "report_path",
    "write_atomically",
    "write_images",
    "write_report",
]

FORMATS = ("markdown", "json")
"""The formats write_report knows by itself (more come through `renderers`)."""

REPORT_NAMES = {"markdown": "report.md", "json": "incident.json"}
"""The file each built-in format writes into the output folder (an internal export)."""
SUFFIXES = {"markdown": ".md", "json": ".json", "html": ".html", "pdf": ".pdf"}
PUBLIC_MARK = "-public"
_PICTURES = ("png", "svg")


def report_name(fmt: str, public: bool) -> str:
    """The file an export of `fmt` writes: 'report.md', 'report.pdf', 'incident.json'; a public
    export's own names say so: 'report-public.md', 'incident-public.json'. Every export (the
    CLI, the Export dialog, quick exports) is named here, so a public file can never take an
    internal one's name."""
    stem = "incident" if fmt == "json" else "report"
    return f"{stem}{PUBLIC_MARK if public else ''}{SUFFIXES.get(fmt, f'.{fmt}')}"


def report_path(out_dir: Path, fmt: str, *, public: bool) -> Path:
    """Where an export of `fmt` into `out_dir` writes its report (see `report_name`)."""
    return Path(out_dir) / report_name(fmt, public)


class ReportExists(ReportError):
    """The report file is already there and the export was not asked to replace it."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists: nothing was written")
        self.path = path


def _other_kind(out_dir: Path, formats: Sequence[str], public: bool) -> list[str]:
    """The report files of the other kind of export (internal for a public one, and the
    reverse) already in `out_dir`, and an internal export's images/originals/."""
    found = [name for fmt in formats if (out_dir / (name := report_name(fmt, not public))).exists()]
    if public and (out_dir / facts.ORIGINALS_DIR).exists():
        found.append(f"{facts.ORIGINALS_DIR}/")
    return found


def check_folder(
    out_dir: Path, fmt: str, *, public: bool, formats: Sequence[str], overwrite: bool
) -> Path:
    """The report path of this export, after the checks made before anything is written.

    A folder holds one kind of export: a public export never writes beside an internal one
    (the folder is what gets published, and the internal incident.json or images would go
    with it), and an internal export never writes beside a public one (it would share, and
    clean up, that report's images/). ReportError naming the files found. A report file of
    the same name is replaced only with `overwrite`: else ReportExists.
    """
    out_dir = Path(out_dir)
    other = _other_kind(out_dir, formats, public)
    if other:
        kind, mine = ("an internal", "a public") if public else ("a public", "an internal")
        where = out_dir / "public" if public else out_dir / "internal"
        raise ReportError(
            f"{out_dir} holds {kind} export ({', '.join(other)}): {mine} export goes into a "
            f"folder of its own, so each can be shared whole; choose another folder "
            f"(e.g. {where}). Nothing was written"
        )
    target = report_path(out_dir, fmt, public=public)
    refuse_link(target)
    if not overwrite and target.exists():
        raise ReportExists(target)
    return target


class FormatRenderer(Protocol):
    """Writes one more format from the finished report.

    document: the report (report/model.py; images named 'images/…'); images: every file under
    images/ for this export, name relative to out_dir → its path; out_dir: the output folder;
    title: the incident title; name: the file to write in out_dir (`report_name`:
    'report-public.html' for a public export; None: the renderer's usual name). Returns the
    path written (e.g. out_dir / 'report.html'). Raises ReportError (one line) on failure;
    should write through `write_atomically`.
    """

    def __call__(
        self,
        document: Document,
        images: Mapping[str, Path],
        out_dir: Path,
        title: str,
        *,
        name: str | None = None,
    ) -> Path: ...


PictureMaker = Callable[[IncidentRecord, tzinfo], Mapping[str, bytes]]
"""picture(record, tz) → {file name: bytes} of the timeline picture ('timeline.svg', …),
written under images/; the first is embedded in the report's Timeline section."""


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
    overwrite: bool = True,
) -> Path:
    """Write the report in format `fmt` into `out_dir`; its path.

    "markdown" → report.md, "json" → incident.json, or any format in `renderers` (which get
    the report's document and write their own file). Creates out_dir if needed and writes every
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

    The report is named by `report_name` (a public one 'report-public.md', …). Before
    anything is written, `check_folder`: a public export is refused in a folder holding an
    internal export and the reverse; without `overwrite`, an existing report file of the same
    name is refused (ReportExists; the CLI replaces one only with --force).

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
    _make_dir(out_dir, may_be_link=True)  # the folder chosen; nothing in it is followed
    every = (*known, *(name for name in SUFFIXES if name not in known))
    target = check_folder(out_dir, fmt, public=public, formats=every, overwrite=overwrite)
    for folder in (facts.IMAGES_DIR, facts.ORIGINALS_DIR):  # before anything is written
        refuse_link(out_dir / folder)
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
        numbers=facts.numbers(record),
    )
    image_files = {entry_id: capture.file for entry_id, capture in captures.items()}
    check_cancelled(cancelled)
    pictures = _pictures(out_dir, record, zone, picture, mode) if fmt != "json" else []
    now = truncate_ms(datetime.now(UTC))
    check_cancelled(cancelled)
    if fmt == "json":
        write_atomically(
            target,
            lambda out: jsondoc.write_json(out, record, image_files, now, captures=captures),
            mode,
        )
    else:
        document = build_report(
            record,
            template=chosen,
            image_files=image_files,
            tz=zone,
            exported_at=now,
            captures=captures,
            timeline_picture=pictures[0] if pictures else None,
        )
        if fmt == "markdown":
            write_atomically(target, to_markdown(document).encode("utf-8", errors="replace"), mode)
        else:
            images = {name: out_dir / name for name in [*image_files.values(), *pictures]}
            renderer = extra[fmt]
            target = renderer(document, images, out_dir, visible(record.title), name=target.name)
    # incident.json draws no picture: the one a report in this folder shows stays
    kept = pictures if fmt != "json" else [f"{facts.IMAGES_DIR}/timeline.{x}" for x in _PICTURES]
    remove_stale_images(out_dir, captures, include_originals, also_keep=kept)
    return target
