"""The report as PDF, through Qt's own PDF writer (QPdfWriter painting a QTextDocument).

Takes the report's document (report/model.py), written as QTextDocument-friendly HTML by
render/pdf_html.py with every image's size and the timeline's column widths computed from the
data; images are names ('images/entry-0004-….png') answered here from the given images: the
document loads nothing else (no file, no network). Images are decoded only when their page is
painted and dropped right after (their size is read from the header for the layout), scaled to
what the page shows, and the PDF is written straight to a temporary file: 500 screen captures
cost the memory of one, not of all. A4 with margins, laid out at 96 logical dots per inch and
painted at the writer's resolution; a heading never ends a page (it moves to the next one with
what follows it); each page has a footer with the title and "Page n of N".

Works in a worker thread (no widgets; a QGuiApplication must exist for fonts; the CLI makes an
offscreen one). The PDF is written to a temporary file beside the target and renamed into
place, so a failure never leaves half a file under the final name; the file gets the usual
0o644 (writer.file_mode).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QFile,
    QFileDevice,
    QIODevice,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from incident_recorder.atomic import replacing
from incident_recorder.render.image_decode import decode_image
from incident_recorder.render.pdf_html import PdfHtmlWriter
from incident_recorder.render.pdf_images import (
    LOG,
    LOGICAL_DPI,
    describe,
    unshown_image,
)
from incident_recorder.report.files import refuse_link
from incident_recorder.report.html_export import ImageFiles
from incident_recorder.report.model import Document, Written
from incident_recorder.report.writer import ReportError, file_mode

RESOLUTION = 300
MARGINS_MM = QMarginsF(18, 16, 18, 14)
_FOOTER = 26.0  # logical pixels kept free at the bottom of each page


class _ReportDocument(QTextDocument):
    """A QTextDocument that loads only the images it was given: never a file.

    Qt asks loadResource for an image when it paints it. A given image is decoded then, scaled
    to the pixels the page shows, and not kept (this override does not cache: the next page's
    images replace it). A name it was not given is answered with a blank pixel: answering None
    would make Qt's image handler read the name as a file path itself (and _drop_unknown_images
    takes such images out of the document).
    """

    def __init__(self, images: Mapping[str, bytes], scale: float) -> None:
        super().__init__()
        self._images = images
        self._scale = scale
        self.shown: dict[str, QSizeF] = {}  # name → the size it is shown at (logical pixels)
        self.alts: dict[str, str] = {}  # name → its caption, for a message
        self._failed: set[str] = set()

    def loadResource(self, kind: int, name: QUrl | str) -> object:  # noqa: N802 - Qt's name
        key = name.toString() if isinstance(name, QUrl) else str(name)
        shown = self.shown.get(key)
        if shown is not None and key in self._images:
            image, _problem = decode_image(self._images[key])  # sizes checked: image_size
            if not image.isNull():
                return _fitted(image, shown, self._scale)
            alt = self.alts.get(key, "")
            if key not in self._failed:  # its header read well, its data does not decode
                self._failed.add(key)
                LOG.warning(f"report.pdf: {describe(key, alt)} not shown: it does not decode")
            words = f"{alt or key}: not shown in this PDF: it does not decode"
            return unshown_image(shown, self._scale, words)
        blank = QImage(1, 1, QImage.Format.Format_ARGB32)
        blank.fill(Qt.GlobalColor.transparent)
        return blank


def _fitted(image: QImage, shown: QSizeF, scale: float) -> QImage:
    """`image` no larger than `shown` at the writer's `scale` (capped at 2 pixels per logical
    pixel: sharp in print, and a 4K capture does not travel whole into a report page)."""
    width = int(shown.width() * min(scale, 2.0)) + 1
    if image.width() <= width:
        return image
    return image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)


def _drop_unknown_images(document: QTextDocument, known: Collection[str]) -> None:
    """Take out every image that was not given (an <img> naming a file, a URL, anything)."""
    found: list[tuple[int, int]] = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            image = fragment.charFormat()
            if image.isImageFormat() and image.toImageFormat().name() not in known:
                found.append((fragment.position(), fragment.length()))
            iterator += 1
        block = block.next()
    cursor = QTextCursor(document)
    for position, length in reversed(found):
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()


def _first_line_bottom(document: QTextDocument, block: QTextBlock) -> float:
    """Where the first line of `block` ends (document coordinates)."""
    rect = document.documentLayout().blockBoundingRect(block)
    layout = block.layout()
    if layout is None or layout.lineCount() == 0:
        return rect.bottom()
    line = layout.lineAt(0)
    return rect.top() + line.y() + line.height()


_PAGE_TOP = 32.0  # logical pixels: a heading's top margin and some slack


def _keep_headings_with_next(document: QTextDocument, page_height: float) -> None:
    """A heading (or a run of them) whose next block starts on a later page starts that page
    instead: no heading is left alone at the bottom of a page. (QTextDocument has no
    keep-with-next; a page break before the heading is what it offers.)"""
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() == 0:
            block = block.next()
            continue
        first = block
        while block.isValid() and block.blockFormat().headingLevel() > 0:
            block = block.next()
        if not block.isValid():
            return
        top = document.documentLayout().blockBoundingRect(first).top()
        page = int(top // page_height)
        at_page_top = top - page * page_height < _PAGE_TOP  # a break would add a blank page
        following = _first_line_bottom(document, block) - 0.5
        if not at_page_top and int(following // page_height) > page:
            cursor = QTextCursor(first)
            moved = QTextBlockFormat()
            moved.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            cursor.mergeBlockFormat(moved)
            # laid out again from here on (otherwise later blocks keep stale positions)
            start = first.position()
            document.markContentsDirty(start, document.characterCount() - start)


Layout = Callable[[QSizeF], PdfHtmlWriter | str]
"""The page's text size (logical pixels) → the HTML to lay out: a writer that has written it
(with the sizes of the images it placed) or, for HTML made elsewhere, that HTML (no image of
it is ever loaded)."""


def _document(
    layout: Layout, images: Mapping[str, bytes], size: QSizeF, scale: float
) -> _ReportDocument:
    """The report laid out on pages of `size` (logical pixels)."""
    document = _ReportDocument(images, scale)
    document.setDefaultFont(QFont("DejaVu Sans", 10))
    document.setDocumentMargin(0)
    document.setPageSize(size)
    written = layout(size)
    if isinstance(written, str):
        document.setHtml(written)
    else:
        document.setHtml(written.html)
        document.shown.update(written.shown)
        document.alts.update(written.alts)
    _drop_unknown_images(document, document.shown)
    _keep_headings_with_next(document, size.height())
    return document


def _writer(content: Document | str, images: Mapping[str, bytes], title: str) -> Layout:
    """The layout of a report (its document, or Markdown the team wrote as one)."""
    report = content if isinstance(content, Document) else Document("", (Written(content),))

    def layout(size: QSizeF) -> PdfHtmlWriter:
        writer = PdfHtmlWriter(images, QSizeF(size.width(), size.height() * 0.85))
        writer.write(report, title)
        return writer

    return layout


def _footer(painter: QPainter, title: str, page: int, pages: int, width: float, top: float) -> None:
    font = QFont("DejaVu Sans")
    font.setPixelSize(10)  # logical pixels: 7.5 pt (a point size would follow the writer's dpi)
    painter.setFont(font)
    painter.setPen(QColor("#6b7280"))
    metrics = QFontMetricsF(font)
    number = f"Page {page} of {pages}"
    room = width - metrics.horizontalAdvance(number) - 24
    elided = metrics.elidedText(title, Qt.TextElideMode.ElideRight, room)
    line = QRectF(0, top + 8, width, _FOOTER - 8)
    painter.drawLine(0, int(top + 4), int(width), int(top + 4))
    painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), elided)
    painter.drawText(line, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), number)


def _paint(device: QIODevice, layout: Layout, images: Mapping[str, bytes], title: str) -> None:
    writer = QPdfWriter(device)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setResolution(RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("Incident Recorder")
    paint = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
    width = paint.width() * LOGICAL_DPI / 72.0
    height = paint.height() * LOGICAL_DPI / 72.0 - _FOOTER
    scale = writer.resolution() / LOGICAL_DPI
    document = _document(layout, images, QSizeF(width, height), scale)
    pages = max(1, document.pageCount())
    painter = QPainter()
    if not painter.begin(writer):
        raise ReportError("cannot start writing the PDF")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        # Screen captures keep crisp text: Flate, not Qt's default JPEG.
        painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)
        drawn = document.documentLayout()
        for page in range(pages):
            if page and not writer.newPage():
                raise ReportError("cannot add a page to the PDF")
            painter.save()
            painter.scale(scale, scale)
            painter.save()
            painter.translate(0, -page * height)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, page * height, width, height)
            painter.setClipRect(context.clip)  # a block crossing the page end stays off it
            drawn.draw(painter, context)
            painter.restore()
            _footer(painter, title, page + 1, pages, width, height)
            painter.restore()
    finally:
        painter.end()


def render_pdf(content: Document | str, images: Mapping[str, bytes], *, title: str) -> bytes:
    """The PDF bytes of the report, in memory (write_pdf streams it to a file instead)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    _paint(buffer, _writer(content, images, title), images, title)
    buffer.close()
    return bytes(buffer.data().data())


