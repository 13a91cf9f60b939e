"""The report as PDF, through Qt's own PDF writer (QPdfWriter painting a QTextDocument).

Takes the QTextDocument-friendly HTML of report/html.py `render_pdf_html`, whose images are
names ('images/entry-0004-….png') that are registered here as document resources: the document
loads nothing else (no file, no network). A4 with margins, laid out at 96 logical dots per inch
and painted at the writer's resolution; images wider than the text are scaled to the text width
(and to most of a page's height); each page has a footer with the title and "Page n of N".

Works in a worker thread (no widgets; a QGuiApplication must exist for fonts; the CLI makes an
offscreen one). The PDF is built in memory and written with writer.write_atomically, so a
failure never leaves half a file under the final name and the file gets the usual 0o644.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Collection, Mapping
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
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
    QTextCursor,
    QTextDocument,
)

from incident_recorder.report.html import render_pdf_html
from incident_recorder.report.html_export import ImageFiles
from incident_recorder.report.writer import ReportError, write_atomically

LOGICAL_DPI = 96.0
RESOLUTION = 300
MARGINS_MM = QMarginsF(18, 16, 18, 14)
_FOOTER = 26.0  # logical pixels kept free at the bottom of each page


class _ReportDocument(QTextDocument):
    """A QTextDocument that loads only the resources registered with it: never a file.

    Qt asks loadResource for a name it was not given; answering None would make its image
    handler read the name as a file path itself, so the answer is a blank pixel instead (and
    _fit_images then takes such images out of the document).
    """

    def loadResource(self, kind: int, name: QUrl | str) -> object:  # noqa: N802 - Qt's name
        blank = QImage(1, 1, QImage.Format.Format_ARGB32)
        blank.fill(Qt.GlobalColor.transparent)
        return blank


_IMG = re.compile(r'<img src="([^"]*)"')


def _sized(html: str, sizes: Mapping[str, QSizeF], box: QSizeF) -> str:
    """Every given image with its size in the HTML: its natural size, shrunk to fit `box`.

    (Set in the HTML, not on the laid-out document: each change there would lay out the whole
    document again, which for 500 captures in a 10,000-entry report takes minutes.)"""

    def size(match: re.Match[str]) -> str:
        natural = sizes.get(html_lib.unescape(match[1]))
        if natural is None or natural.isEmpty():
            return match[0]
        factor = min(1.0, box.width() / natural.width(), box.height() / natural.height())
        w, h = natural.width() * factor, natural.height() * factor
        return f'<img width="{w:.0f}" height="{h:.0f}" src="{match[1]}"'

    return _IMG.sub(size, html)


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


def _document(html: str, images: Mapping[str, bytes], width: float, height: float) -> QTextDocument:
    document = _ReportDocument()
    document.setDefaultFont(QFont("DejaVu Sans", 10))
    document.setDocumentMargin(0)
    document.setPageSize(QSizeF(width, height))
    sizes: dict[str, QSizeF] = {}
    for name, data in images.items():
        image = QImage.fromData(QByteArray(data))
        if image.isNull():
            raise ReportError(f"cannot put image {name} in the PDF: not a readable image")
        document.addResource(QTextDocument.ResourceType.ImageResource.value, QUrl(name), image)
        # A picture drawn at 2× says so in its PNG density (the timeline PNG: 192 dpi) and is
        # shown at its 1× size; other images at one pixel per logical pixel.
        ratio = min(4.0, max(1.0, image.dotsPerMeterX() * 0.0254 / LOGICAL_DPI))
        sizes[name] = QSizeF(image.width() / ratio, image.height() / ratio)
    document.setHtml(_sized(html, sizes, QSizeF(width, height * 0.85)))
    _drop_unknown_images(document, sizes)
    return document


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


def render_pdf(html: str, images: Mapping[str, bytes], *, title: str) -> bytes:
    """The PDF bytes of the report (see write_pdf)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
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
    document = _document(html, images, width, height)
    pages = max(1, document.pageCount())
    scale = writer.resolution() / LOGICAL_DPI
    painter = QPainter()
    if not painter.begin(writer):
        raise ReportError("cannot start writing the PDF")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        # Screen captures keep crisp text: Flate, not Qt's default JPEG.
        painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)
        layout = document.documentLayout()
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
            layout.draw(painter, context)
            painter.restore()
            _footer(painter, title, page + 1, pages, width, height)
            painter.restore()
    finally:
        painter.end()
    buffer.close()
    return bytes(buffer.data().data())


def write_pdf(html: str, images: Mapping[str, bytes], path: Path, *, title: str) -> None:
    """Write `html` (from report.html.render_pdf_html) as an A4 PDF at `path`, atomically.

    `images` maps the names the HTML uses to PNG/JPEG bytes. ReportError (one line) on failure.
    """
    write_atomically(Path(path), render_pdf(html, images, title=title))


PDF_NAME = "report.pdf"


def write_pdf_report(markdown: str, images: Mapping[str, Path], out_dir: Path, title: str) -> Path:
    """The "pdf" renderer of an export: out_dir/report.pdf from the finished Markdown report and
    the images written under images/ (the SVG timeline is left out: the PNG one is used)."""
    raster = ImageFiles({name: path for name, path in images.items() if not name.endswith(".svg")})
    loaded = dict(raster.items())
    target = Path(out_dir) / PDF_NAME
    write_pdf(render_pdf_html(markdown, title=title, images=loaded), loaded, target, title=title)
    return target
