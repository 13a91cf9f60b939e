"""The report's document as the HTML QTextDocument understands, sized for an A4 page.

Written from the document model (report/model.py) like the HTML report (`HtmlWriter`), with
what Qt's rich text needs instead of CSS: table attributes, zebra rows as bgcolor, a kind as its
name in its colour, long tables cut into tables of `PDF_TABLE_ROWS` rows with the header again
(Qt paints a page by walking every row of a table on it), and every image with its size.

Sizes come from the data, not from parsing HTML: an image's natural size from its header
(render/pdf_images.py), shrunk to the text width and most of a page's height; in a table that
holds images (the timeline with captures) the other columns keep their short texts (times, T+,
kinds) on one line, measured from the cells' own text with the PDF's font, and each image is
shrunk to the room they leave. (QTextDocument sizes columns from their content's widths: an
image sized to the page width left those columns one letter wide.) An image the PDF cannot
show becomes a line naming it and why, said once in the export's messages too.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QFont, QFontMetricsF

from incident_recorder.domain.kinds import KIND_COLOURS
from incident_recorder.render.pdf_images import LOG, Unshowable, describe, image_size, unshown_html
from incident_recorder.report.html import PDF_TABLE, ZEBRA, HtmlWriter, not_loaded, one_line
from incident_recorder.report.html_style import PDF_STYLESHEET
from incident_recorder.report.model import Document, Image, Line, Table, plain

PDF_TABLE_ROWS = 100
"""Rows per table in the PDF: a 10,000-row timeline becomes tables of this many rows."""

_KIND_COLOURS = {kind.value: colour for kind, colour in KIND_COLOURS.items()}
_CELL_FONT_PT = 9  # th, td in html_style.PDF_STYLESHEET
_CELL_EXTRA = 14.0  # a column's padding (cellpadding 4 each side), border and some slack


def _fit(natural: QSizeF, box: QSizeF) -> QSizeF:
    factor = min(1.0, box.width() / natural.width(), box.height() / natural.height())
    return QSizeF(natural.width() * factor, natural.height() * factor)


def _has_image(cell: Line) -> bool:
    return any(isinstance(piece, Image) for piece in cell)


class PdfHtmlWriter(HtmlWriter):
    """One document's HTML for the PDF. After `page(document)`: `shown` holds each image's
    size on the page (logical pixels, the largest where it appears twice) and `alts` its
    caption, for the document that loads the images."""

    for_pdf = True

    def __init__(self, images: Mapping[str, bytes], box: QSizeF) -> None:
        super().__init__(self._image, badges=False)
        self.images = images
        self.page_box = box
        self.box = box  # where the image being written goes: the page, or a table cell
        self.shown: dict[str, QSizeF] = {}
        self.alts: dict[str, str] = {}
        self._natural: dict[str, QSizeF | Unshowable] = {}
        self._told: set[str] = set()
        font = QFont("DejaVu Sans", _CELL_FONT_PT)
        font.setBold(True)  # th and the kind names are bold: measure every cell as bold
        self._metrics = QFontMetricsF(font)

    html = ""
    """The page written last (`write`)."""

    def write(self, document: Document, title: str) -> str:
        """The page for `document`: HTML with every image sized (kept in `html` too)."""
        self.html = (
            f"<html><head><title>{one_line(title)}</title>"
            f"<style>{PDF_STYLESHEET}</style></head><body>{self.body(document)}</body></html>"
        )
        return self.html

    # -- images ----------------------------------------------------------------------------

    def _size(self, src: str) -> QSizeF | Unshowable:
        if src not in self._natural:
            try:
                self._natural[src] = image_size(self.images[src])
            except Unshowable as why:
                self._natural[src] = why
        return self._natural[src]

    def _image(self, src: str, alt: str) -> str:
        """An image given to the PDF keeps its name (the document asks for it when its page is
        painted), sized to fit the current box; anything else is a link or its caption."""
        if src not in self.images:
            return not_loaded(src, alt)
        caption = html.unescape(alt)
        self.alts.setdefault(src, caption)
        natural = self._size(src)
        if isinstance(natural, Unshowable):
            if src not in self._told:
                self._told.add(src)
                LOG.warning(f"report.pdf: {describe(src, caption)} not shown: {natural}")
            return unshown_html(caption, str(natural))
        shown = _fit(natural, self.box)
        before = self.shown.get(src)
        if before is None or shown.width() > before.width():
            self.shown[src] = shown
        name = html.escape(src, quote=True)
        return (
            f'<img width="{shown.width():.0f}" height="{shown.height():.0f}" src="{name}" '
            f'alt="{alt.replace(chr(34), "&quot;")}">'
        )

    # -- tables and kinds ------------------------------------------------------------------

    def kind(self, value: str, label: str) -> str:
        colour = _KIND_COLOURS[value]
        return f'<b><font color="{colour}">{html.escape(label)}</font></b>'

    def table(self, table: Table) -> str:
        image_columns = {
            column
            for row in table.rows
            for column, cell in enumerate(row)
            if _has_image(cell) and column < len(table.columns)
        }
        nowrap = ' style="white-space: nowrap"' if image_columns else ""
        cell_box = self._cell_box(table, image_columns) if image_columns else self.page_box
        head = "".join(
            f"<th{'' if n in image_columns else nowrap}>{one_line(column)}</th>"
            for n, column in enumerate(table.columns)
        )
        rows: list[str] = []
        for row in table.rows:
            cells = []
            for column, cell in enumerate(row):
                if column in image_columns:
                    self.box = cell_box
                    cells.append(f"<td>{self.line(cell)}</td>")
                    self.box = self.page_box
                else:
                    cells.append(f"<td{nowrap}>{self.line(cell)}</td>")
            rows.append("".join(cells))
        if not rows:
            return f"{PDF_TABLE}<thead><tr>{head}</tr></thead></table>"
        return "\n".join(
            f"{PDF_TABLE}<thead><tr>{head}</tr></thead><tbody>"
            + "".join(
                f'<tr bgcolor="{ZEBRA}">{cells}</tr>' if n % 2 else f"<tr>{cells}</tr>"
                for n, cells in enumerate(rows[start : start + PDF_TABLE_ROWS])
            )
            + "</tbody></table>"
            for start in range(0, len(rows), PDF_TABLE_ROWS)
        )

    def _text_width(self, text: str) -> float:
        return max(self._metrics.horizontalAdvance(part) for part in text.split("\n"))

    def _cell_box(self, table: Table, image_columns: set[int]) -> QSizeF:
        """The room an image in `table` has: the text width less the other columns, each as
        wide as its longest line (texts of the header and of every row)."""
        widths = [self._text_width(column) for column in table.columns]
        for row in table.rows:
            for column, cell in enumerate(row[: len(widths)]):
                if column not in image_columns:
                    widths[column] = max(widths[column], self._text_width(plain(cell)))
        others = sum(w + _CELL_EXTRA for c, w in enumerate(widths) if c not in image_columns)
        room = self.page_box.width() - others - _CELL_EXTRA * len(image_columns)
        return QSizeF(max(room, self.page_box.width() / 4), self.page_box.height())