def write_pdf(
    content: Document | str, images: Mapping[str, bytes], path: Path, *, title: str
) -> None:
    """Write the report (its document, or Markdown the team wrote) as an A4 PDF at `path`,
    atomically.

    `images` maps the names the document uses to PNG/JPEG bytes; it may read them lazily (each
    is asked for when its page is painted). ReportError (one line) on failure.
    """
    _write(_writer(content, images, title), images, path, title)


def write_pdf_html(html: str, path: Path, *, title: str) -> None:
    """Write HTML made elsewhere (for QTextDocument) as an A4 PDF at `path`, atomically; no
    image it names is loaded (only a document's own images are: `write_pdf`)."""
    _write(lambda _size: html, {}, path, title)


def _write(layout: Layout, images: Mapping[str, bytes], path: Path, title: str) -> None:
    path = Path(path)
    refuse_link(path)  # a report.pdf that is a link is refused, never replaced or written through
    if not path.parent.is_dir():
        raise ReportError(f"cannot write {path}: folder {path.parent} does not exist")
    try:
        with replacing(path, file_mode()) as temporary:
            device = QFile(str(temporary))
            if not device.open(QIODevice.OpenModeFlag.WriteOnly | QIODevice.OpenModeFlag.Truncate):
                raise ReportError(f"cannot write {path}: {device.errorString()}")
            try:
                _paint(device, layout, images, title)
            finally:
                device.close()
            if device.error() != QFileDevice.FileError.NoError:
                raise ReportError(f"cannot write {path}: {device.errorString()}")
    except OSError as error:
        raise ReportError(f"cannot write {path}: {error.strerror or error}") from error


PDF_NAME = "report.pdf"


def write_pdf_report(
    document: Document,
    images: Mapping[str, Path],
    out_dir: Path,
    title: str,
    *,
    name: str | None = None,
) -> Path:
    """The "pdf" renderer of an export: out_dir/report.pdf (or `name`: 'report-public.pdf')
    from the finished report and the images written under images/ (the SVG timeline
    is left out: the PNG one is used)."""
    raster = ImageFiles({name: path for name, path in images.items() if not name.endswith(".svg")})
    target = Path(out_dir) / (name or PDF_NAME)
    # ImageFiles reads each image from disk when the PDF needs it: never all at once
    write_pdf(document, raster, target, title=title)
    return target
