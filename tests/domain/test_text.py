"""Note text: what is kept exactly, what is made visible, what is refused."""

from __future__ import annotations

import pytest

from incident_recorder.domain.text import MAX_NOTE_CHARS, clean_note_text


def test_plain_text_is_kept() -> None:
    assert clean_note_text("DB connections saturated at 500/500") == (
        "DB connections saturated at 500/500"
    )


def test_control_characters_become_control_pictures() -> None:
    assert clean_note_text("a\x1b[31mred\x1b[0m") == "a\u241b[31mred\u241b[0m"
    assert clean_note_text("nul\x00here") == "nul\u2400here"
    assert clean_note_text("bell\x07 del\x7f") == "bell\u2407 del\u2421"


def test_tabs_and_newlines_are_kept() -> None:
    assert clean_note_text("a\tb\nc") == "a\tb\nc"


def test_line_ends_become_newlines() -> None:
    assert clean_note_text("one\r\ntwo\rthree\n") == "one\ntwo\nthree"


def test_surrounding_blank_lines_are_trimmed_but_indentation_kept() -> None:
    assert clean_note_text("\n\n  indented\n  code  \n\n") == "  indented\n  code"


def test_lone_surrogates_become_replacement_characters() -> None:
    assert clean_note_text("bad \ud800 pair \udfff") == "bad \ufffd pair \ufffd"
    # the result can be encoded (SQLite stores UTF-8)
    clean_note_text("x\udc80").encode("utf-8")


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n", "\t\n  "])
def test_empty_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        clean_note_text(text)


def test_a_one_megabyte_note_is_kept_intact() -> None:
    text = ("0123456789abcdef" * 64 + "\n") * 1000
    text = text[:1_000_000].rstrip() + "end"
    assert len(text.encode()) >= 1_000_000 - 10
    assert clean_note_text(text) == text


def test_too_long_is_refused_with_the_limit() -> None:
    with pytest.raises(ValueError, match="too long") as caught:
        clean_note_text("x" * (MAX_NOTE_CHARS + 1))
    assert f"{MAX_NOTE_CHARS:,}" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "Rollback done \U0001f680\U0001f525 \U0001f469\u200d\U0001f4bb\U0001f3fd",
        "\u05d4\u05e9\u05e8\u05ea \u05e0\u05e4\u05dc \u0627\u0644\u062e\u0627\u062f\u0645 abc",
        "mixed \u202eevil\u202c bidi \u200f",
        "e\u0301 vs \u00e9 (not normalised)",
    ],
)
def test_emoji_and_right_to_left_text_are_kept_exactly(text: str) -> None:
    assert clean_note_text(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script> <b>bold</b> &amp; &lt;",
        "**bold** _it_ [link](javascript:alert(1)) `code`\n# Heading\n- item",
        "<img src=x onerror=alert(1)>",
    ],
)
def test_html_and_markdown_are_kept_verbatim(text: str) -> None:
    assert clean_note_text(text) == text


def test_large_notes_and_their_size_in_words() -> None:
    from incident_recorder.domain.text import LARGE_NOTE_CHARS, describe_size, is_large_note

    assert not is_large_note("x" * LARGE_NOTE_CHARS)
    assert is_large_note("x" * (LARGE_NOTE_CHARS + 1))
    log = ("a" * 47 + "\n") * 41_667  # 2,000,016 characters
    assert describe_size(log) == "2.0 MB (2,000,016 characters, 41,668 lines)"
    assert describe_size("é" * 30_000) == "60 KB (30,000 characters, 1 line)"
    assert describe_size("x" * 144_000) == "144 KB (144,000 characters, 1 line)"  # not "0.1 MB"
