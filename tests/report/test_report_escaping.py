"""Untrusted note text can never add a heading, break the table, inject HTML or a link."""

from __future__ import annotations

from datetime import UTC, timedelta
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_helpers import START, cell_text, headings, make_capture, parse, table_rows

from incident_recorder.domain import CaptureInfo, Entry, EntryKind, Incident
from incident_recorder.report import SECTIONS, render_markdown, write_report
from incident_recorder.report.escape import normalize_lines
from incident_recorder.report.markdown import SUBSECTIONS
from incident_recorder.storage import IncidentFile

NASTY = [
    "## Prevention",
    "# x",
    "a | b | c",
    "|",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "`code` ``` fenced ```",
    "```\nfence\n```",
    "[link](javascript:alert(1))",
    "![img](javascript:alert(1))",
    "<https://evil.example>",
    "---",
    "===",
    "* list",
    "1. x",
    "> quote",
    "line one\n## Prevention\n\n| a | b |\n| - | - |",
    "    indented code",
    "&amp; &lt;script&gt; &#60;b&#62;",
    "trailing backslash \\",
    "\\| escaped pipe",
    "emoji 🔥🚒 and مرحبا بالعالم \u202eRTL override",
    "control pictures \u241b\u2400 and raw \x1b[31m\x00",
    "[ref]: https://evil.example\n[ref]",
    "<!-- comment -->",
    "**bold** _em_ ~~strike~~ $x$ @someone",
    "\r\nwindows\rmac\u2028unicode\u2029para\x85nel",
]


def entry(number: int, text: str, *, capture: bool = False) -> Entry:
    moment = START + timedelta(seconds=7 * number)
    info = CaptureInfo(number, 1920, 1080, "ab" * 32, 0, "<b>title</b>") if capture else None
    return Entry(number, EntryKind.OBSERVATION, text, moment, moment, capture=info)


def expected_cell(text: str) -> str:
    """What a reader should see: the note itself, control characters made visible."""
    shown = []
    for char in "\n".join(normalize_lines(text)):
        code = ord(char)
        if char == "\t":
            shown.append(" ")
        elif code < 0x20 and char != "\n":
            shown.append(chr(0x2400 + code))
        elif code == 0x7F:
            shown.append("\u2421")
        else:
            shown.append(char)
    return "".join(shown)


class _Active(HTMLParser):
    """Collects active HTML: script/iframe tags, on* attributes, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "style"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or "javascript:" in (value or "").lower():
                self.found.append(f"{tag} {name}={value}")


def assert_inert(text: list[str], md: str) -> None:
    tokens = parse(md)
    assert headings(tokens, 1) == ["Incident"]
    assert headings(tokens, 2) == list(SECTIONS)
    assert headings(tokens, 3) == list(SUBSECTIONS)
    assert not [t for t in tokens if t.type == "html_block"]
    children = [c for t in tokens for c in t.children or []]
    assert {c.content for c in children if c.type == "html_inline"} <= {"<br>"}
    assert not [c for c in children if c.type == "link_open"]
    assert all(str(c.attrs["src"]).startswith("images/") for c in children if c.type == "image")
    assert [t.type for t in tokens].count("table_open") == 2
    rows = table_rows(tokens)
    assert len(rows) == len(text)
    for row, note in zip(rows, text, strict=True):
        assert len(row) == 5
        assert cell_text(row[4]).strip() == expected_cell(note).strip()
    html = markdown.markdown(md, extensions=["tables"])
    assert "<script" not in html.lower()
    # The words may be there as text ("&lt;img src=x onerror=…&gt;"), never as a tag.
    assert "<img src=x" not in html
    active = _Active()
    active.feed(html)
    assert active.found == []


def render(texts: list[str]) -> str:
    incident = Incident("u", "Incident", START, "0")
    entries = [entry(n, t, capture=n % 3 == 0) for n, t in enumerate(texts, start=1)]
    files = {e.id: f"images/entry-{e.id:04d}-abababababab.png" for e in entries if e.capture}
    return render_markdown(incident, entries, files, UTC)


@pytest.mark.parametrize("note", NASTY)
def test_known_attacks_stay_text(note: str) -> None:
    assert_inert([note, "plain", note], render([note, "plain", note]))


def test_everything_at_once_through_a_real_file(
    incident_file: IncidentFile, tmp_path: Path
) -> None:
    for number, note in enumerate(NASTY):
        incident_file.add_note(note, EntryKind.DETECTION, START + timedelta(seconds=number))
    incident_file.add_capture(
        make_capture(), START + timedelta(minutes=5), text="<img src=x onerror=alert(1)>"
    )
    entries = incident_file.entries()
    path = write_report(
        tmp_path / "out", "markdown", incident_file.incident(), entries, incident_file.capture_png
    )
    md = path.read_text(encoding="utf-8")
    tokens = parse(md)
    assert headings(tokens, 2) == list(SECTIONS)
    assert len(table_rows(tokens)) == len(entries)
    for row, stored in zip(table_rows(tokens), entries, strict=True):
        assert cell_text(row[4]).strip() == expected_cell(stored.text).strip()
    html = markdown.markdown(md, extensions=["tables"])
    active = _Active()
    active.feed(html)
    assert active.found == [] and "<script" not in html


def test_a_megabyte_note_stays_in_its_cell() -> None:
    huge = ("## Prevention | <script>x</script> [a](b)\n" * 25_000)[:1_000_000]
    md = render(["before", huge, "after"])
    tokens = parse(md)
    assert headings(tokens, 2) == list(SECTIONS)
    rows = table_rows(tokens)
    assert [cell_text(row[4]).strip()[:6] for row in rows] == ["before", "## Pre", "after"]


def test_the_title_is_escaped_too() -> None:
    incident = Incident("u", "# <script>x</script> | [a](javascript:b)\n## Impact", START, "0")
    md = render_markdown(incident, [], {}, UTC)
    tokens = parse(md)
    assert headings(tokens, 1) == ["# <script>x</script> | [a](javascript:b) ## Impact"]
    assert headings(tokens, 2) == list(SECTIONS)
    assert "<script" not in markdown.markdown(md)


PIECES = st.sampled_from(
    list("#|<>`*_[]()!-+.=~\\&:;\"'/\n\r\t >\u2028\x00")
    + ["<br>", "](", "<script>", "javascript:", " onerror=", "\n## ", "\n| ", "&lt;", "&#60;"]
)
NOTES = (
    st.lists(st.one_of(st.characters(codec="utf-8"), PIECES), max_size=60).map("".join)
    | st.text(max_size=200)
    | st.sampled_from(NASTY)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NOTES, min_size=1, max_size=6))
def test_any_note_renders_as_exactly_its_text(texts: list[str]) -> None:
    assert_inert(texts, render(texts))


def test_exported_at_default_is_deterministic() -> None:
    assert render(["a"]) == render(["a"])
