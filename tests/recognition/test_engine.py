"""Tesseract through tesserocr on small generated screens: words, boxes, themes, bad input."""

from __future__ import annotations

import pytest
from text_images import LEFT, LINE_HEIGHT, TOP, text_png

from incident_recorder.recognition import engine
from incident_recorder.recognition.engine import Recogniser, RecognitionUnavailable
from incident_recorder.recognition.words import text_of, words_from_json, words_to_json

LINES = ["14:02:07 ERROR pool exhausted on orders-db", "14:02:09 WARN checkout latency 2300ms"]


@pytest.fixture(scope="module")
def recogniser():
    with Recogniser() as instance:
        yield instance


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_words_of_a_terminal_are_read_with_their_boxes(recogniser: Recogniser, dark: bool) -> None:
    result = recogniser.recognise(text_png(LINES, dark=dark))
    texts = [word.text for word in result.words]
    assert texts == " ".join(LINES).split()
    assert text_of(result.words) == "\n".join(LINES)
    assert result.engine.startswith("tesseract 5.")
    exhausted = next(word for word in result.words if word.text == "exhausted")
    # boxes are in the capture's pixels (the 1.5× scaling undone): on the first line, right of
    # the time stamp, about one line high
    assert TOP - 4 <= exhausted.box.top <= TOP + 8
    assert exhausted.box.left > LEFT + 8 * 14 // 2
    assert 8 <= exhausted.box.height <= LINE_HEIGHT
    assert exhausted.confidence > 50
    assert {word.line for word in result.words} == {0, 1}


def test_words_survive_their_json_form(recogniser: Recogniser) -> None:
    words = recogniser.recognise(text_png(LINES[:1])).words
    assert words_from_json(words_to_json(words)) == [
        type(w)(w.text, w.box, round(w.confidence, 1), w.line) for w in words
    ]


def test_something_that_is_no_image_is_a_value_error(recogniser: Recogniser) -> None:
    with pytest.raises(ValueError, match="cannot be read"):
        recogniser.recognise(b"not a png at all")


def test_without_english_data_recognition_says_what_is_missing(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    engine.unavailable_reason.cache_clear()
    try:
        assert "tesseract-ocr-eng" in (engine.unavailable_reason() or "")
        with pytest.raises(RecognitionUnavailable, match="English data"):
            Recogniser()
    finally:
        monkeypatch.undo()
        engine.unavailable_reason.cache_clear()
    assert engine.available()
