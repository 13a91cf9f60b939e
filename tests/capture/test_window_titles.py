"""Window titles as X stores them: UTF-8 (_NET_WM_NAME), Latin-1 STRING, COMPOUND_TEXT."""

from __future__ import annotations

from incident_recorder.capture.window import decode_text


def test_compound_text_with_utf8_segments_is_decoded() -> None:
    raw = b"Grafana \x1b%G\xe2\x80\x94\x1b%@ checkout \xfcn\xefcode"
    assert decode_text(raw) == "Grafana — checkout ünïcode"


def test_latin1_string_and_an_unterminated_segment() -> None:
    assert decode_text(b"caf\xe9") == "café"
    assert decode_text(b"x \x1b%G\xf0\x9f\x94\xa5") == "x 🔥"
