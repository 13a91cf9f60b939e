"""Text is shown exactly as typed, everywhere (issue 15): a property over typed text.

For any note, title, section or action-item text built from the characters that mean something
in Markdown or HTML (`~ $ / \\ < > & * _ [ ] | # -> https://…`, code spans across lines), what
a reader sees is what was typed:

- report.md, rendered by GitHub's own renderer (cmarkgfm, not the markdown-it-py we render
  HTML with, so the check is not the renderer agreeing with itself);
- report.html, its DOM text (html.parser);
- report.pdf, its text (pdftotext);
- the status page (a note made public), its DOM text;
- the report window's draft panel (Qt's Markdown reader, md4c).

A note, a title and an action item are plain text: the reader sees the characters typed. A
section is the team's Markdown: the reader sees what CommonMark makes of it with raw HTML shown
as text (markdown-it-py, html off), whatever renderer reads our report. And report.md, rendered
by cmark-gfm with raw HTML let through, holds no element we did not emit.

Whitespace is compared collapsed (renderers and PDF lines break and trim it); the PDF, whose
lines break anywhere in a long word, without any whitespace.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from incident_recorder.domain import Entry, EntryKind, Incident
from incident_recorder.domain.actions import ActionItem
from incident_recorder.domain.details import IncidentDetails
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.report import write_report
from incident_recorder.report.html_export import write_html
from incident_recorder.report.prefill import draft_texts
from incident_recorder.report.status_page import render_index

START = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)

PIECES = [
    *"~$/\\<>&*_[]|#-:.=+!`()",
    "->", "https://x.example/a?b=1", "www.x.example", "//host", "\\$5", "&amp;", "&#60;",
    "<b>", "</b>", "<img src=x onerror=alert(1)>", "<!--", "<https://y.example/p>",
    "`a\nb <i>x</i>`", "``", "**", "~~", "$x$", "[a](https://z.example)", "![i](x.png)",
    "| c |", "a", "b", "x9", "q_r", "word", " ", " ", "\n", "1.", "> ",
]  # fmt: skip
"""What typed text is made of: Markdown and HTML's special characters and constructs, words
and spaces (no 'f' or 'fi': the PDF's font ligatures would read back as other characters)."""

typed = st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map("".join)
one_line = typed.map(lambda text: " ".join(text.split()))  # a title, an action item


def collapse(text: str) -> str:
    return " ".join(text.split())


def squeeze(text: str) -> str:
    return "".join(text.split())


_INLINE = {"a", "strong", "em", "code", "del", "s", "span", "img", "b", "i", "font", "kbd"}


class _Text(HTMLParser):
    """The text of an HTML page by element: the whole, each table cell, each section."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tables: list[list[list[str]]] = []  # table → row → cell text (th and td)
        self.headings: list[tuple[str, int]] = []  # (heading text, where it starts in parts)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag in ("style", "script", "title", "svg"):
            self._skip += 1
        elif tag == "br":
            self._add("\n")
        elif tag == "img":  # read as its caption, as the HTML report shows one it does not load
            self._add(f"[{dict(attrs).get('alt') or ''}]")
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h1", "h2", "h3"):
            self._heading = []
            self.headings.append(("", len(self.parts)))
        if tag not in _INLINE:
            self._add(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title", "svg"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            if self.tables and self.tables[-1]:
                self.tables[-1][-1].append(collapse("".join(self._cell)))
            self._cell = None
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings[-1] = ("".join(self._heading), self.headings[-1][1])
            self._heading = None
        if tag not in _INLINE:
            self._add(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._add(data)

    def _add(self, text: str) -> None:
        self.parts.append(text)
        for part in (self._cell, self._heading):
            if part is not None:
                part.append(text)

    def column(self, first_header: str, header: str) -> list[str]:
        """The cells under `header` of the table whose first column is `first_header`."""
        for table in self.tables:
            if table and table[0] and table[0][0] == first_header:
                at = table[0].index(header)
                return [row[at] for row in table[1:]]
        raise AssertionError(f"no table starting with {first_header!r}")

    def section(self, heading: str) -> str:
        """The text after `heading` up to the next heading of any level."""
        starts = [(collapse(text), at) for text, at in self.headings]
        index = [text for text, _ in starts].index(heading)
        end = starts[index + 1][1] if index + 1 < len(starts) else len(self.parts)
        return "".join(self.parts[starts[index][1] : end]).split(heading, 1)[1]


def read(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return parser


def pdf_squeeze(text: str) -> str:
    """Text without whitespace, runs of '-' as one: pdftotext reads two hyphens as one in some
    places of a line (QTextDocument holds both: tests/render)."""
    return re.sub("-+", "-", squeeze(text))


def gfm(markdown_text: str) -> str:
    """report.md as GitHub renders it (cmark-gfm), raw HTML let through so none can hide."""
    return cmarkgfm.markdown_to_html_with_extensions(
        markdown_text,
        options=Options.CMARK_OPT_UNSAFE,
        extensions=["table", "strikethrough", "autolink"],
    )


_READER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def as_read(section_text: str) -> str:
    """What a Markdown reader sees of a section the team wrote: CommonMark + GFM tables, raw
    HTML shown as text."""
    return collapse("".join(read(_READER.render(section_text)).parts))


EMITTED = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr",
    "th", "td", "strong", "em", "code", "pre", "a", "img", "br", "del", "hr", "blockquote",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"},
              "td": {"align"}, "ol": {"start"}, "code": {"class"}}  # fmt: skip


def only_our_elements(rendered: str) -> None:
    for tag, attrs in read(rendered).tags:
        assert tag in EMITTED, (tag, attrs)
        assert {name for name, _ in attrs} <= ATTRIBUTES.get(tag, set()), (tag, attrs)


def make_record(title: str, notes: list[str], section: str, action: str) -> IncidentRecord:
    entries = tuple(
        Entry(n, EntryKind.DETECTION, note, START + timedelta(minutes=n),
              START + timedelta(minutes=n), public=True)
        for n, note in enumerate(notes, start=1)
    )  # fmt: skip
    return IncidentRecord(
        Incident("4c9a0c1e-0000-4000-8000-000000000001", title, START, "0"),
        IncidentDetails(title),
        entries=entries,
        report_texts={"prevention": section},
        action_items=(ActionItem(action),),
    )


def export(record: IncidentRecord, out: Path, fmt: str) -> str:
    renderers = {"html": write_html}
    if fmt == "pdf":
        from incident_recorder.render.pdf import write_pdf_report

        renderers["pdf"] = write_pdf_report  # type: ignore[assignment]
    path = write_report(out, fmt, record, lambda _: b"", tz=UTC, renderers=renderers)
    return path.read_text("utf-8") if fmt != "pdf" else pdf_text(path)


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    return result.stdout


FAST = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: CI stays fast
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FAST
@given(title=one_line, notes=st.lists(typed, min_size=1, max_size=3), section=typed,
       action=one_line)  # fmt: skip
def test_report_md_read_by_github_shows_what_was_typed(
    tmp_path: Path, title: str, notes: list[str], section: str, action: str
) -> None:
    notes = [note for note in notes if note.strip()] or ["x"]
    section = section if section.strip() else "x"  # a blank one shows the prompt
    markdown_text = export(make_record(title, notes, section, action), tmp_path, "markdown")
    rendered = gfm(markdown_text)
    only_our_elements(rendered)
    page = read(rendered)
    assert collapse(page.headings[0][0]) == collapse(title)
    assert page.column("UTC", "Entry") == [collapse(note) for note in notes]
    assert page.column("Item", "Item") == [collapse(action)]
    assert collapse(page.section("Prevention")) == as_read(section)


@FAST
@given(title=one_line, notes=st.lists(typed, min_size=1, max_size=3), section=typed,
       action=one_line)  # fmt: skip
def test_report_html_shows_what_was_typed(
    tmp_path: Path, title: str, notes: list[str], section: str, action: str
) -> None:
    notes = [note for note in notes if note.strip()] or ["x"]
    section = section if section.strip() else "x"  # a blank one shows the prompt
    page = read(export(make_record(title, notes, section, action), tmp_path, "html"))
    assert collapse(page.headings[0][0]) == collapse(title)
    assert page.column("UTC", "Entry") == [collapse(note) for note in notes]
    assert page.column("Item", "Item") == [collapse(action)]
    assert collapse(page.section("Prevention")) == as_read(section)


@settings(FAST, max_examples=10)
@given(title=one_line, notes=st.lists(typed, min_size=1, max_size=3), section=typed,
       action=one_line)  # fmt: skip
def test_report_pdf_shows_what_was_typed(
    qapp: object, tmp_path: Path, title: str, notes: list[str], section: str, action: str
) -> None:
    notes = [note for note in notes if note.strip()] or ["x"]
    section = section if section.strip() else "x"  # a blank one shows the prompt
    text = pdf_squeeze(export(make_record(title, notes, section, action), tmp_path, "pdf"))
    for typed_text in [title, *notes, action]:
        assert pdf_squeeze(typed_text) in text
    assert pdf_squeeze(as_read(section)) in text


@FAST
@given(title=one_line, notes=st.lists(typed, min_size=1, max_size=3))
def test_status_page_shows_what_was_typed(title: str, notes: list[str]) -> None:
    notes = [note for note in notes if note.strip()] or ["x"]
    record = make_record(title, notes, "", "x")
    page = read(render_index(record, now=START + timedelta(hours=1), tz=UTC))
    assert collapse(page.headings[0][0]) == collapse(title)
    shown = collapse("".join(page.parts))
    for note in notes:
        assert collapse(note) in shown


@FAST
@given(title=one_line, notes=st.lists(typed, min_size=1, max_size=3))
def test_the_report_windows_draft_shows_what_was_typed(
    qapp: object, title: str, notes: list[str]
) -> None:
    """The report window's draft panel (a SectionEditor's draft label) shows each detection
    note and the title as typed ('&gt; 50' was shown), read the way the label reads its text;
    what "Use draft" copies is that Markdown, which a Markdown reader (Qt's md4c here) shows
    as typed too."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextDocument

    from incident_recorder.ui.report.section_editor import SectionEditor

    def label_shows(editor: SectionEditor) -> str:
        label = editor.draft_label
        document = QTextDocument()
        if label.textFormat() == Qt.TextFormat.MarkdownText:
            document.setMarkdown(label.text())
        elif label.textFormat() == Qt.TextFormat.PlainText:
            document.setPlainText(label.text())
        else:
            document.setHtml(label.text())
        return collapse(document.toPlainText())

    notes = [note for note in notes if note.strip()] or ["x"]
    drafts = draft_texts(make_record(title, notes, "", "x"), UTC)
    summary, detection = SectionEditor("summary", "S", ""), SectionEditor("detection", "D", "")
    summary.set_draft(drafts["summary"])
    detection.set_draft(drafts["detection"])
    assert collapse(title) in label_shows(summary)
    for note in notes:
        assert collapse(note) in label_shows(detection)
    detection.use_draft()
    copied = QTextDocument()
    copied.setMarkdown(detection.text())
    for note in notes:
        assert collapse(note) in collapse(copied.toPlainText())


def test_the_examples_of_issue_15(tmp_path: Path) -> None:
    """What was reproduced: escapes shown in report.html, '-&gt;' in report.md, a code span
    across lines letting raw HTML into report.md, and a team's <https://…> not being a link."""
    note = "checkout https://status.example.com/x costs $5, ~18% of //cdn -> retry"
    section = "We saw `a\nb` <img src=x onerror=alert(1)> `c` then <https://runbook.example/db>."
    record = make_record("Checkout -> 500s", [note], section, "Alert on ~18% > 5 min")
    markdown_text = export(record, tmp_path / "md", "markdown")
    assert "-&gt;" not in markdown_text and "-> retry" in markdown_text
    assert "<img" not in gfm(markdown_text)
    page = export(record, tmp_path / "html", "html")
    shown = read(page)
    assert shown.column("UTC", "Entry") == [note]
    assert "\\" not in "".join(shown.parts)
    assert '<a href="https://runbook.example/db" rel="noopener noreferrer">' in page
    assert "https://runbook.example/db" in [
        dict(attrs).get("href") for tag, attrs in read(gfm(markdown_text)).tags if tag == "a"
    ]
